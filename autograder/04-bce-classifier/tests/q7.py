from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=1, hidden=False, 
    success_message="make_circle_model builds the 2 -> 16 -> 1 network and circle_model outputs one logit per point.")
def test_q7_public(make_circle_model, circle_model, circle_losses, circle_acc):
    import torch
    model = make_circle_model()
    assert isinstance(model, torch.nn.Module), f'make_circle_model should return a module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 65, f'Linear(2, 16) + ReLU + Linear(16, 1) has 2*16 + 16 + 16*1 + 1 = 65 parameters, yours has {n_params}'
    assert not any((isinstance(m, torch.nn.Sigmoid) for m in model.modules())), 'make_circle_model() should output logits: no nn.Sigmoid at the end when training with BCEWithLogitsLoss'
    kinds = [type(m).__name__ for m in model.modules() if not isinstance(m, torch.nn.Sequential)]
    assert kinds == ['Linear', 'ReLU', 'Linear'], f'the layers should be Linear, ReLU, Linear; found {kinds}'
    other = make_circle_model()
    assert any((not torch.equal(p, q) for p, q in zip(model.parameters(), other.parameters()))), 'make_circle_model() should build a new, freshly initialised model on every call'
    with torch.no_grad():
        out = circle_model(torch.zeros(6, 2))
    assert tuple(out.shape) == (6, 1), f'circle_model on 6 points should output shape (6, 1), got {tuple(out.shape)}'
    assert len(circle_losses) == 300, f'300 epochs should give 300 losses, got {len(circle_losses)}'
    assert isinstance(circle_acc, float) and 0.0 <= circle_acc <= 1.0, f'circle_acc should be a float fraction in [0, 1], got {circle_acc!r}'

@test_case(points=1, hidden=True)
def test_q7_architecture(make_circle_model):
    import torch
    a, b = (make_circle_model(), make_circle_model())
    assert a is not b and any((not torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))), 'make_circle_model should build a new, freshly initialised model on every call'
    assert sum((p.numel() for p in a.parameters())) == 65, 'make_circle_model() should have 65 parameters'
    assert not any((isinstance(m, torch.nn.Sigmoid) for m in a.modules())), 'make_circle_model() should output logits: no nn.Sigmoid at the end when training with BCEWithLogitsLoss'
    linears = [m for m in a.modules() if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(2, 16), (16, 1)], 'make_circle_model() should be Linear(2, 16) -> ReLU -> Linear(16, 1)'
    gen = torch.Generator().manual_seed(8)
    X = torch.randn(50, 2, generator=gen)
    with torch.no_grad():
        want = linears[1](torch.relu(linears[0](X)))
        assert torch.allclose(a(X), want, atol=1e-06), 'make_circle_model() should compute Linear -> ReLU -> Linear'

@test_case(points=1, hidden=True)
def test_q7_fresh_points(circle_model, circle_losses, X_circles_np, y_circles_np, train_classifier):
    import torch
    from sklearn.datasets import make_circles
    from student_utils.testing import check_thresholds, failing, seeded
    Xn, yn = make_circles(n_samples=1000, noise=0.1, factor=0.5, random_state=654)
    X_fresh, y_fresh = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))

    def checks(model, losses):
        with torch.no_grad():
            acc = ((model(X_fresh) > 0).float() == y_fresh).float().mean().item()
        return [('q7 accuracy of circle_model on 1000 fresh circle points', acc, 0.9, True), ('q7 final loss / first loss', losses[-1] / losses[0], 0.2, False)]
    found = checks(circle_model, circle_losses)
    if failing(found):
        X = torch.tensor(X_circles_np, dtype=torch.float32)
        y = torch.tensor(y_circles_np, dtype=torch.float32).reshape(-1, 1)
        with seeded(7):
            twin = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
        if failing(checks(twin, train_classifier(twin, X, y, lr=0.05, num_epochs=300))):
            return
    check_thresholds(found)

@test_case(points=0.5, hidden=True)
def test_q7_train_accuracy(circle_model, circle_acc, X_circles_np, y_circles_np, X_circles, y_circles, predict, accuracy):
    import torch
    X = torch.tensor(X_circles_np, dtype=torch.float32)
    y = torch.tensor(y_circles_np, dtype=torch.float32).reshape(-1, 1)
    with torch.no_grad():
        want = ((circle_model(X) > 0).float() == y).float().mean().item()
    if abs(float(circle_acc) - want) < 1e-06:
        return
    yours = accuracy(predict(circle_model, X_circles), y_circles)
    assert abs(float(circle_acc) - float(yours)) < 1e-06, f"circle_model's training accuracy is {want:.4f}, circle_acc is {circle_acc}"

@test_case(points=0.5, hidden=True)
def test_q7_fresh_model_learns(make_circle_model):
    import torch
    from sklearn.datasets import make_circles
    from student_utils.testing import check_threshold, seeded
    Xn, yn = make_circles(n_samples=300, noise=0.1, factor=0.5, random_state=321)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    model = make_circle_model()
    with seeded(321):
        for param in model.parameters():
            with torch.no_grad():
                param.uniform_(-0.5, 0.5)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        optimizer.zero_grad()
        z = model(X)
        loss = (torch.nn.functional.softplus(z) - y * z).mean()
        try:
            loss.backward()
        except RuntimeError:
            raise AssertionError('make_circle_model() should return the nn.Sequential of standard layers the question asks for (the test trains it with its own loop)') from None
        optimizer.step()
    Xn, yn = make_circles(n_samples=1000, noise=0.1, factor=0.5, random_state=322)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    with torch.no_grad():
        acc = ((model(X) > 0).float() == y).float().mean().item()
    check_threshold('q7 accuracy on fresh circle points of a fresh make_circle_model() trained by the test', acc, 0.9)

