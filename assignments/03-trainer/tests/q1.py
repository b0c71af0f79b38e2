from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="LinearRegressor(3, 1) maps (N, 3) to (N, 1) with one nn.Linear.")
def test_q1_class_public(LinearRegressor):
    import torch
    model = LinearRegressor(3, 1)
    out = model(torch.zeros(5, 3))
    assert isinstance(out, torch.Tensor), f'forward should return a tensor, got {type(out).__name__}'
    assert tuple(out.shape) == (5, 1), f'LinearRegressor(3, 1) on a (5, 3) input should give shape (5, 1), got {tuple(out.shape)}'
    n = sum((p.numel() for p in model.parameters()))
    assert n == 4, f'LinearRegressor(3, 1) should hold 3 weights + 1 bias = 4 parameters, it holds {n}'
    x = torch.tensor([[1.0, 2.0, 3.0]])
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 1, f'LinearRegressor should hold one nn.Linear, it holds {len(linears)}'
    with torch.no_grad():
        want = x @ linears[0].weight.T + linears[0].bias
        assert torch.allclose(model(x), want, atol=1e-06), 'forward should return self.linear(x), nothing more'

@test_case(points=0.5, hidden=False, 
    success_message="count_parameters counts the 4 parameters of Linear(3, 1) as an int, and n_params_linear is 4.")
def test_q1_count_public(count_parameters, n_params_linear):
    import torch
    from student_utils.testing import seeded
    with seeded(0):
        n = count_parameters(torch.nn.Linear(3, 1))
    assert isinstance(n, int), f'count_parameters should return a Python int, got {type(n).__name__} (use .numel() and sum)'
    assert n == 4, f'nn.Linear(3, 1) has 3 weights + 1 bias = 4 parameters, count_parameters says {n}'
    assert n_params_linear == 4, f'LinearRegressor(3, 1) has 4 parameters, n_params_linear is {n_params_linear}'

