from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0.25, hidden=False, 
    success_message="predict_proba gives (N, 1) probabilities, without gradients.")
def test_q3_proba_public(predict_proba):
    import torch
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[2.0, 0.0]]))
        model.bias.zero_()
    p = predict_proba(model, torch.tensor([[-1.0, 5.0], [0.1, 0.0], [3.0, -2.0]]))
    assert isinstance(p, torch.Tensor) and tuple(p.shape) == (3, 1), f"predict_proba on 3 points should return a tensor of shape (3, 1), got {getattr(p, 'shape', type(p).__name__)}"
    assert not p.requires_grad, 'predict_proba should compute under torch.no_grad(), but its output requires grad'
    assert torch.allclose(p, torch.sigmoid(torch.tensor([[-2.0], [0.2], [6.0]])), atol=1e-06), f'logits -2.0, 0.2, 6.0 have probabilities 0.119, 0.550, 0.998 (the sigmoid); got {p.flatten().tolist()}'

@test_case(points=0.25, hidden=False, 
    success_message="predict thresholds the probabilities at 0.5.")
def test_q3_predict_public(predict):
    import torch
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[2.0, 0.0]]))
        model.bias.zero_()
    c = predict(model, torch.tensor([[-1.0, 5.0], [0.1, 0.0], [3.0, -2.0]]))
    assert isinstance(c, torch.Tensor) and tuple(c.shape) == (3, 1), f"predict on 3 points should return shape (3, 1), got {getattr(c, 'shape', type(c).__name__)}"
    assert c.dtype == torch.float32, f'predict should return float32 0.0/1.0, got {c.dtype}'
    assert c.flatten().tolist() == [0.0, 1.0, 1.0], f'logits -2.0, 0.2, 6.0 have probabilities 0.12, 0.55, 0.998, so the classes are [0, 1, 1]; got {c.flatten().tolist()}'

@test_case(points=0.5, hidden=False, 
    success_message="accuracy is a fraction, also for labels of shapes (N, 1) and (N,).")
def test_q3_accuracy_public(accuracy):
    import torch
    acc = accuracy(torch.tensor([[1.0], [0.0], [1.0], [1.0]]), torch.tensor([1.0, 0.0, 0.0, 1.0]))
    assert isinstance(acc, float), f'accuracy should return a Python float (use .item()), got {type(acc).__name__}'
    assert abs(acc - 0.75) < 1e-06, f'3 matches out of 4 is an accuracy of 0.75, got {acc}: flatten both before comparing'

@test_case(points=0.5, hidden=True)
def test_q3_predict_proba(predict_proba):
    import torch
    from student_utils.testing import seeded
    gen = torch.Generator().manual_seed(5)
    with seeded(5):
        model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(3 * torch.randn(param.shape, generator=gen))
    X = 2 * torch.randn(500, 2, generator=gen)
    with torch.no_grad():
        want_p = 1 / (1 + torch.exp(-model(X).double()))
    p = predict_proba(model, X)
    assert tuple(p.shape) == (500, 1), f'predict_proba should return shape (500, 1), got {tuple(p.shape)}'
    assert torch.allclose(p.double(), want_p, atol=1e-06), "predict_proba should be the sigmoid of the model's logits"
    assert not p.requires_grad, 'predict_proba should run under torch.no_grad()'

@test_case(points=0.75, hidden=True)
def test_q3_predict(predict):
    import torch
    from student_utils.testing import seeded
    gen = torch.Generator().manual_seed(6)
    with seeded(6):
        model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(3 * torch.randn(param.shape, generator=gen))
    X = 2 * torch.randn(500, 2, generator=gen)
    with torch.no_grad():
        logits = model(X)
    assert ((logits > 0) & (logits < 0.5)).sum() >= 5, 'test data should contain small positive logits'
    c = predict(model, X)
    assert c.numel() == 500, f'predict should return one class per point, got {c.numel()} values'
    assert c.dtype == torch.float32, f'predict should return float32, got {c.dtype}'
    c = c.reshape(500, 1).double()
    assert set(c.flatten().tolist()) <= {0.0, 1.0}, 'predict should return only 0.0 and 1.0'
    keep = logits.abs().flatten() > 0.0001
    wrong = (c != (logits > 0).double()).flatten() & keep
    assert wrong.sum() == 0, f'predict is wrong on {int(wrong.sum())} of 500 points: the class is 1 where sigmoid(logit) > 0.5, that is where the logit is > 0'

@test_case(points=0.75, hidden=True)
def test_q3_accuracy(accuracy):
    import torch
    gen = torch.Generator().manual_seed(7)
    for n in (1, 7, 200, 250, 300):
        a = torch.randint(0, 2, (n, 1), generator=gen).float()
        b = torch.randint(0, 2, (n,), generator=gen).float()
        want = sum((int(u == v) for u, v in zip(a.flatten().tolist(), b.tolist()))) / n
        for left, right in ((a, b), (a, b.reshape(n, 1)), (a.flatten(), b), (a.flatten(), b.reshape(n, 1))):
            got = accuracy(left, right)
            assert 0.0 <= float(got) <= 1.0, f'accuracy is a fraction in [0, 1], got {got}'
            assert abs(float(got) - want) < 1e-06, f'accuracy of {n} labels with shapes {tuple(left.shape)} and {tuple(right.shape)} should be {want:.4f}, got {got}'

