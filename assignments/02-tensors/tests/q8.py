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

