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

