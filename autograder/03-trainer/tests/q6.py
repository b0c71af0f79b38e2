from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 5

@test_case(points=1, hidden=False, 
    success_message="evaluate gives the right mean loss, keeps the model's mode, and train_and_validate returns two lists of the right length.")
def test_q6_public(evaluate, train_and_validate):
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
    out = train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, loader, 3)
    assert isinstance(out, tuple) and len(out) == 2, 'train_and_validate should return (train_losses, valid_losses)'
    assert len(out[0]) == 3 and len(out[1]) == 3, f'3 epochs should give 3 train and 3 valid losses, got {len(out[0])} and {len(out[1])}'

@test_case(points=1.5, hidden=True)
def test_q6_evaluate(evaluate, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves

    class Probe(nn.Module):

        def __init__(self):
            super().__init__()
            self.lin, self.log = (nn.Linear(2, 1), [])

        def forward(self, x):
            self.log.append((self.training, torch.is_grad_enabled()))
            return self.lin(x)
    gen = torch.Generator().manual_seed(4)
    X, y = (torch.randn(10, 2, generator=gen), torch.randn(10, generator=gen))
    loader = DataLoader(TensorDataset(X, y), batch_size=4)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = Probe().to(device)
    W, b = (model.lin.weight.detach().cpu().clone(), model.lin.bias.detach().cpu().clone())
    want = sum((((xb @ W.T + b).flatten() - yb).pow(2).mean().item() for xb, yb in loader)) / 3
    with record_moves() as moves:
        got = evaluate(model, nn.MSELoss(), loader)
    assert abs(got - want) < 1e-05, f'evaluate should return the mean batch loss {want:.5f}, got {got}'
    assert len(model.log) == 3, f'one forward pass per batch expected, saw {len(model.log)}'
    assert all((not training for training, _ in model.log)), 'the model should be in eval() mode while evaluating'
    assert all((not grad for _, grad in model.log)), 'evaluate should run without gradients (torch.no_grad())'
    assert model.training, 'evaluate got a model in train mode and should leave it in train mode'
    assert torch.equal(model.lin.weight.detach().cpu(), W) and torch.equal(model.lin.bias.detach().cpu(), b), 'evaluate changed the weights'
    assert model.lin.weight.grad is None, 'evaluate should not compute gradients'
    assert moves.tensor_moves_to(device) >= 2 * len(loader), f'evaluate should move X and y of every batch to {device}'
    model.eval()
    evaluate(model, nn.MSELoss(), loader)
    assert not model.training, 'evaluate got a model in eval mode and should leave it in eval mode'

@test_case(points=1.5, hidden=True)
def test_q6_modes(train_and_validate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    class Probe(nn.Module):

        def __init__(self):
            super().__init__()
            self.lin, self.log = (nn.Linear(2, 1), [])

        def forward(self, x):
            self.log.append((self.training, torch.is_grad_enabled()))
            return self.lin(x)
    gen = torch.Generator().manual_seed(5)
    train_loader = DataLoader(TensorDataset(torch.randn(12, 2, generator=gen), torch.randn(12, generator=gen)), batch_size=4)
    valid_loader = DataLoader(TensorDataset(torch.randn(8, 2, generator=gen), torch.randn(8, generator=gen)), batch_size=4)
    model = Probe()
    model.eval()
    train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), train_loader, valid_loader, 2)
    with_grad = [training for training, grad in model.log if grad]
    without_grad = [training for training, grad in model.log if not grad]
    assert len(with_grad) == 2 * 3, f'2 epochs of 3 training batches should give 6 forward passes with gradients, saw {len(with_grad)}'
    assert all(with_grad), "training should run in train() mode: call model.train() before each epoch's training"
    assert len(without_grad) >= 2 * 2, 'validation should run without gradients, once per validation batch and epoch'
    assert not any(without_grad), 'validation should run in eval() mode'

@test_case(points=1, hidden=True)
def test_q6_values(train_and_validate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    gen = torch.Generator().manual_seed(6)
    X, y = (torch.randn(8, 2, generator=gen), torch.randn(8, generator=gen))
    Xv, yv = (torch.randn(6, 2, generator=gen), torch.randn(6, generator=gen))
    train_loader = DataLoader(TensorDataset(X, y), batch_size=4)
    valid_loader = DataLoader(TensorDataset(Xv, yv), batch_size=3)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(2)
        model = nn.Linear(2, 1)
    W, b, lr = (model.weight.detach().clone().flatten(), model.bias.detach().clone(), 0.2)
    want_train, want_valid = ([], [])
    for _ in range(3):
        total = 0.0
        for k in range(2):
            r = X[4 * k:4 * k + 4] @ W + b - y[4 * k:4 * k + 4]
            total += (r ** 2).mean().item()
            W, b = (W - lr * 2 * (r[:, None] * X[4 * k:4 * k + 4]).mean(0), b - lr * 2 * r.mean())
        want_train.append(total / 2)
        want_valid.append(sum((((Xv[3 * k:3 * k + 3] @ W + b - yv[3 * k:3 * k + 3]) ** 2).mean().item() for k in range(2))) / 2)
    tr, va = train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=lr), train_loader, valid_loader, 3)
    for name, got, want in (('train', tr, want_train), ('valid', va, want_valid)):
        assert len(got) == 3, f'3 epochs should give 3 {name} losses, got {len(got)}'
        for k, (g, w) in enumerate(zip(got, want)):
            assert abs(g - w) < 0.0001 * max(1.0, w), f'epoch {k}: {name} loss should be {w:.5f}, got {g:.5f}'

