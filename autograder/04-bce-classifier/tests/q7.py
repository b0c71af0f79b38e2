from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=1, hidden=False, 
    success_message="make_circle_model builds the 2 -> 16 -> 1 network and circle_model outputs one logit per point.")
def test_q7_public(make_circle_model, circle_model, circle_losses, circle_acc, train_classifier):
    import torch
    from torch import nn
    from student_utils.testing import assert_trains, behaves_as, lowers_loss, seeded
    model = make_circle_model()
    assert isinstance(model, nn.Module), f'make_circle_model should return a module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 65, f'Linear(2, 16) + ReLU + Linear(16, 1) has 2*16 + 16 + 16*1 + 1 = 65 parameters, yours has {n_params}'
    probe = torch.linspace(-2, 2, 24).reshape(12, 2)
    behaves_as(model, nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1)), probe, tol=1e-05)
    other = make_circle_model()
    assert any((not torch.equal(p, q) for p, q in zip(model.parameters(), other.parameters()))), 'make_circle_model() should build a new, freshly initialised model on every call'
    with torch.no_grad():
        out = circle_model(torch.zeros(6, 2))
    assert tuple(out.shape) == (6, 1), f'circle_model on 6 points should output shape (6, 1), got {tuple(out.shape)}'
    X, y = (torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]]), torch.tensor([[1.0], [0.0], [0.0], [1.0]]))
    with seeded(0):
        fresh, again = (nn.Linear(2, 1), nn.Linear(2, 1))
    trains = lowers_loss(fresh, X, y, nn.BCEWithLogitsLoss(), lambda m: train_classifier(m, X, y, lr=0.1, num_epochs=3))
    assert_trains('train_classifier', trains)
    yours = len(train_classifier(again, X, y, lr=0.1, num_epochs=300))
    assert len(circle_losses) in (300, yours), f'300 epochs should give 300 losses, got {len(circle_losses)}'
    try:
        acc = float(circle_acc)
    except (TypeError, ValueError, RuntimeError):
        acc = None
    assert acc is not None and 0.0 <= acc <= 1.0, f'circle_acc should be a float fraction in [0, 1], got {circle_acc!r}'

@test_case(points=1, hidden=True)
def test_q7_architecture(make_circle_model):
    import torch
    from torch import nn
    from student_utils.testing import behaves_as
    a, b = (make_circle_model(), make_circle_model())
    assert a is not b and any((not torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))), 'make_circle_model should build a new, freshly initialised model on every call'
    assert sum((p.numel() for p in a.parameters())) == 65, 'make_circle_model() should have 65 parameters'
    gen = torch.Generator().manual_seed(8)
    X = torch.randn(50, 2, generator=gen)
    behaves_as(a, nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1)), X, tol=1e-05)

