from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 5

@test_case(points=1, hidden=False, 
    success_message="evaluate gives the right mean loss and keeps the model's mode.")
def test_q6_evaluate_public(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    model = nn.Linear(1, 1)
    nn.init.ones_(model.weight)
    nn.init.zeros_(model.bias)
    X, y = (torch.tensor([[1.0], [2.0], [3.0], [4.0]]), torch.tensor([1.0, 2.0, 3.0, 6.0]))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    got = evaluate(model, nn.MSELoss(), loader)
    assert isinstance(got, float), f'evaluate should return a float, got {type(got).__name__}'
    assert abs(got - 1.0) < 1e-06, f'batch losses are 0 and (0 + 4) / 2 = 2, so the mean is 1.0; got {got}'
    assert model.training, 'evaluate got a model in train() mode and left it in eval() mode; it should leave the mode as it found it'
    assert model.weight.item() == 1.0, 'evaluate should not change the weights'
    dropout = nn.Sequential(nn.Dropout(0.5), model)
    got = evaluate(dropout, nn.MSELoss(), loader)
    assert abs(got - 1.0) < 1e-06, f'with a dropout layer in front, evaluate should still give 1.0 (eval() turns dropout off), got {got}'

@test_case(points=1, hidden=True)
def test_q6_evaluate_value(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_close, seeded
    gen = torch.Generator().manual_seed(4)
    X, y = (torch.randn(10, 2, generator=gen), torch.randn(10, generator=gen))
    loader = DataLoader(TensorDataset(X, y), batch_size=4)
    with seeded(0):
        model = nn.Linear(2, 1)
    W, b = (model.weight.detach().clone(), model.bias.detach().clone())
    want = sum((((xb @ W.T + b).flatten() - yb).pow(2).mean().item() for xb, yb in loader)) / 3
    check_close("evaluate's mean batch loss", evaluate(model, nn.MSELoss(), loader), want, 1e-05)
    assert torch.equal(model.weight.detach(), W) and torch.equal(model.bias.detach(), b), 'evaluate changed the weights'
    assert model.weight.grad is None, 'evaluate should not compute gradients'

@test_case(points=0.5, hidden=True)
def test_q6_evaluate_eval_mode(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_close, seeded
    gen = torch.Generator().manual_seed(5)
    X, y = (torch.randn(40, 6, generator=gen), torch.randn(40, generator=gen))
    loader = DataLoader(TensorDataset(X, y), batch_size=8)
    with seeded(1):
        model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 1))
    model.eval()
    with torch.no_grad():
        want = sum((nn.functional.mse_loss(model(xb).flatten(), yb).item() for xb, yb in loader)) / len(loader)
    model.train()
    check_close("evaluate's loss of a model with dropout (in eval() mode dropout is off)", evaluate(model, nn.MSELoss(), loader), want, 1e-05)

@test_case(points=0.5, hidden=True)
def test_q6_evaluate_keeps_mode_and_device(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import meta_scalars, seeded
    loader = DataLoader(TensorDataset(torch.ones(6, 2), torch.ones(6)), batch_size=4)
    with seeded(2):
        model = nn.Linear(2, 1)
    model.eval()
    got = evaluate(model, nn.MSELoss(), loader)
    assert isinstance(got, float), f'evaluate should return the mean loss as a float, got {type(got).__name__}'
    assert not model.training, 'evaluate got a model in eval mode and should leave it in eval mode'
    model.train()
    with meta_scalars() as meta:
        model.to(meta)
        try:
            got = evaluate(model, nn.MSELoss(), loader)
        except RuntimeError as e:
            raise AssertionError(f'with the model on another device evaluate raised {e}: move each batch to it') from None
    assert isinstance(got, float), f'evaluate should return the mean loss as a float, got {type(got).__name__}'
    assert model.training, 'evaluate got a model in train mode and should leave it in train mode'

@test_case(points=0.5, hidden=False, 
    success_message="train_and_validate returns two lists with one loss per epoch and trains in train() mode.")
def test_q6_train_and_validate_public(train_and_validate, trainer):
    import torch
    from torch import nn
    from student_utils.testing import assert_trains, tiny_regression, trainer_trains
    model, X, y, loader = tiny_regression()
    model.eval()
    out = train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, loader, 3)
    assert isinstance(out, tuple) and len(out) == 2, 'train_and_validate should return (train_losses, valid_losses)'
    assert_trains('trainer', trainer_trains(trainer))
    probe, X, y, loader = tiny_regression(2)
    per_epoch = len(trainer(probe, nn.MSELoss(), torch.optim.SGD(probe.parameters(), lr=0.05), loader, 1))
    assert len(out[0]) in (3, 3 * per_epoch) and len(out[1]) == 3, f'3 epochs should give 3 train and 3 valid losses, got {len(out[0])} and {len(out[1])}'
    blocked = nn.Sequential(nn.Linear(1, 4), nn.Dropout(1.0), nn.Linear(4, 1))
    first = blocked[0].weight.detach().clone()
    blocked.eval()
    train_and_validate(blocked, nn.MSELoss(), torch.optim.SGD(blocked.parameters(), lr=0.1), loader, loader, 2)
    assert torch.equal(blocked[0].weight.detach(), first), 'handed a model in eval() mode, train_and_validate trained it in eval() mode: call model.train() every epoch, before training (a Dropout(p=1.0) that blocks the first layer in train() mode let it change)'

@test_case(points=1, hidden=True)
def test_q6_train_and_validate_values(train_and_validate, trainer, evaluate, charged):
    import copy
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_close, flat_mse, lowers_loss, seeded, tiny_regression
    gen = torch.Generator().manual_seed(6)
    X, y = (torch.randn(8, 2, generator=gen), torch.randn(8, generator=gen))
    Xv, yv = (torch.randn(6, 2, generator=gen), torch.randn(6, generator=gen))
    train_loader = DataLoader(TensorDataset(X, y), batch_size=4)
    valid_loader = DataLoader(TensorDataset(Xv, yv), batch_size=3)
    probe, Xt, yt, tiny = tiny_regression()
    trains = lowers_loss(probe, Xt, yt, flat_mse, lambda m: trainer(m, nn.MSELoss(), torch.optim.SGD(m.parameters(), lr=0.05), tiny, 3))
    with seeded(3):
        known = nn.Linear(2, 1)
    with torch.no_grad():
        known_loss = sum((flat_mse(known(xb), yb).item() for xb, yb in valid_loader)) / len(valid_loader)
    evaluates = abs(float(evaluate(known, nn.MSELoss(), valid_loader)) - known_loss) < 0.0001 * max(1.0, known_loss)
    with seeded(2):
        model = nn.Linear(2, 1)
    twin = copy.deepcopy(model)
    twin_opt, want_train, want_valid = (torch.optim.SGD(twin.parameters(), lr=0.2), [], [])
    for _ in range(3):
        twin.train()
        if trains and charged.get('q2'):
            want_train += trainer(twin, nn.MSELoss(), twin_opt, train_loader, 1)
        else:
            total = 0.0
            for xb, yb in train_loader:
                twin_opt.zero_grad()
                loss = flat_mse(twin(xb), yb)
                loss.backward()
                twin_opt.step()
                total += loss.item()
            want_train.append(total / len(train_loader))
        if evaluates:
            want_valid.append(evaluate(twin, nn.MSELoss(), valid_loader))
        else:
            with torch.no_grad():
                want_valid.append(sum((flat_mse(twin(xb), yb).item() for xb, yb in valid_loader)) / len(valid_loader))
    tr, va = train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.2), train_loader, valid_loader, 3)
    for name, got, want in (('train', tr, want_train), ('valid', va, want_valid)):
        assert len(got) == len(want), f'3 epochs should give {len(want)} {name} losses, got {len(got)}'
        for k, (g, w) in enumerate(zip(got, want)):
            check_close(f'the {name} loss of epoch {k}', g, w, 0.0001)

@test_case(points=0.5, hidden=True)
def test_q6_train_and_validate_mode(train_and_validate, trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, seeded, trainer_trains
    assert_trains('trainer', trainer_trains(trainer))
    loader = DataLoader(TensorDataset(torch.randn(8, 2), torch.randn(8)), batch_size=4)
    with seeded(3):
        model = nn.Sequential(nn.Linear(2, 4), nn.Dropout(1.0), nn.Linear(4, 1))
    first = model[0].weight.detach().clone()
    model.eval()
    train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader, loader, 2)
    assert torch.equal(model[0].weight.detach(), first), "train_and_validate should call model.train() before each epoch's training: handed a model in eval() mode, it trained a layer that a Dropout(p=1.0) blocks in train() mode"

