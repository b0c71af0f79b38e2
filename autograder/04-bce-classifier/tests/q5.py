from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="blob_model is a Linear(2, 1) that outputs one logit per point.")
def test_q5_public(blob_model, blob_losses, blob_acc, X_blobs):
    import torch
    n_params = sum((p.numel() for p in blob_model.parameters()))
    assert n_params == 3, f'nn.Linear(2, 1) has 3 parameters (2 weights and a bias), blob_model has {n_params}'
    with torch.no_grad():
        out = blob_model(X_blobs)
    assert tuple(out.shape) == (200, 1), f'blob_model on 200 points should output shape (200, 1), got {tuple(out.shape)}'
    assert len(blob_losses) == 100, f'100 epochs should give 100 losses, got {len(blob_losses)}'
    assert isinstance(blob_acc, float) and 0.0 <= blob_acc <= 1.0, f'blob_acc should be a float fraction in [0, 1], got {blob_acc!r}'

@test_case(points=1, hidden=True)
def test_q5_outputs_logits(blob_model, blob_losses, X_blobs):
    from student_utils.testing import check_threshold
    import torch
    sigmoids = [m for m in blob_model.modules() if isinstance(m, torch.nn.Sigmoid)]
    assert not sigmoids, 'blob_model should output logits: remove the nn.Sigmoid (BCEWithLogitsLoss applies it)'
    assert sum((p.numel() for p in blob_model.parameters())) == 3, 'blob_model should be nn.Linear(2, 1)'
    with torch.no_grad():
        z = blob_model(X_blobs)
    assert (z < 0).any() and (z > 1).any(), f"a trained classifier's logits should be negative for class-0 points and above 1 for confident class-1 points; got outputs in [{z.min().item():.3f}, {z.max().item():.3f}]"
    check_threshold('q5 final loss / first loss', blob_losses[-1] / blob_losses[0], 0.5, above=False)

@test_case(points=1, hidden=True)
def test_q5_fresh_points(blob_model):
    from student_utils.testing import check_threshold
    import torch
    from sklearn.datasets import make_blobs
    Xn, yn = make_blobs(n_samples=1000, centers=[[-1.5, -0.5], [1.5, 0.5]], cluster_std=0.8, random_state=987)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    with torch.no_grad():
        acc = ((blob_model(X) > 0).float() == y).float().mean().item()
    check_threshold('q5 accuracy of blob_model on 1000 fresh blob points', acc, 0.9)

@test_case(points=0.5, hidden=True)
def test_q5_train_accuracy(blob_model, blob_acc, X_blobs, y_blobs):
    import torch
    with torch.no_grad():
        want = ((blob_model(X_blobs) > 0).float() == y_blobs).float().mean().item()
    assert abs(float(blob_acc) - want) < 1e-06, f"blob_model's training accuracy is {want:.4f}, blob_acc is {blob_acc}"

