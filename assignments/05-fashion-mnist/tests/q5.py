from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 4

@test_case(points=1, hidden=False, 
    success_message="model gives (N, 10) logits, criterion is cross-entropy, losses has one value per epoch and test_acc is a fraction.")
def test_q5_public(model, criterion, losses, test_acc, X_test, X_train, y_train, train_epoch):
    import torch
    from student_utils.testing import assert_trains, train_epoch_trains
    assert isinstance(model, torch.nn.Module), f'model should be the trained nn.Module, got {type(model).__name__}'
    dev = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        out = model(X_test[:5].to(dev))
    assert tuple(out.shape) == (5, 10), f'model should map a batch of shape (5, 1, 28, 28) to logits of shape (5, 10), got {tuple(out.shape)}'
    logits, labels = (torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0]]), torch.tensor([0, 1]))
    want = torch.nn.functional.cross_entropy(logits, labels).item()
    got = float(criterion(logits, labels))
    assert abs(got - want) < 1e-05, f'criterion should be nn.CrossEntropyLoss(): on a small example it gives {got:.4f} instead of {want:.4f}'
    assert isinstance(losses, list) and len(losses) == 3, f'losses should be a list with one mean loss per epoch (3), got {losses!r}'
    try:
        acc = float(test_acc)
    except (TypeError, ValueError, RuntimeError):
        acc = None
    assert acc is not None and 0 <= acc <= 1, f'test_acc should be a fraction in [0, 1], got {test_acc!r}'
    assert_trains('train_epoch', train_epoch_trains(train_epoch, X_train[:256], y_train[:256]))

