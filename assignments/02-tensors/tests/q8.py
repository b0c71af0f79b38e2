from otter.test_files import test_case

OK_FORMAT = False

name = "q8"
points = 4

@test_case(points=1, hidden=False, 
    success_message="build_mlp gives Linear -> ReLU -> Linear on device, and set_weights copies the weights.")
def test_q8_public(build_mlp, set_weights, device):
    import torch
    from torch import nn
    from student_utils.testing import record_moves
    with record_moves() as moves:
        model = build_mlp(4, 5, 2, device)
    assert isinstance(model, nn.Sequential), f'build_mlp should return an nn.Sequential, got {type(model).__name__}'
    kinds = [type(layer).__name__ for layer in model]
    assert kinds == ['Linear', 'ReLU', 'Linear'], f"the layers should be ['Linear', 'ReLU', 'Linear'], got {kinds}"
    assert moves.module_moves_to(device) >= 1, f'build_mlp should move the model with .to(device) (device is {device})'
    shapes = [tuple(model[0].weight.shape), tuple(model[2].weight.shape)]
    assert shapes == [(5, 4), (2, 5)], f'build_mlp(4, 5, 2, device) should have weights of shapes [(5, 4), (2, 5)], got {shapes}'
    out = set_weights(model, torch.zeros(5, 4), torch.ones(5), torch.ones(2, 5), torch.zeros(2))
    assert out is model, 'set_weights should return the model it was given'
    assert torch.equal(model[2].weight.detach().cpu(), torch.ones(2, 5)), 'set_weights should copy W2 into model[2].weight'

