from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="build_model() gives a module with 203,530 parameters and (N, 10) logits.")
def test_q2_public(build_model):
    import torch
    model = build_model()
    assert isinstance(model, torch.nn.Module), f'build_model() should return an nn.Module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 203530, f'784*256 + 256 + 256*10 + 10 = 203530 parameters expected, build_model() has {n_params}'
    with torch.no_grad():
        out = model(torch.rand(4, 1, 28, 28))
    assert tuple(out.shape) == (4, 10), f'a batch of shape (4, 1, 28, 28) should give logits of shape (4, 10), got {tuple(out.shape)}'

@test_case(points=1.5, hidden=True)
def test_q2_architecture(build_model):
    import torch
    with torch.random.fork_rng():
        torch.manual_seed(0)
        a, b = (build_model(), build_model())
        X = torch.rand(7, 1, 28, 28)
        X2 = torch.rand(7, 1, 28, 28)
    assert sum((p.numel() for p in a.parameters())) == 203530, 'build_model() should have 203530 parameters'
    shapes = sorted((tuple(p.shape) for p in a.parameters()))
    assert shapes == sorted([(256, 784), (256,), (10, 256), (10,)]), f'expected Linear(784, 256) and Linear(256, 10), got parameter shapes {shapes}'
    assert a is not b and all((p.data_ptr() != q.data_ptr() for p, q in zip(a.parameters(), b.parameters()))), 'build_model() should build a new model on every call, not return the same one'
    assert any((not torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))), 'two calls of build_model() should give two freshly initialised models'
    with torch.no_grad():
        out = a(X)
        assert tuple(out.shape) == (7, 10) and out.dtype == torch.float32, f'expected float32 logits of shape (7, 10), got {out.dtype} {tuple(out.shape)}'
        assert torch.isfinite(out).all(), 'the logits should be finite'
        gap = (a(X) + a(X2) - a(X + X2) - a(torch.zeros_like(X))).abs().max().item()
    assert gap > 0.001, 'the model behaves like a single linear map: is the ReLU between the two Linear layers missing?'

