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

@test_case(points=1, hidden=True)
def test_q6_to_device(to_device):
    import torch
    gen = torch.Generator().manual_seed(5)
    tensors = (torch.randn(4, 3, generator=gen), torch.arange(4), torch.randn(2, 2, 2, generator=gen))
    out = to_device(tensors, torch.device('cpu'))
    assert isinstance(out, list) and len(out) == 3, 'to_device should return a list with one tensor per input'
    for t, o in zip(tensors, out):
        assert o.dtype == t.dtype and torch.equal(o, t), 'to_device should keep values, dtype and order'
    out = to_device(list(tensors), torch.device('meta'))
    assert [o.device.type for o in out] == ['meta'] * 3, 'every tensor should end up on the device given'
    assert [(o.dtype, tuple(o.shape)) for o in out] == [(t.dtype, tuple(t.shape)) for t in tensors], 'to_device should keep dtypes, shapes and order'

@test_case(points=0.5, hidden=True)
def test_q6_on_device(X_dev, y_dev, split_features_target, table, device, charged):
    import torch
    X_table, y_table = split_features_target(table)
    n = table.shape[0]
    basic = all((isinstance(t, torch.Tensor) and t.shape[0] == n for t in (X_table, y_table))) and torch.equal(torch.cat([X_table.reshape(n, -1), y_table.reshape(n, -1)], dim=1), table)
    if not (basic and charged.get('q5')):
        X_table, y_table = (table[:, :-1], table[:, -1:])
    for name, t, source in (('X_dev', X_dev, X_table), ('y_dev', y_dev, y_table)):
        assert isinstance(t, torch.Tensor), f'{name} should be a tensor, got {type(t).__name__}'
        assert t.device.type == torch.device(device).type, f'{name} should be on {device}, it is on {t.device}'
        assert torch.equal(t.cpu(), source.cpu()), f"{name} should hold {name.replace('dev', 'table')}, on device"

