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

