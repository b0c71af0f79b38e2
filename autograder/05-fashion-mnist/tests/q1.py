from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="device is set, and the first training batch has the shapes and dtypes asked for.")
def test_q1_public(device, train_loader, test_loader):
    import torch
    from torch.utils.data import DataLoader
    assert isinstance(device, torch.device), f'device should be su.get_device(), a torch.device; got {type(device).__name__}'
    for name, loader in (('train_loader', train_loader), ('test_loader', test_loader)):
        assert isinstance(loader, DataLoader), f'{name} should be a torch DataLoader, got {type(loader).__name__}'
    X, y = next(iter(train_loader))
    assert tuple(X.shape) == (128, 1, 28, 28), f'a training batch X should have shape (128, 1, 28, 28), got {tuple(X.shape)}'
    assert X.dtype == torch.float32, f'X should be float32, got {X.dtype}'
    assert tuple(y.shape) == (128,), f'a training batch y should have shape (128,), got {tuple(y.shape)}'
    assert y.dtype == torch.int64, f'y should hold int64 labels, got {y.dtype}'

@test_case(points=1.5, hidden=True)
def test_q1_loaders(device, train_loader, test_loader):
    import torch
    import student_utils as su
    assert device == su.get_device(), f'device should be su.get_device() = {su.get_device()}, got {device}'
    assert len(train_loader.dataset) == 60000, f'train_loader should cover all 60000 training examples, has {len(train_loader.dataset)}'
    assert len(train_loader) == 469, f'60000 examples in batches of 128 make 469 batches, got {len(train_loader)}'
    with torch.random.fork_rng():
        torch.manual_seed(0)
        y_a = next(iter(train_loader))[1]
        y_b = next(iter(train_loader))[1]
    assert not torch.equal(y_a, y_b), 'train_loader should shuffle: two passes started with the same batch'
    X_ref, y_ref = su.load_fashion_mnist('test')
    assert len(test_loader) == 10, f'10000 test examples in batches of 1000 make 10 batches, got {len(test_loader)}'
    Xs, ys = zip(*[(X, y) for X, y in test_loader])
    assert torch.equal(torch.cat(ys), y_ref), 'test_loader should give the test labels in their original order (no shuffling)'
    assert torch.equal(torch.cat(Xs), X_ref), 'test_loader should give the test images unchanged, in order'

