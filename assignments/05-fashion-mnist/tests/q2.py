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

