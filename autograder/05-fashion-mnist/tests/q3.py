from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False, 
    success_message="train_epoch returns a float loss and moves the model and every batch to device.")
def test_q3_public(train_epoch, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        X, y = (torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,)))
        loader = DataLoader(TensorDataset(X, y), batch_size=32)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        with record_moves() as moves:
            loss = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
    assert isinstance(loss, float), f'train_epoch should return the mean loss as a Python float (use loss.item()), got {type(loss).__name__}'
    assert 0 < loss < 10, f'the mean cross-entropy of a fresh model on 10 classes should be near 2.3, got {loss}'
    assert moves.module_moves_to(device) >= 1, f'train_epoch should call model.to(device) (device = {device}); it never did'
    n = moves.tensor_moves_to(device)
    assert n >= 2 * len(loader), f'the loader has {len(loader)} batches, so X and y of every batch should be moved: expected {2 * len(loader)} moves to device, counted {n} (device = {device})'

@test_case(points=1, hidden=True)
def test_q3_moves(train_epoch, build_model, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    with torch.random.fork_rng():
        torch.manual_seed(1)
        model = build_model()
        X, y = (torch.rand(256, 1, 28, 28), torch.randint(0, 10, (256,)))
        loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
        with record_moves() as moves:
            train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
    assert moves.module_moves_to(device) >= 1, f'train_epoch should move the model to {device}'
    assert moves.tensor_moves_to(device) >= 2 * len(loader), f'X and y of each of the {len(loader)} batches should go to {device}: expected {2 * len(loader)} moves, counted {moves.tensor_moves_to(device)}'

@test_case(points=1, hidden=True)
def test_q3_matches_by_hand(train_epoch, device):
    import copy
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    with torch.random.fork_rng():
        torch.manual_seed(2)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))
        X, y = (torch.rand(200, 1, 28, 28), torch.randint(0, 10, (200,)))
    twin, lr = (copy.deepcopy(model), 0.5)
    loader = DataLoader(TensorDataset(X, y), batch_size=50)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    got = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
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
    want = sum(losses) / len(losses)
    assert abs(got - want) < 0.0001, f'the mean loss of this epoch should be {want:.5f}, train_epoch returned {got:.5f}'
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p.detach().cpu(), q, atol=0.0001), 'after one epoch the weights differ from 4 plain SGD steps: zero the gradients before every backward(), call optimizer.step() once per batch'

@test_case(points=1, hidden=True)
def test_q3_loss_decreases(train_epoch, build_model, device):
    import torch
    from torch import nn
    import student_utils as su
    from torch.utils.data import DataLoader, TensorDataset
    X, y = su.load_fashion_mnist('train')
    X, y = (X[:2048], y[:2048])
    with torch.random.fork_rng():
        torch.manual_seed(3)
        model = build_model()
        loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
        first = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
        second = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
    from student_utils.testing import check_threshold
    check_threshold('q3 ratio of second- to first-epoch mean training loss', second / first, 0.8, above=False)

