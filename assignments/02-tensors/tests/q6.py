from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="to_device returns a list whose tensors are all on the device it was given.")
def test_q6_public(to_device):
    import torch
    meta = torch.device('meta')
    out = to_device([torch.zeros(2), torch.ones(3)], meta)
    assert isinstance(out, list), f'to_device should return a list, got {type(out).__name__}'
    assert len(out) == 2, f'to_device of 2 tensors should return 2 tensors, got {len(out)}'
    where = [t.device.type for t in out]
    assert where == ['meta', 'meta'], f"to_device(tensors, device) should put every tensor on device (here 'meta'); they are on {where}: t.to(device) returns the moved copy, keep that"
    assert [tuple(t.shape) for t in out] == [(2,), (3,)], "to_device should keep the tensors' order and shapes"

