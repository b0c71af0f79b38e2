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

