from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    success_message="NonlinearRegressor(1, 3, 1) has the lecture's 10 parameters and a sigmoid hidden layer.")
def test_q4_public(NonlinearRegressor, n_params_nl):
    import numbers
    import torch
    from torch import nn
    model = NonlinearRegressor(1, 3, 1)
    with torch.no_grad():
        out = model(torch.zeros(7, 1))
    assert isinstance(out, torch.Tensor) and tuple(out.shape) == (7, 1), f"NonlinearRegressor(1, 3, 1) on a (7, 1) input should give shape (7, 1), got {getattr(out, 'shape', out)}"
    n = sum((p.numel() for p in model.parameters()))
    assert n == 10, f'NonlinearRegressor(1, 3, 1) has 3 + 3 (hidden) + 3 + 1 (output) = 10 parameters, yours has {n}'
    lin = [m for m in model.modules() if isinstance(m, nn.Linear)]
    x = torch.linspace(-2, 2, 7).unsqueeze(1)
    with torch.no_grad():
        assert len(lin) == 2 and torch.allclose(model(x), lin[1](torch.sigmoid(lin[0](x))), atol=1e-06), 'forward should be Linear -> Sigmoid -> Linear'
    assert isinstance(n_params_nl, numbers.Integral) and (not isinstance(n_params_nl, bool)), f'n_params_nl should be a count of parameters (a whole number), got {type(n_params_nl).__name__}'

@test_case(points=0, hidden=False, 
    success_message="n_params_nl is the number of parameters of NonlinearRegressor(1, 20, 1).")
def test_q4_count_public(NonlinearRegressor, n_params_nl):
    want = sum((p.numel() for p in NonlinearRegressor(1, 20, 1).parameters()))
    assert n_params_nl == want, f"n_params_nl is {n_params_nl}, not the number of parameters of your NonlinearRegressor(1, 20, 1): count each layer's weights and biases (or use count_parameters)"

