from otter.test_files import test_case

OK_FORMAT = False

name = "q8"
points = 4

@test_case(points=0.5, hidden=False, 
    success_message="build_mlp gives Linear -> ReLU -> Linear with the right sizes.")
def test_q8_build_public(build_mlp):
    import torch
    from torch import nn
    model = build_mlp(4, 5, 2, torch.device('cpu'))
    assert isinstance(model, nn.Sequential), f'build_mlp should return an nn.Sequential, got {type(model).__name__}'
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ['Linear', 'ReLU', 'Linear'], f"the layers should be ['Linear', 'ReLU', 'Linear'], got {kinds}"
    shapes = [tuple(model[0].weight.shape), tuple(model[2].weight.shape)]
    assert shapes == [(5, 4), (2, 5)], f'build_mlp(4, 5, 2, device) should have weights of shapes [(5, 4), (2, 5)], got {shapes}'

@test_case(points=0.5, hidden=False, 
    success_message="build_mlp puts the model on the device it is given.")
def test_q8_device_public(build_mlp):
    import torch
    model = build_mlp(4, 5, 2, torch.device('meta'))
    where = sorted({p.device.type for p in model.parameters()})
    assert where == ['meta'], f"build_mlp(..., device) should return the model on device (here 'meta'), its parameters are on {where}"

@test_case(points=0.5, hidden=False, 
    success_message="set_weights copies the weights into the model and returns it.")
def test_q8_set_weights_public(set_weights):
    import torch
    from torch import nn
    from student_utils.testing import seeded
    with seeded(0):
        model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2))
    out = set_weights(model, torch.zeros(5, 4), torch.ones(5), torch.ones(2, 5), torch.zeros(2))
    assert out is model, 'set_weights should return the model it was given'
    assert torch.equal(model[0].weight.detach(), torch.zeros(5, 4)), 'set_weights should copy W1 into model[0].weight'
    assert torch.equal(model[2].weight.detach(), torch.ones(2, 5)), 'set_weights should copy W2 into model[2].weight'
    assert torch.equal(model[0].bias.detach(), torch.ones(5)), 'set_weights should copy b1 into model[0].bias'
    with seeded(0):
        on_meta = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2)).to(torch.device('meta'))
    try:
        set_weights(on_meta, torch.zeros(5, 4), torch.ones(5), torch.ones(2, 5), torch.zeros(2))
    except RuntimeError as e:
        raise AssertionError(f"set_weights on a model on another device ('meta') raised: {e}. Copy the values into the existing parameters (param.copy_(value) inside torch.no_grad())") from None
    where = sorted({p.device.type for p in on_meta.parameters()})
    assert where == ['meta'], f"after set_weights the parameters should stay on the model's device (meta), they are on {where}"

@test_case(points=1, hidden=True)
def test_q8_build(build_mlp):
    import torch
    from torch import nn
    from student_utils.testing import seeded
    for d, h, o in ((3, 7, 2), (6, 4, 1)):
        with seeded(8):
            model = build_mlp(d, h, o, torch.device('cpu'))
            X = torch.randn(9, d)
        lins = [m for m in model.modules() if isinstance(m, nn.Linear)]
        sizes = [(m.in_features, m.out_features) for m in lins]
        assert sizes == [(d, h), (h, o)], f'build_mlp({d}, {h}, {o}) should have Linear layers {[(d, h), (h, o)]}, got {sizes}'
        with torch.no_grad():
            out = model(X)
            W1, b1, W2, b2 = (t.detach() for t in (lins[0].weight, lins[0].bias, lins[1].weight, lins[1].bias))
            want = torch.clamp(X @ W1.T + b1, min=0) @ W2.T + b2
        assert tuple(out.shape) == (9, o), f'the output for 9 examples should be (9, {o}), got {tuple(out.shape)}'
        assert torch.allclose(out, want, atol=1e-05), 'the model should compute Linear -> ReLU -> Linear, nothing else'

@test_case(points=0.5, hidden=True)
def test_q8_device(build_mlp):
    import torch
    for d, h, o in ((3, 7, 2), (2, 2, 2)):
        model = build_mlp(d, h, o, torch.device('meta'))
        for name, p in model.named_parameters():
            assert p.device.type == 'meta', f'parameter {name} should be on the device given, it is on {p.device}'

@test_case(points=1, hidden=True)
def test_q8_set_weights(set_weights):
    import torch
    from torch import nn
    from student_utils.testing import seeded
    gen = torch.Generator().manual_seed(9)
    d, h, o = (4, 6, 3)
    with seeded(1):
        model = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, o))
    W1, b1 = (torch.randn(h, d, generator=gen), torch.randn(h, generator=gen))
    W2, b2 = (torch.randn(o, h, generator=gen), torch.randn(o, generator=gen))
    out_model = set_weights(model, W1, b1, W2, b2)
    assert out_model is model, 'set_weights should return the model it was given'
    for name, p, want in (('model[0].weight', model[0].weight, W1), ('model[0].bias', model[0].bias, b1), ('model[2].weight', model[2].weight, W2), ('model[2].bias', model[2].bias, b2)):
        assert isinstance(p, nn.Parameter) and p.requires_grad, f'{name} should still be a trainable nn.Parameter'
        assert torch.equal(p.detach(), want), f'{name} should equal the tensor given to set_weights'
    assert len(list(model.parameters())) == 4, 'the model should still have exactly 4 parameter tensors'
    X = torch.randn(12, d, generator=gen)
    with torch.no_grad():
        got = model(X)
        want = torch.clamp(X @ W1.T + b1, min=0) @ W2.T + b2
    assert torch.allclose(got, want, atol=1e-05), 'after set_weights the model should compute with the given weights'
    with seeded(2):
        on_meta = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, o)).to(torch.device('meta'))
    try:
        out_meta = set_weights(on_meta, W1, b1, W2, b2)
    except RuntimeError:
        raise AssertionError("set_weights should copy the values into a model's parameters on any device") from None
    for name, p in out_meta.named_parameters():
        assert isinstance(p, nn.Parameter) and p.device.type == 'meta', f"{name} should stay a parameter on the model's device (meta), it is a {type(p).__name__} on {p.device}"

