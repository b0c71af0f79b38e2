from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="device is set, and the loaders give batches of the shapes and dtypes asked for.")
def test_q1_public(device, train_loader, test_loader):
    import torch
    from torch.utils.data import DataLoader
    from student_utils.testing import plain_loader
    assert isinstance(device, torch.device), f'device should be su.get_device(), a torch.device; got {type(device).__name__}'
    for name, loader in (('train_loader', train_loader), ('test_loader', test_loader)):
        assert isinstance(loader, DataLoader), f'{name} should be a torch DataLoader, got {type(loader).__name__}'
        assert plain_loader(loader), f'{name} should be a DataLoader(TensorDataset(...), batch_size=..., shuffle=...), without a sampler, batch_sampler or collate_fn of its own'
    X, y = next(iter(train_loader))
    assert tuple(X.shape) == (128, 1, 28, 28), f'a training batch X should have shape (128, 1, 28, 28), got {tuple(X.shape)}'
    assert X.dtype == torch.float32, f'X should be float32, got {X.dtype}'
    assert tuple(y.shape) == (128,), f'a training batch y should have shape (128,), got {tuple(y.shape)}'
    assert y.dtype == torch.int64, f'y should hold int64 labels, got {y.dtype}'
    from torch.utils.data import SequentialSampler
    assert test_loader.batch_size == 1000, f'test_loader should give batches of 1000, got {test_loader.batch_size}'
    assert isinstance(test_loader.sampler, SequentialSampler), 'test_loader should not shuffle (shuffle=False)'

