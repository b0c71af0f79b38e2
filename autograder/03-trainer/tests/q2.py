from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 5

@test_case(points=1, hidden=False, 
    success_message="trainer gives the hand-computed mean loss for two epochs of two batches, and the trained weights.")
def test_q2_public(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    X, y = (torch.tensor([[1.0], [2.0], [3.0], [4.0]]), torch.tensor([2.0, 4.0, 6.0, 8.0]))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    losses = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, 2)
    assert isinstance(losses, list), f'trainer should return a list of floats, got {type(losses).__name__}'
    assert len(losses) == 2, f'2 epochs should give 2 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'every epoch loss should be a Python float (use loss.item())'
    assert abs(losses[0] - 27.1653) < 0.001, f"the first epoch's mean batch loss should be (10.0 + 44.3306) / 2 = 27.1653, got {losses[0]:.4f}: the mean of the batch losses, with y_hat flattened to shape (N,) like y"
    assert abs(losses[1] - 12.705) < 0.001, f"the second epoch's mean loss should be (4.3210 + 21.0890) / 2 = 12.7050, got {losses[1]:.4f}: zero the gradients before every backward()"
    assert abs(model.weight.item() - 0.9612) < 0.001, f'after training the weight should be 0.9612, got {model.weight.item():.4f}'

@test_case(points=0.5, hidden=False, 
    success_message="trainer moves each batch to the model's device.")
def test_q2_device_public(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, meta_scalars, seeded, trainer_trains
    with seeded(0), meta_scalars() as meta:
        model = nn.Linear(2, 1).to(meta)
        loader = DataLoader(TensorDataset(torch.randn(8, 2), torch.randn(8)), batch_size=4)
        try:
            losses = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader, 1)
        except RuntimeError as e:
            raise AssertionError(f"with the model on another device ('meta') trainer raised: {e}. Move X and y of every batch to the model's device: device = next(model.parameters()).device") from None
    assert isinstance(losses, list) and len(losses) == 1, 'trainer should return one loss per epoch'
    assert_trains('trainer', trainer_trains(trainer))

@test_case(points=1.5, hidden=True)
def test_q2_matches_by_hand(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_close, seeded
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(12, 2, generator=gen)
    y = X @ torch.tensor([1.5, -2.0]) + 0.5 + 0.1 * torch.randn(12, generator=gen)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=False)
    with seeded(0):
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
        check_close(f'the mean batch loss of epoch {k}', g, w, 0.0001)
    assert torch.allclose(model.weight.detach().flatten(), W, atol=1e-05) and torch.allclose(model.bias.detach(), b, atol=1e-05), f'after 3 epochs the weights should be {W.tolist()}, bias {b.tolist()}: are the gradients zeroed every step?'

@test_case(points=1, hidden=True)
def test_q2_matches_autograd_loop(trainer):
    import copy
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import seeded
    gen = torch.Generator().manual_seed(2)
    X = torch.randn(10, 3, generator=gen)
    y = torch.sin(X.sum(1)) + 0.1 * torch.randn(10, generator=gen)
    loader = DataLoader(TensorDataset(X, y), batch_size=4, shuffle=False)
    with seeded(1):
        model = nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 1))
    ref = copy.deepcopy(model)
    ref_opt, want = (torch.optim.SGD(ref.parameters(), lr=0.3), [])
    for _ in range(2):
        total = 0.0
        for xb, yb in loader:
            ref_opt.zero_grad()
            loss = nn.functional.mse_loss(ref(xb).flatten(), yb)
            loss.backward()
            ref_opt.step()
            total += loss.item()
        want.append(total / len(loader))
    got = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.3), loader, 2)
    assert len(got) == len(want), f'2 epochs should give 2 losses, got {len(got)}'
    for k, (g, w) in enumerate(zip(got, want)):
        assert abs(float(g) - w) <= 0.0001 * max(1.0, abs(w)), f'epoch losses should be {want}, got {got}'
    for p, q in zip(model.parameters(), ref.parameters()):
        assert torch.allclose(p, q, atol=1e-05), 'the trained weights differ from a correct loop: zero the gradients every step'

@test_case(points=1, hidden=True)
def test_q2_moves_batches(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, meta_scalars, seeded, trainer_trains
    assert_trains('trainer', trainer_trains(trainer))
    with seeded(2), meta_scalars() as meta:
        model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1)).to(meta)
        loader = DataLoader(TensorDataset(torch.randn(10, 3), torch.randn(10)), batch_size=4)
        losses = trainer(model, nn.MSELoss(), torch.optim.Adam(model.parameters(), lr=0.01), loader, 2)
    assert len(losses) == 2, 'trainer should return one loss per epoch'
    assert all((p.device.type == 'meta' for p in model.parameters())), 'the model should stay on its device'

