from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=1, hidden=False)
def test_q3_public(mse, grad_w, grad_b):
    import torch
    a, c = (torch.tensor([[1.0], [2.0]]), torch.tensor([[1.0], [4.0]]))
    out = mse(a, c)
    assert isinstance(out, torch.Tensor), f'mse should return a tensor, got {type(out).__name__}'
    assert out.shape == torch.Size([]), f'mse should return a 0-d tensor, got shape {tuple(out.shape)}'
    assert abs(out.item() - 2.0) < 1e-06, f'mse([[1],[2]], [[1],[4]]) is (0 + 4) / 2 = 2.0, got {out.item()}'
    for name, g in (('grad_w', grad_w), ('grad_b', grad_b)):
        assert isinstance(g, float), f'{name} should be a Python float (use .item()), got {type(g).__name__}'

