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

@test_case(points=0.75, hidden=True)
def test_q1_train_loader(device, train_loader, X_train, y_train):
    import torch
    from torch.utils.data import RandomSampler
    import student_utils as su
    assert device == su.get_device(), f'device should be su.get_device() = {su.get_device()}, got {device}'
    X, y = train_loader.dataset.tensors
    assert len(X) == 60000, f'train_loader should cover all 60000 training examples, has {len(X)}'
    assert len(train_loader) == 469, f'60000 examples in batches of 128 make 469 batches, got {len(train_loader)}'
    assert isinstance(train_loader.sampler, RandomSampler), 'train_loader should shuffle (shuffle=True)'
    assert torch.equal(y, y_train) and torch.equal(X, X_train), 'train_loader should hold the training images and labels'

@test_case(points=0.75, hidden=True)
def test_q1_test_loader(test_loader, X_test, y_test):
    import math
    import torch
    batches = math.ceil(len(y_test) / 1000)
    assert len(test_loader) == batches, f'{len(y_test)} test examples in batches of 1000 make {batches} batches, got {len(test_loader)}'
    Xs, ys = zip(*[(X, y) for X, y in test_loader])
    assert torch.equal(torch.cat(ys), y_test), 'test_loader should give the test labels in their original order (no shuffling)'
    assert torch.equal(torch.cat(Xs), X_test), 'test_loader should give the test images unchanged, in order'

