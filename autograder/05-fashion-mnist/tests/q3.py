from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False, 
    success_message="train_epoch returns the mean loss as a float and updates the weights once per batch.")
def test_q3_public(train_epoch):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    model = nn.Linear(2, 3)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    X, y = (torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]), torch.tensor([0, 1, 2, 0]))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    loss = train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=1.0), torch.device('cpu'))
    assert isinstance(loss, float), f'train_epoch should return the mean loss as a Python float (use loss.item()), got {type(loss).__name__}'
    assert abs(loss - 1.2543) < 0.001, f'the two batch losses are log 3 = 1.0986 (all logits 0) and 1.4100 (after one step), so the mean is 1.2543; got {loss:.4f}: zero the gradients, step once per batch, and average loss.item() over the batches'
    bias = [round(v, 4) for v in model.bias.tolist()]
    assert torch.allclose(model.bias.detach(), torch.tensor([0.2637, -0.2363, -0.0274]), atol=0.001), f"after the two steps the bias should be [0.2637, -0.2363, -0.0274], got {bias}: zero the gradients before every backward(), or the second step also applies the first batch's gradient"

@test_case(points=0.5, hidden=False, 
    success_message="train_epoch moves the model and every batch to the device it is given.")
def test_q3_device_public(train_epoch, X_train, y_train):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, meta_scalars, seeded, train_epoch_trains
    assert_trains('train_epoch', train_epoch_trains(train_epoch, X_train[:256], y_train[:256]))
    with seeded(0), meta_scalars() as meta:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        loader = DataLoader(TensorDataset(torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))), batch_size=32)
        try:
            train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), meta)
        except RuntimeError as e:
            raise AssertionError(f"train_epoch(..., device) with device 'meta' raised: {e}. Move the model with model.to(device) and both X and y of every batch with .to(device)") from None
    where = sorted({p.device.type for p in model.parameters()})
    assert where == ['meta'], f"train_epoch should move the model to device (here 'meta'); its parameters are on {where}"

@test_case(points=1, hidden=True)
def test_q3_matches_by_hand(train_epoch):
    import copy
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_close, seeded
    gen = torch.Generator().manual_seed(2)
    with seeded(2):
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))
    X, y = (torch.rand(200, 1, 28, 28, generator=gen), torch.randint(0, 10, (200,), generator=gen))
    twin, lr = (copy.deepcopy(model), 0.5)
    loader = DataLoader(TensorDataset(X, y), batch_size=50)
    got = train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=lr), torch.device('cpu'))
    losses = []
    for start in range(0, 200, 50):
        logits = twin(X[start:start + 50])
        log_p = logits - logits.logsumexp(dim=1, keepdim=True)
        loss = -log_p[torch.arange(50), y[start:start + 50]].mean()
        grads = torch.autograd.grad(loss, list(twin.parameters()))
        with torch.no_grad():
            for p, g in zip(twin.parameters(), grads):
                p -= lr * g
        losses.append(loss.item())
    check_close('the mean loss of this epoch', got, sum(losses) / len(losses), 0.0001)
    blocked = nn.Sequential(nn.Flatten(), nn.Linear(784, 4), nn.Dropout(1.0), nn.Linear(4, 10))
    first = blocked[1].weight.detach().clone()
    blocked.eval()
    train_epoch(blocked, loader, nn.CrossEntropyLoss(), torch.optim.SGD(blocked.parameters(), lr=lr), torch.device('cpu'))
    assert torch.equal(blocked[1].weight.detach(), first), 'train_epoch should put the model in training mode (model.train()): handed a model in eval() mode, it trained a layer that a Dropout(p=1.0) blocks in training mode'
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p.detach().cpu(), q, atol=0.0001), 'after one epoch the weights differ from 4 plain SGD steps: zero the gradients before every backward(), call optimizer.step() once per batch'

@test_case(points=0.5, hidden=True)
def test_q3_moves(train_epoch, X_train, y_train):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, meta_scalars, seeded, train_epoch_trains
    assert_trains('train_epoch', train_epoch_trains(train_epoch, X_train[:256], y_train[:256]))
    with seeded(1), meta_scalars() as meta:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
        loader = DataLoader(TensorDataset(torch.rand(100, 1, 28, 28), torch.randint(0, 10, (100,))), batch_size=32)
        loss = train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters(), lr=0.001), meta)
    assert isinstance(loss, float), f'train_epoch should return a float, got {type(loss).__name__}'
    assert all((p.device.type == 'meta' for p in model.parameters())), 'train_epoch should move the model to the device given'

@test_case(points=1, hidden=True)
def test_q3_loss_decreases(train_epoch, X_train, y_train, pixel_mean, pixel_std):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    import student_utils as su
    from student_utils.testing import check_threshold, seeded
    with seeded(3):
        model = nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    X, y = (X_train[:2048], y_train[:2048])
    loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True, generator=torch.Generator().manual_seed(3))

    def loss_of_model():
        with torch.no_grad():
            return nn.functional.cross_entropy(model(X), y).item()
    untrained = loss_of_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for _ in range(2):
        train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, torch.device('cpu'))
    check_threshold('q3 loss after two epochs / loss of the untrained model', loss_of_model() / untrained, 0.4, above=False)

