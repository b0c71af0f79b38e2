from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    success_message="evaluate returns a fraction and moves the model and every batch to device.")
def test_q4_public(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import meta_scalars
    X = torch.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 5.0, 0.0], [1.0, 0.0, 0.0]])
    y = torch.tensor([1, 0, 0, 0, 0])
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    acc = evaluate(nn.Identity(), loader, torch.device('cpu'))
    try:
        value = float(acc)
    except (TypeError, ValueError, RuntimeError):
        value = None
    known = {'the count of correct predictions': 3.0, 'the mean of the batch accuracies': 2 / 3, "the first batch's accuracy alone": 1.0, "the first batch's correct predictions over all 5": 0.4}
    why = [what for what, v in known.items() if value is not None and abs(value - v) < 1e-06]
    assert value is not None and abs(value - 0.6) < 1e-06, f'3 correct out of 5 is an accuracy of 0.6 (a fraction of all examples), got {acc!r}' + (f', which is {why[0]}' if why else '')
    assert isinstance(acc, float), f'evaluate should return a Python float (use .item()), got {type(acc).__name__}'
    acc = evaluate(nn.Sequential(nn.Dropout(0.9), nn.Identity()), loader, torch.device('cpu'))
    assert abs(float(acc) - 0.6) < 1e-06, f'with a dropout layer in front the accuracy should still be 0.6 (model.eval() turns dropout off), got {acc}'
    with meta_scalars() as meta:
        model = nn.Linear(3, 3)
        try:
            evaluate(model, loader, meta)
        except RuntimeError as e:
            raise AssertionError(f"evaluate(..., device) with device 'meta' raised: {e}. Move the model and both X and y of every batch to device") from None
    assert model.weight.device.type == 'meta', 'evaluate should move the model to device with model.to(device)'

