from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=1, hidden=False)
def test_q5_public(fit_linear_sgd, X, y):
    import torch
    model, losses = fit_linear_sgd(X, y, lr=0.1, num_epochs=5)
    assert isinstance(model, torch.nn.Linear), f'model should be nn.Linear(1, 1), got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 2, f'nn.Linear(1, 1) has 2 parameters (weight and bias), yours has {n_params}'
    assert len(losses) == 5, f'5 epochs should give 5 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'losses should be Python floats (use loss.item())'

@test_case(points=2, hidden=True)
def test_q5_matches_by_hand(fit_linear_sgd):
    import torch
    gen = torch.Generator().manual_seed(3)
    X = torch.randn(20, 1, generator=gen)
    y = 0.8 * X - 1.2 + 0.1 * torch.randn(20, 1, generator=gen)
    lr, ww, bb, want = (0.05, 0.0, 0.0, [])
    for _ in range(40):
        r = (ww * X + bb - y).flatten()
        want.append((r ** 2).mean().item())
        ww, bb = (ww - lr * (2 * r * X.flatten()).mean().item(), bb - lr * (2 * r).mean().item())
    model, losses = fit_linear_sgd(X, y, lr=lr, num_epochs=40)
    assert len(losses) == 40, f'40 epochs should give 40 losses, got {len(losses)}'
    for k, (got, exp) in enumerate(zip(losses, want)):
        assert abs(got - exp) < 0.0001 * max(1.0, exp), f'loss {k} should be {exp:.5f}, got {got:.5f}'
    assert abs(model.weight.item() - ww) < 0.0001 and abs(model.bias.item() - bb) < 0.0001, f'final weight, bias should be {ww:.5f}, {bb:.5f}'

