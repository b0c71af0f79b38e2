from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="to_device moves every tensor with .to(device), and X_dev, y_dev are on device.")
def test_q6_public(to_device, X_dev, y_dev, device):
    import torch
    from student_utils.testing import record_moves
    with record_moves() as moves:
        out = to_device([torch.zeros(2), torch.ones(3)], device)
    assert isinstance(out, list), f'to_device should return a list, got {type(out).__name__}'
    assert len(out) == 2, f'to_device of 2 tensors should return 2 tensors, got {len(out)}'
    n = moves.tensor_moves_to(device)
    assert n >= 2, f'to_device should call .to(device) on each of the 2 tensors; it moved {n} to {device}'
    for name, t in (('X_dev', X_dev), ('y_dev', y_dev)):
        assert isinstance(t, torch.Tensor), f'{name} should be a tensor, got {type(t).__name__}'
        assert t.device.type == torch.device(device).type, f'{name} should be on {device}, it is on {t.device}'

