from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=1, hidden=False, 
    success_message="LinearRegressor(3, 1) maps (N, 3) to (N, 1) and has 4 parameters.")
def test_q1_public(LinearRegressor, count_parameters, n_params_linear):
    import torch
    model = LinearRegressor(3, 1)
    out = model(torch.zeros(5, 3))
    assert isinstance(out, torch.Tensor), f'forward should return a tensor, got {type(out).__name__}'
    assert out.shape == (5, 1), f'LinearRegressor(3, 1) on a (5, 3) input should give shape (5, 1), got {tuple(out.shape)}'
    n = count_parameters(model)
    assert isinstance(n, int), f'count_parameters should return a Python int, got {type(n).__name__}'
    assert n_params_linear == 4, f'LinearRegressor(3, 1) has 3 weights + 1 bias = 4 parameters, n_params_linear is {n_params_linear}'

