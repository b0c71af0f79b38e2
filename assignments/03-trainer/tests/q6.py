from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 5

@test_case(points=1, hidden=False, 
    success_message="evaluate gives the right mean loss and keeps the model's mode.")
def test_q6_evaluate_public(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    model = nn.Linear(1, 1)
    nn.init.ones_(model.weight)
    nn.init.zeros_(model.bias)
    X, y = (torch.tensor([[1.0], [2.0], [3.0], [4.0]]), torch.tensor([1.0, 2.0, 3.0, 6.0]))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    got = evaluate(model, nn.MSELoss(), loader)
    assert isinstance(got, float), f'evaluate should return a float, got {type(got).__name__}'
    assert abs(got - 1.0) < 1e-06, f'batch losses are 0 and (0 + 4) / 2 = 2, so the mean is 1.0; got {got}'
    assert model.training, 'evaluate got a model in train() mode and left it in eval() mode; it should leave the mode as it found it'
    assert model.weight.item() == 1.0, 'evaluate should not change the weights'
    dropout = nn.Sequential(nn.Dropout(0.5), model)
    got = evaluate(dropout, nn.MSELoss(), loader)
    assert abs(got - 1.0) < 1e-06, f'with a dropout layer in front, evaluate should still give 1.0 (eval() turns dropout off), got {got}'

@test_case(points=0.5, hidden=False, 
    success_message="train_and_validate returns two lists with one loss per epoch and trains in train() mode.")
def test_q6_train_and_validate_public(train_and_validate, trainer):
    import torch
    from torch import nn
    from student_utils.testing import assert_trains, tiny_regression, trainer_trains
    model, X, y, loader = tiny_regression()
    model.eval()
    out = train_and_validate(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, loader, 3)
    assert isinstance(out, tuple) and len(out) == 2, 'train_and_validate should return (train_losses, valid_losses)'
    assert_trains('trainer', trainer_trains(trainer))
    probe, X, y, loader = tiny_regression(2)
    per_epoch = len(trainer(probe, nn.MSELoss(), torch.optim.SGD(probe.parameters(), lr=0.05), loader, 1))
    assert len(out[0]) in (3, 3 * per_epoch) and len(out[1]) == 3, f'3 epochs should give 3 train and 3 valid losses, got {len(out[0])} and {len(out[1])}'
    blocked = nn.Sequential(nn.Linear(1, 4), nn.Dropout(1.0), nn.Linear(4, 1))
    first = blocked[0].weight.detach().clone()
    blocked.eval()
    train_and_validate(blocked, nn.MSELoss(), torch.optim.SGD(blocked.parameters(), lr=0.1), loader, loader, 2)
    assert torch.equal(blocked[0].weight.detach(), first), 'handed a model in eval() mode, train_and_validate trained it in eval() mode: call model.train() every epoch, before training (a Dropout(p=1.0) that blocks the first layer in train() mode let it change)'

