from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    success_message="evaluate returns a fraction and moves the model and every batch to device.")
def test_q4_public(evaluate, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    X = torch.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 5.0, 0.0]])
    y = torch.tensor([1, 0, 0, 0])
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    with record_moves() as moves:
        acc = evaluate(nn.Identity(), loader, device)
    try:
        value = float(acc)
    except (TypeError, ValueError, RuntimeError):
        value = None
    assert value is not None and abs(value - 0.5) < 1e-09, f'2 correct out of 4 is an accuracy of 0.5 (a fraction, not a count), got {acc!r}'
    assert isinstance(acc, float), f'evaluate should return a Python float (use .item()), got {type(acc).__name__}'
    assert moves.module_moves_to(device) >= 1, f'evaluate should call model.to(device) (device = {device}); it never did'
    n = moves.tensor_moves_to(device)
    assert n >= 2 * len(loader), f'the loader has {len(loader)} batches, so X and y of every batch should be moved: expected {2 * len(loader)} moves to device, counted {n} (device = {device})'

@test_case(points=0.5, hidden=True)
def test_q4_moves(evaluate, build_model, device):
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    with torch.random.fork_rng():
        torch.manual_seed(4)
        model = build_model()
        X, y = (torch.rand(256, 1, 28, 28), torch.randint(0, 10, (256,)))
    loader = DataLoader(TensorDataset(X, y), batch_size=64)
    with record_moves() as moves:
        evaluate(model, loader, device)
    assert moves.module_moves_to(device) >= 1, f'evaluate should move the model to {device}'
    assert moves.tensor_moves_to(device) >= 2 * len(loader), f'X and y of each of the {len(loader)} batches should go to {device}: expected {2 * len(loader)} moves, counted {moves.tensor_moves_to(device)}'

@test_case(points=1.5, hidden=True)
def test_q4_accuracy(evaluate, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    class Spy(nn.Module):
        """A linear classifier with dropout that records the mode and grad state of each call."""

        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(784, 10))
            self.calls = []

        def forward(self, x):
            self.calls.append((self.training, torch.is_grad_enabled()))
            return self.net(x)
    with torch.random.fork_rng():
        torch.manual_seed(5)
        model = Spy()
        X, y = (torch.rand(250, 1, 28, 28), torch.randint(0, 10, (250,)))
    loader = DataLoader(TensorDataset(X, y), batch_size=64)
    model.train()
    got = evaluate(model, loader, device)
    assert model.calls, 'evaluate never called the model'
    assert not any((training for training, _ in model.calls)), 'the model ran in training mode: call model.eval() first'
    assert not any((grad for _, grad in model.calls)), 'the model ran with gradients on: wrap the loop in torch.no_grad()'
    model.eval()
    with torch.no_grad():
        want = (model.net(X.to(device)).argmax(dim=1).cpu() == y).double().mean().item()
    assert 0.0 <= got <= 1.0, f'accuracy is a fraction in [0, 1], got {got}'
    assert abs(got - want) < 1e-06, f'the accuracy over all 250 examples is {want:.6f}, got {got:.6f} (count correct predictions over all batches, divide by the number of examples at the end)'