@test_case(points=1, hidden=True)
def test_q7_fresh_points(circle_model, circle_losses, X_circles_np, y_circles_np, train_classifier, charged):
    import torch
    from sklearn.datasets import make_blobs, make_circles
    from student_utils.testing import check_thresholds, classifier_trains_on, failing, lowers_loss, same_at_scale, seeded, still_charged
    Xn, yn = make_circles(n_samples=1000, noise=0.1, factor=0.5, random_state=654)
    X_fresh, y_fresh = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))

    def model_checks(model):
        with torch.no_grad():
            acc = ((model(X_fresh) > 0).float() == y_fresh).float().mean().item()
        return [('q7 accuracy of circle_model on 1000 fresh circle points', acc, 0.9, True)]

    def loss_checks(losses):
        return [('q7 final loss / first loss', losses[-1] / losses[0], 0.2, False)]

    def case(X, y, lr, epochs, net, seed):

        def make():
            with seeded(seed):
                model = net()
            return (model, X, y, lr, epochs)
        return make

    def yours(make):
        model, X, y, lr, epochs = make()
        return (list(model.parameters()), train_classifier(model, X, y, lr=lr, num_epochs=epochs))

    def reference(make):
        model, X, y, lr, epochs = make()
        optimizer, losses = (torch.optim.Adam(model.parameters(), lr=lr), [])
        for _ in range(epochs):
            optimizer.zero_grad()
            z = model(X)
            loss = (torch.nn.functional.softplus(z) - y * z).mean()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        return (list(model.parameters()), losses)

    def points(Xn, yn):
        return (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    g = torch.Generator().manual_seed(40)
    Xx = torch.randn(60, 2, generator=g)
    line = lambda: torch.nn.Linear(2, 1)
    small = [case(torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]]), torch.tensor([[1.0], [0.0], [0.0], [1.0]]), 0.1, 3, line, 1), case(Xx, (Xx[:, :1] * Xx[:, 1:] > 0).float(), 0.03, 25, lambda: torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.ReLU(), torch.nn.Linear(6, 1)), 2), case(*points(*make_blobs(n_samples=150, centers=[[-2.0, 0.0], [2.0, 0.0]], cluster_std=0.7, random_state=3)), 0.1, 60, line, 3)]
    model_found, loss_found = (model_checks(circle_model), loss_checks(circle_losses))
    if failing(model_found + loss_found):
        X = torch.tensor(X_circles_np, dtype=torch.float32)
        y = torch.tensor(y_circles_np, dtype=torch.float32).reshape(-1, 1)
        with seeded(7):
            twin = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
            probe = torch.nn.Linear(2, 1)
        Xs, ys = (torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]]), torch.tensor([[1.0], [0.0], [0.0], [1.0]]))
        if lowers_loss(probe, Xs, ys, torch.nn.BCEWithLogitsLoss(), lambda m: train_classifier(m, Xs, ys, lr=0.1, num_epochs=3)) and charged.get('q4'):
            if classifier_trains_on(train_classifier, X, y):
                net = lambda: torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
                same = same_at_scale(yours, reference, small, case(*points(*make_circles(n_samples=300, noise=0.1, factor=0.5, random_state=7171)), 0.05, 300, net, 7), tol=0.001)
                twin_losses = train_classifier(twin, X, y, lr=0.05, num_epochs=300)
                model_found = still_charged(model_found, model_checks(twin)) if same[0] else model_found
                loss_found = still_charged(loss_found, loss_checks(twin_losses)) if same[1] else loss_found
    check_thresholds(model_found + loss_found)

@test_case(points=0.5, hidden=True)
def test_q7_train_accuracy(circle_model, circle_acc, X_circles_np, y_circles_np, X_circles, y_circles, predict, accuracy, charged):
    import torch
    from student_utils.testing import accuracy_right
    X = torch.tensor(X_circles_np, dtype=torch.float32)
    y = torch.tensor(y_circles_np, dtype=torch.float32).reshape(-1, 1)
    with torch.no_grad():
        want = ((circle_model(X) > 0).float() == y).float().mean().item()
    if abs(float(circle_acc) - want) < 1e-06:
        return
    known = abs(float(accuracy(torch.tensor([1.0, 0.0, 1.0, 1.0]), torch.tensor([1.0, 0.0, 0.0, 1.0]))) - 0.75) < 1e-06
    known = known and accuracy_right(accuracy, (len(X_circles_np),))
    yours = accuracy(predict(circle_model, X_circles), y_circles)
    assert known and charged.get('q3') and (abs(float(circle_acc) - float(yours)) < 1e-06), f"circle_model's training accuracy is {want:.4f}, circle_acc is {circle_acc}"

@test_case(points=0.5, hidden=True)
def test_q7_fresh_model_learns(make_circle_model):
    import torch
    from torch import nn
    from sklearn.datasets import make_circles
    from student_utils.testing import behaves_as, check_threshold, seeded
    Xn, yn = make_circles(n_samples=300, noise=0.1, factor=0.5, random_state=321)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    model = behaves_as(make_circle_model(), nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1)), X[:12])
    with seeded(321):
        for param in model.parameters():
            with torch.no_grad():
                param.uniform_(-0.5, 0.5)
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

