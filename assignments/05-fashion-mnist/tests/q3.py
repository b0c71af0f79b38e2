from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False, 
    success_message="train_epoch returns a float loss and moves the model and every batch to device.")
def test_q3_public(train_epoch, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        X, y = (torch.rand(128, 1, 28, 28), torch.randint(0, 10, (128,)))
        loader = DataLoader(TensorDataset(X, y), batch_size=32)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        with record_moves() as moves:
            loss = train_epoch(model, loader, nn.CrossEntropyLoss(), optimizer, device)
    assert isinstance(loss, float), f'train_epoch should return the mean loss as a Python float (use loss.item()), got {type(loss).__name__}'
    assert 0 < loss < 10, f'the mean cross-entropy of a fresh model on 10 classes should be near 2.3, got {loss}'
    assert moves.module_moves_to(device) >= 1, f'train_epoch should call model.to(device) (device = {device}); it never did'
    n = moves.tensor_moves_to(device)
    assert n >= 2 * len(loader), f'the loader has {len(loader)} batches, so X and y of every batch should be moved: expected {2 * len(loader)} moves to device, counted {n} (device = {device})'

