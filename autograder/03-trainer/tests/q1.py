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

@test_case(points=2, hidden=True)
def test_q1_counts_and_forward(LinearRegressor, count_parameters):
    import torch
    from torch import nn
    from torchinfo import summary
    gen = torch.Generator().manual_seed(0)
    for n_in, n_out in ((1, 1), (7, 1), (4, 3)):
        model = LinearRegressor(n_in, n_out)
        linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
        assert len(linears) == 1, f'LinearRegressor should hold exactly one nn.Linear, found {len(linears)}'
        want = n_in * n_out + n_out
        got = count_parameters(model)
        assert got == want, f'LinearRegressor({n_in}, {n_out}) has {want} parameters, count_parameters says {got}'
        x = torch.randn(6, n_in, generator=gen)
        by_hand = x @ linears[0].weight.T + linears[0].bias
        assert torch.allclose(model(x), by_hand, atol=1e-06), f'forward of LinearRegressor({n_in}, {n_out}) is not X W^T + b'
    net = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 2))
    want = summary(net, input_size=(1, 5), verbose=0).total_params
    assert count_parameters(net) == want == 66, f'count_parameters should count every parameter of any model ({want})'

