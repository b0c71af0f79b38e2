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

