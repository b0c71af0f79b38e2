from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="blob_model is a Linear(2, 1) that outputs one logit per point, with no sigmoid.")
def test_q5_public(blob_model, blob_losses, blob_acc, train_classifier):
    import torch
    from student_utils.testing import assert_trains, lowers_loss, seeded
    n_params = sum((p.numel() for p in blob_model.parameters()))
    assert n_params == 3, f'nn.Linear(2, 1) has 3 parameters (2 weights and a bias), blob_model has {n_params}'
    with torch.no_grad():
        out = blob_model(torch.zeros(5, 2))
        far = blob_model(torch.tensor([[-30.0, -10.0], [30.0, 10.0], [-30.0, 10.0], [30.0, -10.0]]))
    assert tuple(out.shape) == (5, 1), f'blob_model on 5 points should output shape (5, 1), got {tuple(out.shape)}'
    assert ((far < 0) | (far > 1)).any(), 'blob_model should output logits, which can be any number, but its outputs stay in [0, 1]: blob_model should output logits: remove the nn.Sigmoid (BCEWithLogitsLoss applies it)'
    X, y = (torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]]), torch.tensor([[1.0], [0.0], [0.0], [1.0]]))
    with seeded(0):
        probe, other = (torch.nn.Linear(2, 1), torch.nn.Linear(2, 1))
    trains = lowers_loss(probe, X, y, torch.nn.BCEWithLogitsLoss(), lambda m: train_classifier(m, X, y, lr=0.1, num_epochs=3))
    assert_trains('train_classifier', trains)
    yours = len(train_classifier(other, X, y, lr=0.1, num_epochs=100))
    assert len(blob_losses) in (100, yours), f'100 epochs should give 100 losses, got {len(blob_losses)}'
    try:
        acc = float(blob_acc)
    except (TypeError, ValueError, RuntimeError):
        acc = None
    assert acc is not None and 0.0 <= acc <= 1.0, f'blob_acc should be a fraction in [0, 1], got {blob_acc!r}'

@test_case(points=2, hidden=True)
def test_q5_trained(blob_model, blob_losses, X_blobs_np, y_blobs_np, train_classifier, charged):
    import torch
    from sklearn.datasets import make_blobs
    from student_utils.testing import check_thresholds, classifier_trains_on, failing, lowers_loss, same_at_scale, seeded, still_charged
    X = torch.tensor(X_blobs_np, dtype=torch.float32)
    y = torch.tensor(y_blobs_np, dtype=torch.float32).reshape(-1, 1)
    Xn, yn = make_blobs(n_samples=1000, centers=[[-1.5, -0.5], [1.5, 0.5]], cluster_std=0.8, random_state=987)
    X_fresh, y_fresh = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))

    def model_checks(model):
        with torch.no_grad():
            z = model(X)
            acc = ((model(X_fresh) > 0).float() == y_fresh).float().mean().item()
        return [('q5 share of blob points with a negative logit', (z < 0).float().mean().item(), 0.0, True), ('q5 share of blob points with a logit above 1', (z > 1).float().mean().item(), 0.0, True), ('q5 accuracy of blob_model on 1000 fresh blob points', acc, 0.9, True)]

    def loss_checks(losses):
        return [('q5 final loss / first loss', losses[-1] / losses[0], 0.5, False)]

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
    assert sum((p.numel() for p in blob_model.parameters())) == 3, 'blob_model should be nn.Linear(2, 1)'
    model_found, loss_found = (model_checks(blob_model), loss_checks(blob_losses))
    if failing(model_found + loss_found):
        with seeded(5):
            twin, probe = (torch.nn.Linear(2, 1), torch.nn.Linear(2, 1))
        Xs, ys = (torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]]), torch.tensor([[1.0], [0.0], [0.0], [1.0]]))
        if lowers_loss(probe, Xs, ys, torch.nn.BCEWithLogitsLoss(), lambda m: train_classifier(m, Xs, ys, lr=0.1, num_epochs=3)) and charged.get('q4'):
            if classifier_trains_on(train_classifier, X, y):
                same = same_at_scale(yours, reference, small, case(*points(*make_blobs(n_samples=200, centers=[[-1.5, -0.5], [1.5, 0.5]], cluster_std=0.8, random_state=5151)), 0.1, 100, line, 5), tol=0.001)
                twin_losses = train_classifier(twin, X, y, lr=0.1, num_epochs=100)
                model_found = still_charged(model_found, model_checks(twin)) if same[0] else model_found
                loss_found = still_charged(loss_found, loss_checks(twin_losses)) if same[1] else loss_found
    check_thresholds(model_found + loss_found)

@test_case(points=0.5, hidden=True)
def test_q5_train_accuracy(blob_model, blob_acc, X_blobs_np, y_blobs_np, X_blobs, y_blobs, predict, accuracy, charged):
    import torch
    from student_utils.testing import accuracy_right
    X = torch.tensor(X_blobs_np, dtype=torch.float32)
    y = torch.tensor(y_blobs_np, dtype=torch.float32).reshape(-1, 1)
    with torch.no_grad():
        want = ((blob_model(X) > 0).float() == y).float().mean().item()
    if abs(float(blob_acc) - want) < 1e-06:
        return
    known = abs(float(accuracy(torch.tensor([1.0, 0.0, 1.0, 1.0]), torch.tensor([1.0, 0.0, 0.0, 1.0]))) - 0.75) < 1e-06
    known = known and accuracy_right(accuracy, (len(X_blobs_np),))
    yours = accuracy(predict(blob_model, X_blobs), y_blobs)
    assert known and charged.get('q3') and (abs(float(blob_acc) - float(yours)) < 1e-06), f"blob_model's training accuracy is {want:.4f}, blob_acc is {blob_acc}"

