from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 5

@test_case(points=1, hidden=False, 
    success_message="trainer returns one float per epoch and the loss goes down.")
def test_q2_public(trainer, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(64, 2, generator=gen)
    y = X @ torch.tensor([2.0, -1.0]) + 0.5
    loader = DataLoader(TensorDataset(X, y), batch_size=16)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(2, 1).to(device)
    losses = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader, 10)
    assert isinstance(losses, list), f'trainer should return a list of floats, got {type(losses).__name__}'
    assert len(losses) == 10, f'10 epochs should give 10 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'every epoch loss should be a Python float (use loss.item())'
    assert losses[-1] < 0.1 * losses[0], f'on this easy problem the loss should fall at least tenfold in 10 epochs, went {losses[0]:.4f} -> {losses[-1]:.4f}'

@test_case(points=1.5, hidden=True)
def test_q2_matches_by_hand(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(12, 2, generator=gen)
    y = X @ torch.tensor([1.5, -2.0]) + 0.5 + 0.1 * torch.randn(12, generator=gen)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(2, 1)
    W, b, lr, want = (model.weight.detach().clone().flatten(), model.bias.detach().clone(), 0.1, [])
    for _ in range(3):
        total = 0.0
        for k in range(3):
            xb, yb = (X[4 * k:4 * k + 4], y[4 * k:4 * k + 4])
            r = xb @ W + b - yb
            total += (r ** 2).mean().item()
            W, b = (W - lr * 2 * (r[:, None] * xb).mean(0), b - lr * 2 * r.mean())
        want.append(total / 3)
    got = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=lr), loader, 3)
    assert len(got) == 3, f'3 epochs should give 3 losses, got {len(got)}'
    for k, (g, w) in enumerate(zip(got, want)):
        assert abs(g - w) < 0.0001 * max(1.0, w), f'epoch {k}: mean batch loss should be {w:.5f}, got {g:.5f}'
    assert torch.allclose(model.weight.detach().flatten(), W, atol=1e-05) and torch.allclose(model.bias.detach(), b, atol=1e-05), f'after 3 epochs the weights should be {W.tolist()}, bias {b.tolist()}: are the gradients zeroed every step?'

@test_case(points=1.5, hidden=True)
def test_q2_matches_autograd_loop(trainer):
    import copy
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    gen = torch.Generator().manual_seed(2)
    X = torch.randn(10, 3, generator=gen)
    y = torch.sin(X.sum(1)) + 0.1 * torch.randn(10, generator=gen)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=False)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 1))
    ref = copy.deepcopy(model)
    ref_opt, want = (torch.optim.SGD(ref.parameters(), lr=0.3), [])
    for _ in range(2):
        total, last_grads = (0.0, None)
        for xb, yb in loader:
            ref_opt.zero_grad()
            loss = nn.functional.mse_loss(ref(xb).flatten(), yb)
            loss.backward()
            last_grads = [p.grad.clone() for p in ref.parameters()]
            ref_opt.step()
            total += loss.item()
        want.append(total / len(loader))
    got = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.3), loader, 2)
    assert [round(g, 5) for g in got] == [round(w, 5) for w in want], f'epoch losses should be {want}, got {got}'
    for p, q in zip(model.parameters(), ref.parameters()):
        assert torch.allclose(p, q, atol=1e-06), 'the trained weights differ from a correct loop: zero the gradients every step'
    for p, g in zip(model.parameters(), last_grads):
        assert p.grad is None or torch.allclose(p.grad, g, atol=1e-06) or p.grad.abs().max() == 0, "after training, .grad should hold the last batch's gradient only, not a sum over batches"

@test_case(points=1, hidden=True)
def test_q2_moves_batches(trainer, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    loader = DataLoader(TensorDataset(torch.randn(12, 2), torch.randn(12)), batch_size=4)
    model = nn.Linear(2, 1).to(device)
    with record_moves() as moves:
        trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, 2)
    n = moves.tensor_moves_to(device)
    assert n >= 2 * 2 * len(loader), f'X and y of each of the {2 * len(loader)} batches should be moved to {device}; saw {n} moves'

