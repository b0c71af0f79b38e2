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

