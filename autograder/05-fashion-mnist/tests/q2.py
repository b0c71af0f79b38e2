from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="build_model() gives the five layers asked for, 203,530 parameters and (N, 10) logits.")
def test_q2_public(build_model):
    import torch
    model = build_model()
    assert isinstance(model, torch.nn.Module), f'build_model() should return an nn.Module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 203530, f'784*256 + 256 + 256*10 + 10 = 203530 parameters expected, build_model() has {n_params}'
    with torch.no_grad():
        out = model(torch.rand(4, 1, 28, 28))
    assert tuple(out.shape) == (4, 10), f'a batch of shape (4, 1, 28, 28) should give logits of shape (4, 10), got {tuple(out.shape)}'
    kinds = [type(m).__name__ for m in model.modules() if not isinstance(m, torch.nn.Sequential)]
    assert kinds == ['Standardize', 'Flatten', 'Linear', 'ReLU', 'Linear'], f'the layers should be Standardize, Flatten, Linear, ReLU, Linear, in that order; found {kinds}'

@test_case(points=1.5, hidden=True)
def test_q2_architecture(build_model, pixel_mean, pixel_std):
    import torch
    from torch import nn
    a, b = (build_model(), build_model())
    assert sum((p.numel() for p in a.parameters())) == 203530, 'build_model() should have 203530 parameters'
    shapes = sorted((tuple(p.shape) for p in a.parameters()))
    assert shapes == sorted([(256, 784), (256,), (10, 256), (10,)]), f'expected Linear(784, 256) and Linear(256, 10), got parameter shapes {shapes}'
    assert a is not b and any((not torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))), 'two calls of build_model() should give two new, freshly initialised models'
    gen = torch.Generator().manual_seed(0)
    X, X2 = (torch.rand(7, 1, 28, 28, generator=gen), torch.rand(7, 1, 28, 28, generator=gen))
    lins = [m for m in a.modules() if isinstance(m, nn.Linear)]
    with torch.no_grad():
        out = a(X)
        assert tuple(out.shape) == (7, 10) and out.dtype == torch.float32, f'expected float32 logits of shape (7, 10), got {out.dtype} {tuple(out.shape)}'
        by_hand = lins[1](torch.relu(lins[0](((X - pixel_mean) / pixel_std).flatten(1))))
        assert torch.allclose(out, by_hand, atol=0.0001), 'the model should standardize with pixel_mean and pixel_std, flatten, then Linear -> ReLU -> Linear'

