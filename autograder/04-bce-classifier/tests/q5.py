from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="blob_model is a Linear(2, 1) that outputs one logit per point, with no sigmoid.")
def test_q5_public(blob_model, blob_losses, blob_acc):
    import torch
    sigmoids = [m for m in blob_model.modules() if isinstance(m, torch.nn.Sigmoid)]
    assert not sigmoids, 'blob_model should output logits: remove the nn.Sigmoid (BCEWithLogitsLoss applies it)'
    n_params = sum((p.numel() for p in blob_model.parameters()))
    assert n_params == 3, f'nn.Linear(2, 1) has 3 parameters (2 weights and a bias), blob_model has {n_params}'
    with torch.no_grad():
        out = blob_model(torch.zeros(5, 2))
    assert tuple(out.shape) == (5, 1), f'blob_model on 5 points should output shape (5, 1), got {tuple(out.shape)}'
    assert len(blob_losses) == 100, f'100 epochs should give 100 losses, got {len(blob_losses)}'
    assert isinstance(blob_acc, float) and 0.0 <= blob_acc <= 1.0, f'blob_acc should be a float fraction in [0, 1], got {blob_acc!r}'

@test_case(points=2, hidden=True)
def test_q5_trained(blob_model, blob_losses, X_blobs_np, y_blobs_np, train_classifier):
    import torch
    from sklearn.datasets import make_blobs
    from student_utils.testing import check_thresholds, failing, seeded
    X = torch.tensor(X_blobs_np, dtype=torch.float32)
    y = torch.tensor(y_blobs_np, dtype=torch.float32).reshape(-1, 1)
    Xn, yn = make_blobs(n_samples=1000, centers=[[-1.5, -0.5], [1.5, 0.5]], cluster_std=0.8, random_state=987)
    X_fresh, y_fresh = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))

    def checks(model, losses):
        with torch.no_grad():
            z = model(X)
            acc = ((model(X_fresh) > 0).float() == y_fresh).float().mean().item()
        return [('q5 share of blob points with a negative logit', (z < 0).float().mean().item(), 0.0, True), ('q5 share of blob points with a logit above 1', (z > 1).float().mean().item(), 0.0, True), ('q5 final loss / first loss', losses[-1] / losses[0], 0.5, False), ('q5 accuracy of blob_model on 1000 fresh blob points', acc, 0.9, True)]
    assert isinstance(blob_model, torch.nn.Linear) or sum((p.numel() for p in blob_model.parameters())) == 3, 'blob_model should be nn.Linear(2, 1)'
    found = checks(blob_model, blob_losses)
    if failing(found):
        with seeded(5):
            twin = torch.nn.Linear(2, 1)
        if failing(checks(twin, train_classifier(twin, X, y, lr=0.1, num_epochs=100))):
            return
    check_thresholds(found)

@test_case(points=0.5, hidden=True)
def test_q5_train_accuracy(blob_model, blob_acc, X_blobs_np, y_blobs_np, X_blobs, y_blobs, predict, accuracy):
    import torch
    X = torch.tensor(X_blobs_np, dtype=torch.float32)
    y = torch.tensor(y_blobs_np, dtype=torch.float32).reshape(-1, 1)
    with torch.no_grad():
        want = ((blob_model(X) > 0).float() == y).float().mean().item()
    if abs(float(blob_acc) - want) < 1e-06:
        return
    yours = accuracy(predict(blob_model, X_blobs), y_blobs)
    assert abs(float(blob_acc) - float(yours)) < 1e-06, f"blob_model's training accuracy is {want:.4f}, blob_acc is {blob_acc}"

