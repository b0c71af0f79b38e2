from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=1, hidden=False, 
    success_message="make_circle_model builds the 2 -> 16 -> 1 network and circle_model outputs one logit per point.")
def test_q7_public(make_circle_model, circle_model, circle_losses, circle_acc, X_circles):
    import torch
    model = make_circle_model()
    assert isinstance(model, torch.nn.Module), f'make_circle_model should return a module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 65, f'Linear(2, 16) + ReLU + Linear(16, 1) has 2*16 + 16 + 16*1 + 1 = 65 parameters, yours has {n_params}'
    with torch.no_grad():
        out = circle_model(X_circles)
    assert tuple(out.shape) == (300, 1), f'circle_model on 300 points should output shape (300, 1), got {tuple(out.shape)}'
    assert len(circle_losses) == 300, f'300 epochs should give 300 losses, got {len(circle_losses)}'
    assert isinstance(circle_acc, float) and 0.0 <= circle_acc <= 1.0, f'circle_acc should be a float fraction in [0, 1], got {circle_acc!r}'

@test_case(points=1, hidden=True)
def test_q7_architecture(make_circle_model, circle_model):
    import torch
    a, b = (make_circle_model(), make_circle_model())
    assert a is not b and all((p is not q for p, q in zip(a.parameters(), b.parameters()))), 'make_circle_model should build a new model on every call'
    for name, model in (('make_circle_model()', a), ('circle_model', circle_model)):
        assert sum((p.numel() for p in model.parameters())) == 65, f'{name} should have 65 parameters'
        assert not any((isinstance(m, torch.nn.Sigmoid) for m in model.modules())), f'{name} should output logits: no nn.Sigmoid at the end when training with BCEWithLogitsLoss'
        linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
        assert [(m.in_features, m.out_features) for m in linears] == [(2, 16), (16, 1)], f'{name} should be Linear(2, 16) -> ReLU -> Linear(16, 1)'
    X = torch.tensor([[0.5, 0.0], [0.0, -0.5], [-0.35, 0.35], [1.0, 0.0], [0.0, -1.0], [2.0, 2.0]])
    with torch.no_grad():
        z = circle_model(X)
    assert (z < 0).any() and (z > 1).any(), f'the trained circle_model should output logits (negative on the outer ring, large on the inner ring); got {z.flatten().tolist()}'

@test_case(points=1, hidden=True)
def test_q7_fresh_points(circle_model, circle_losses):
    from student_utils.testing import check_threshold
    import torch
    from sklearn.datasets import make_circles
    Xn, yn = make_circles(n_samples=1000, noise=0.1, factor=0.5, random_state=654)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    with torch.no_grad():
        acc = ((circle_model(X) > 0).float() == y).float().mean().item()
    check_threshold('q7 accuracy of circle_model on 1000 fresh circle points', acc, 0.9)
    check_threshold('q7 final loss / first loss', circle_losses[-1] / circle_losses[0], 0.2, above=False)

@test_case(points=0.5, hidden=True)
def test_q7_train_accuracy(circle_model, circle_acc, X_circles, y_circles):
    import torch
    with torch.no_grad():
        want = ((circle_model(X_circles) > 0).float() == y_circles).float().mean().item()
    assert abs(float(circle_acc) - want) < 1e-06, f"circle_model's training accuracy is {want:.4f}, circle_acc is {circle_acc}"

@test_case(points=0.5, hidden=True)
def test_q7_fresh_model_learns(make_circle_model):
    from student_utils.testing import check_threshold
    import torch
    from sklearn.datasets import make_circles
    Xn, yn = make_circles(n_samples=300, noise=0.1, factor=0.5, random_state=321)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    with torch.random.fork_rng():
        torch.manual_seed(321)
        model = make_circle_model()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        optimizer.zero_grad()
        z = model(X)
        loss = (torch.nn.functional.softplus(z) - y * z).mean()
        loss.backward()
        optimizer.step()
    Xn, yn = make_circles(n_samples=1000, noise=0.1, factor=0.5, random_state=322)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    with torch.no_grad():
        acc = ((model(X) > 0).float() == y).float().mean().item()
    check_threshold('q7 accuracy on fresh circle points of a fresh make_circle_model() trained by the test', acc, 0.9)

