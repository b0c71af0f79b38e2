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

@test_case(points=2, hidden=True)
def test_q3_gradients(mse, grad_w, grad_b, X, y):
    import torch
    gen = torch.Generator().manual_seed(0)
    a, c = (torch.randn(30, 1, generator=gen), torch.randn(30, 1, generator=gen))
    assert torch.allclose(mse(a, c), torch.nn.functional.mse_loss(a, c), atol=1e-06), 'mse differs from nn.MSELoss'
    n = X.shape[0]
    want_w, want_b = ((-2.0 / n * (y * X).sum()).item(), (-2.0 / n * y.sum()).item())
    assert abs(grad_w - want_w) < 0.0001, f'grad_w should be {want_w:.5f}, got {grad_w}'
    assert abs(grad_b - want_b) < 0.0001, f'grad_b should be {want_b:.5f}, got {grad_b}'

