from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="mse gives a 0-d tensor and the hand-computed 2.0.")
def test_q3_mse_public(mse):
    import torch
    out = mse(torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [4.0]]))
    assert isinstance(out, torch.Tensor), f'mse should return a tensor, got {type(out).__name__}'
    assert out.shape == torch.Size([]), f'mse should return a 0-d tensor, got shape {tuple(out.shape)}'
    assert abs(out.item() - 2.0) < 1e-06, f'mse([[1],[2]], [[1],[4]]) is the mean (0 + 4) / 2 = 2.0, got {out.item()}'

@test_case(points=0.5, hidden=False, 
    success_message="grad_w and grad_b are Python floats, and grad_b is negative (the line should move up).")
def test_q3_grads_public(grad_w, grad_b):
    for name, g in (('grad_w', grad_w), ('grad_b', grad_b)):
        assert isinstance(g, float), f'{name} should be a Python float (use .item()), got {type(g).__name__}'
    assert grad_w < 0, f'y rises with x, so at w = 0 the loss falls as w grows: grad_w should be negative, got {grad_w}'

@test_case(points=1, hidden=True)
def test_q3_mse(mse):
    import torch
    gen = torch.Generator().manual_seed(0)
    for shape in ((30, 1), (7,), (4, 3)):
        a, c = (torch.randn(*shape, generator=gen), torch.randn(*shape, generator=gen))
        got = mse(a, c)
        want = sum(((u - v) ** 2 for u, v in zip(a.flatten().tolist(), c.flatten().tolist()))) / a.numel()
        assert abs(float(got) - want) < 1e-05 * max(1.0, want), f'mse on shape {shape} should be {want:.5f}, got {float(got):.5f}'

@test_case(points=1, hidden=True)
def test_q3_gradients(grad_w, grad_b, X, y):
    from student_utils.testing import check_close
    n = X.shape[0]
    check_close('grad_w', grad_w, (-2.0 / n * (y * X).sum()).item(), 0.0001)
    check_close('grad_b', grad_b, (-2.0 / n * y.sum()).item(), 0.0001)

