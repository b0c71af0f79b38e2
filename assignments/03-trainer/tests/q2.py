from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 5

@test_case(points=1, hidden=False, 
    success_message="trainer gives the hand-computed mean loss for two epochs of two batches, and the trained weights.")
def test_q2_public(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    X, y = (torch.tensor([[1.0], [2.0], [3.0], [4.0]]), torch.tensor([2.0, 4.0, 6.0, 8.0]))
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    losses = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.01), loader, 2)
    assert isinstance(losses, list), f'trainer should return a list of floats, got {type(losses).__name__}'
    assert len(losses) == 2, f'2 epochs should give 2 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'every epoch loss should be a Python float (use loss.item())'
    assert abs(losses[0] - 27.1653) < 0.001, f"the first epoch's mean batch loss should be (10.0 + 44.3306) / 2 = 27.1653, got {losses[0]:.4f}: the mean of the batch losses, with y_hat flattened to shape (N,) like y"
    assert abs(losses[1] - 12.705) < 0.001, f"the second epoch's mean loss should be (4.3210 + 21.0890) / 2 = 12.7050, got {losses[1]:.4f}: zero the gradients before every backward()"
    assert abs(model.weight.item() - 0.9612) < 0.001, f'after training the weight should be 0.9612, got {model.weight.item():.4f}'

@test_case(points=0.5, hidden=False, 
    success_message="trainer moves each batch to the model's device.")
def test_q2_device_public(trainer):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import assert_trains, meta_scalars, seeded, trainer_trains
    with seeded(0), meta_scalars() as meta:
        model = nn.Linear(2, 1).to(meta)
        loader = DataLoader(TensorDataset(torch.randn(8, 2), torch.randn(8)), batch_size=4)
        try:
            losses = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader, 1)
        except RuntimeError as e:
            raise AssertionError(f"with the model on another device ('meta') trainer raised: {e}. Move X and y of every batch to the model's device: device = next(model.parameters()).device") from None
    assert isinstance(losses, list) and len(losses) == 1, 'trainer should return one loss per epoch'
    assert_trains('trainer', trainer_trains(trainer))

