from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="build_model() gives 203,530 parameters, (N, 10) logits, and computes Standardize -> Flatten -> Linear -> ReLU -> Linear.")
def test_q2_public(build_model, pixel_mean, pixel_std):
    import torch
    from torch import nn
    import student_utils as su
    from student_utils.testing import behaves_as
    model = build_model()
    assert isinstance(model, nn.Module), f'build_model() should return an nn.Module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 203530, f'784*256 + 256 + 256*10 + 10 = 203530 parameters expected, build_model() has {n_params}'
    X = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        out = model(X)
    assert tuple(out.shape) == (4, 10), f'a batch of shape (4, 1, 28, 28) should give logits of shape (4, 10), got {tuple(out.shape)}'
    behaves_as(model, nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), X)

@test_case(points=1.5, hidden=True)
def test_q2_architecture(build_model, pixel_mean, pixel_std):
    import torch
    from torch import nn
    import student_utils as su
    from student_utils.testing import behaves_as, seeded
    a, b = (build_model(), build_model())
    assert sum((p.numel() for p in a.parameters())) == 203530, 'build_model() should have 203530 parameters'
    assert a is not b and any((not torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))), 'two calls of build_model() should give two new, freshly initialised models'
    with seeded(0), torch.no_grad():
        for p in a.parameters():
            p.copy_(0.05 * torch.randn(p.shape))
    gen = torch.Generator().manual_seed(0)
    X = torch.rand(7, 1, 28, 28, generator=gen)
    behaves_as(a, nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), X)
    with torch.no_grad():
        out = a(X)
    assert out.dtype == torch.float32, f'expected float32 logits, got {out.dtype}'

