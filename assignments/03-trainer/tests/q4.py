from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    success_message="NonlinearRegressor(1, 3, 1) has the lecture's 10 parameters.")
def test_q4_public(NonlinearRegressor, count_parameters, n_params_nl):
    import torch
    model = NonlinearRegressor(1, 3, 1)
    out = model(torch.zeros(7, 1))
    assert isinstance(out, torch.Tensor) and out.shape == (7, 1), f"NonlinearRegressor(1, 3, 1) on a (7, 1) input should give shape (7, 1), got {getattr(out, 'shape', out)}"
    n = count_parameters(model)
    assert n == 10, f'NonlinearRegressor(1, 3, 1) has 3 + 3 (hidden) + 3 + 1 (output) = 10 parameters, got {n}'
    assert isinstance(n_params_nl, int), f'n_params_nl should be an int, got {type(n_params_nl).__name__}'

