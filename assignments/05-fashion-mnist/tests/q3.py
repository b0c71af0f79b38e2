from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 4

@test_case(points=1, hidden=False, 
    success_message="train_epoch returns the mean loss as a float and updates the weights once per batch.")
def test_q3_public(train_epoch):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    model = nn.Linear(2, 3)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    X, y = (torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]), torch.tensor([0, 1, 2, 0]))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    loss = train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=1.0), torch.device('cpu'))
    assert isinstance(loss, float), f'train_epoch should return the mean loss as a Python float (use loss.item()), got {type(loss).__name__}'
    assert abs(loss - 1.2543) < 0.001, f'the two batch losses are log 3 = 1.0986 (all logits 0) and 1.4100 (after one step), so the mean is 1.2543; got {loss:.4f}: zero the gradients, step once per batch, and average loss.item() over the batches'
    bias = [round(v, 4) for v in model.bias.tolist()]
    assert torch.allclose(model.bias.detach(), torch.tensor([0.2637, -0.2363, -0.0274]), atol=0.001), f"after the two steps the bias should be [0.2637, -0.2363, -0.0274], got {bias}: zero the gradients before every backward(), or the second step also applies the first batch's gradient"

@test_case(points=0.5, hidden=False, 
    success_message="train_epoch moves the model and every batch to the device it is given.")
def test_q3_device_public(train_epoch, X_train, y_train):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, meta_scalars, seeded, train_epoch_trains
    assert_trains('train_epoch', train_epoch_trains(train_epoch, X_train[:256], y_train[:256]))
    with seeded(0), meta_scalars() as meta:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        loader = DataLoader(TensorDataset(torch.rand(64, 1, 28, 28), torch.randint(0, 10, (64,))), batch_size=32)
        try:
            train_epoch(model, loader, nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1), meta)
        except RuntimeError as e:
            raise AssertionError(f"train_epoch(..., device) with device 'meta' raised: {e}. Move the model with model.to(device) and both X and y of every batch with .to(device)") from None
    where = sorted({p.device.type for p in model.parameters()})
    assert where == ['meta'], f"train_epoch should move the model to device (here 'meta'); its parameters are on {where}"

