from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 4

@test_case(points=1, hidden=False, 
    success_message="model gives (N, 10) logits, criterion is cross-entropy, losses has one value per epoch and test_acc is a fraction.")
def test_q5_public(model, criterion, losses, test_acc, X_test):
    import torch
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
    assert isinstance(test_acc, float) and 0 <= test_acc <= 1, f'test_acc should be a fraction in [0, 1], got {test_acc!r}'

@test_case(points=2.5, hidden=True)
def test_q5_test_accuracy(model, X_test, y_test, X_train, y_train, build_model, train_epoch):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_threshold, standard_layers_only
    assert standard_layers_only(model), 'model should be the nn.Sequential that build_model() returns: the autograder runs it itself on the 10,000 test images'

    def test_accuracy(net):
        dev = next(net.parameters()).device
        net.eval()
        correct = 0
        with torch.no_grad():
            for start in range(0, len(y_test), 1000):
                logits = net(X_test[start:start + 1000].to(dev))
                assert tuple(logits.shape) == (len(y_test[start:start + 1000]), 10), f'logits should have shape (N, 10), got {tuple(logits.shape)}'
                correct += (logits.argmax(dim=1).cpu() == y_test[start:start + 1000]).sum().item()
        return correct / len(y_test)
    acc = test_accuracy(model)
    if acc <= 0.8:
        twin = build_model()
        loader = DataLoader(TensorDataset(X_train, y_train), batch_size=128, shuffle=True, generator=torch.Generator().manual_seed(5))
        optimizer = torch.optim.Adam(twin.parameters(), lr=0.001)
        for _ in range(3):
            train_epoch(twin, loader, nn.CrossEntropyLoss(), optimizer, torch.device('cpu'))
        if test_accuracy(twin) <= 0.8:
            return
    check_threshold('q5 test-split accuracy of model', acc, 0.8)

@test_case(points=0.5, hidden=True)
def test_q5_test_acc(model, test_acc, X_test, y_test, evaluate):
    import torch
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import standard_layers_only
    assert standard_layers_only(model), 'model should be the nn.Sequential that build_model() returns'
    dev = next(model.parameters()).device
    model.eval()
    with torch.no_grad():
        want = (model(X_test.to(dev)).argmax(dim=1).cpu() == y_test).double().mean().item()
    if abs(float(test_acc) - want) < 1e-06:
        return
    yours = evaluate(model, DataLoader(TensorDataset(X_test, y_test), batch_size=1000), dev)
    assert abs(float(test_acc) - float(yours)) < 1e-06, f"model's test accuracy is {want:.4f}, test_acc is {test_acc}"

