from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 4

@test_case(points=1, hidden=False)
def test_q4_public(gd_step):
    import torch
    w, b = (torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True))
    X, y = (torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]]))
    try:
        loss = gd_step(w, b, X, y, 0.1)
    except (AttributeError, RuntimeError) as e:
        raise AssertionError(f'gd_step crashed ({type(e).__name__}: {e}). Update w and b in place (w -= ...) inside `with torch.no_grad():`; `w = w - ...` makes a new tensor whose .grad is None') from None
    assert isinstance(loss, float), f'gd_step should return the loss as a float, got {type(loss).__name__}'
    assert abs(loss - 10.0) < 1e-05, f'the loss before the step is (4 + 16) / 2 = 10.0, got {loss}'
    assert w.item() != 0.0, 'gd_step should change w in place'
    assert w.requires_grad and w.is_leaf, 'after gd_step, w should still be a leaf that requires grad: update it inside torch.no_grad()'

@test_case(points=1.5, hidden=True)
def test_q4_step(gd_step):
    import torch
    gen = torch.Generator().manual_seed(1)
    X = torch.randn(25, 1, generator=gen)
    y = 2 * X + 1 + 0.1 * torch.randn(25, 1, generator=gen)
    w, b = (torch.tensor(0.3, requires_grad=True), torch.tensor(-0.2, requires_grad=True))
    ww, bb, lr = (0.3, -0.2, 0.05)
    for step in range(3):
        r = (ww * X + bb - y).flatten()
        gw, gb = ((2 * r * X.flatten()).mean().item(), (2 * r).mean().item())
        want_loss = (r ** 2).mean().item()
        loss = gd_step(w, b, X, y, lr)
        ww, bb = (ww - lr * gw, bb - lr * gb)
        assert abs(loss - want_loss) < 0.0001, f'step {step}: loss should be {want_loss:.5f}, got {loss}'
        assert abs(w.item() - ww) < 1e-05 and abs(b.item() - bb) < 1e-05, f'step {step}: w, b should be {ww:.5f}, {bb:.5f}, got {w.item():.5f}, {b.item():.5f}'
        assert w.grad is None or w.grad.abs().item() == 0.0, 'gd_step should zero w.grad after the update'
        assert w.is_leaf and w.requires_grad, 'update w inside torch.no_grad() so it stays a leaf'

@test_case(points=1.5, hidden=True)
def test_q4_fit(fit_linear):
    import torch
    gen = torch.Generator().manual_seed(2)
    X = torch.linspace(-1, 1, 30).unsqueeze(1)
    y = -0.7 * X + 0.4 + 0.05 * torch.randn(30, 1, generator=gen)
    w, b, losses = fit_linear(X, y, lr=0.2, num_epochs=300)
    assert len(losses) == 300, f'300 epochs should give 300 losses, got {len(losses)}'
    assert all((l2 <= l1 + 1e-07 for l1, l2 in zip(losses, losses[1:]))), 'with lr = 0.2 the loss should never increase'
    from student_utils.testing import check_threshold
    check_threshold('q4 final loss / first loss', losses[-1] / losses[0], 0.1, above=False)
    A = torch.cat([X, torch.ones_like(X)], dim=1).double()
    w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.flatten().tolist()
    assert abs(float(w) - w_ls) < 0.001 and abs(float(b) - b_ls) < 0.001, f'after 300 epochs w, b should be near the least-squares fit {w_ls:.4f}, {b_ls:.4f}; got {float(w):.4f}, {float(b):.4f}'

