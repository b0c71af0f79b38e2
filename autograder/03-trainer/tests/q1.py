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

@test_case(points=1, hidden=True)
def test_q1_class(LinearRegressor):
    import torch
    from torch import nn
    gen = torch.Generator().manual_seed(0)
    for n_in, n_out in ((1, 1), (7, 1), (4, 3)):
        model = LinearRegressor(n_in, n_out)
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        assert len(linears) == 1, f'LinearRegressor should hold exactly one nn.Linear, found {len(linears)}'
        assert (linears[0].in_features, linears[0].out_features) == (n_in, n_out), f'LinearRegressor({n_in}, {n_out}) should hold nn.Linear({n_in}, {n_out})'
        x = torch.randn(6, n_in, generator=gen)
        with torch.no_grad():
            by_hand = x @ linears[0].weight.T + linears[0].bias
            assert torch.allclose(model(x), by_hand, atol=1e-05), f'forward of LinearRegressor({n_in}, {n_out}) is not X W^T + b'

@test_case(points=1, hidden=True)
def test_q1_count(count_parameters, n_params_linear):
    from torch import nn
    from torchinfo import summary
    from student_utils.testing import seeded
    with seeded(1):
        models = [nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2)), nn.Linear(1, 1), nn.Linear(10, 3, bias=False)]
    for model in models:
        want = summary(model, verbose=0).total_params
        got = count_parameters(model)
        assert got == want and isinstance(got, int), f'count_parameters should give {want} for {model}, got {got!r}'
    assert n_params_linear == 4, f'n_params_linear should be 4, got {n_params_linear}'

