from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 4

@test_case(points=1, hidden=False, 
    success_message="gd_step returns the loss before the step and updates w and b in place, twice in a row.")
def test_q4_public(gd_step):
    import torch
    w, b = (torch.tensor(0.0, requires_grad=True), torch.tensor(0.0, requires_grad=True))
    X, y = (torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]]))
    try:
        loss = gd_step(w, b, X, y, 0.1, torch.nn.MSELoss())
    except (AttributeError, RuntimeError, TypeError) as e:
        raise AssertionError(f'gd_step crashed ({type(e).__name__}: {e}). Update w and b in place (w -= ...) inside `with torch.no_grad():`; `w = w - ...` makes a new tensor whose .grad is None') from None
    assert isinstance(loss, float), f'gd_step should return the loss as a float, got {type(loss).__name__}'
    assert abs(loss - 10.0) < 1e-05, f'the loss before the step is (2**2 + 4**2) / 2 = 10.0, got {loss}'
    assert abs(w.item() - 1.0) < 1e-05 and abs(b.item() - 0.6) < 1e-05, f'after one step with lr = 0.1, w and b should be 1.0 and 0.6, got {w.item():.4f} and {b.item():.4f}'
    assert w.requires_grad and w.is_leaf, 'after gd_step, w should still be a leaf that requires grad: update it inside torch.no_grad()'
    loss = gd_step(w, b, X, y, 0.1, torch.nn.MSELoss())
    assert abs(loss - 1.06) < 0.0001, f'the loss before the second step is (0.4**2 + 1.4**2) / 2 = 1.06, got {loss}'
    assert abs(w.item() - 1.32) < 0.0001 and abs(b.item() - 0.78) < 0.0001, f'after the second step w and b should be 1.32 and 0.78, got {w.item():.4f} and {b.item():.4f}: are the gradients zeroed after each step?'

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
        loss = gd_step(w, b, X, y, lr, torch.nn.MSELoss())
        ww, bb = (ww - lr * gw, bb - lr * gb)
        assert abs(loss - want_loss) < 0.0001, f'step {step}: loss should be {want_loss:.5f}, got {loss}'
        assert abs(w.item() - ww) < 1e-05 and abs(b.item() - bb) < 1e-05, f'step {step}: w, b should be {ww:.5f}, {bb:.5f}, got {w.item():.5f}, {b.item():.5f}'
        assert w.grad is None or w.grad.abs().item() == 0.0, 'gd_step should zero w.grad after the update'
        assert w.is_leaf and w.requires_grad, 'update w inside torch.no_grad() so it stays a leaf'

@test_case(points=1.5, hidden=True)
def test_q4_fit(fit_linear):
    import torch
    from student_utils.testing import check_threshold
    gen = torch.Generator().manual_seed(2)
    X = torch.linspace(-1, 1, 30).unsqueeze(1)
    y = -0.7 * X + 0.4 + 0.05 * torch.randn(30, 1, generator=gen)
    w, b, losses = fit_linear(X, y, 0.2, 300, torch.nn.MSELoss())
    assert len(losses) == 300, f'300 epochs should give 300 losses, got {len(losses)}'
    assert all((l2 <= l1 + 1e-07 for l1, l2 in zip(losses, losses[1:]))), 'with lr = 0.2 the loss should never increase'
    check_threshold('q4 final loss / first loss', losses[-1] / losses[0], 0.1, above=False)
    A = torch.cat([X, torch.ones_like(X)], dim=1).double()
    w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.flatten().tolist()
    check_threshold('q4 distance of (w, b) from the least-squares fit', max(abs(float(w) - w_ls), abs(float(b) - b_ls)), 0.001, above=False)

