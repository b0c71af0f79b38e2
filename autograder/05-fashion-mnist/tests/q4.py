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

@test_case(points=1.5, hidden=True)
def test_q4_accuracy(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_close, seeded
    gen = torch.Generator().manual_seed(5)
    with seeded(5):
        model = nn.Sequential(nn.Flatten(), nn.Dropout(0.5), nn.Linear(784, 10))
    X, y = (torch.rand(250, 1, 28, 28, generator=gen), torch.randint(0, 10, (250,), generator=gen))
    loader = DataLoader(TensorDataset(X, y), batch_size=64)
    model.eval()
    with torch.no_grad():
        want = (model(X).argmax(dim=1) == y).double().mean().item()
    model.train()
    got = evaluate(model, loader, torch.device('cpu'))
    assert 0.0 <= float(got) <= 1.0, f'accuracy is a fraction in [0, 1], got {got}'
    check_close('the accuracy over all 250 examples (in eval() mode, where dropout is off)', got, want, 1e-06)

@test_case(points=0.5, hidden=True)
def test_q4_moves(evaluate):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import meta_scalars, seeded
    eye = DataLoader(TensorDataset(torch.eye(3), torch.arange(3)), batch_size=2)
    wrong = nn.Linear(3, 3, bias=False)
    with torch.no_grad():
        wrong.weight.copy_(torch.eye(3).roll(1, dims=0))
    assert float(evaluate(nn.Identity(), eye, torch.device('cpu'))) != float(evaluate(wrong, eye, torch.device('cpu'))), 'evaluate gives the same accuracy for a model that is always right and one that is always wrong'
    with seeded(4), meta_scalars() as meta:
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
        loader = DataLoader(TensorDataset(torch.rand(100, 1, 28, 28), torch.randint(0, 10, (100,))), batch_size=32)
        acc = evaluate(model, loader, meta)
    assert isinstance(acc, float), f'evaluate should return a float, got {type(acc).__name__}'
    assert all((p.device.type == 'meta' for p in model.parameters())), 'evaluate should move the model to the device given'

