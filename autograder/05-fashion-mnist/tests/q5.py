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

@test_case(points=2.5, hidden=True)
def test_q5_test_accuracy(model, X_unseen, y_unseen, X_train, y_train, pixel_mean, pixel_std, build_model, train_epoch, charged):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    import student_utils as su
    from student_utils.testing import behaves_as, built_by, check_threshold, leaderboard, same_at_scale, seeded, standard_layers, train_epoch_trains, train_epoch_trains_on
    layers = lambda: nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))

    def accuracy_on_unseen(net):
        try:
            net = behaves_as(net, layers(), X_train[:64])
        except AssertionError:
            assert standard_layers(net), 'model computes something else than build_model() is asked to, with a class of your own: it is measured on the kept-back images only when it computes those layers'
            assert charged.get('q2') and built_by(net, build_model, X_train[:64]), 'model should compute what build_model() is asked to, or be the model your build_model() builds'
        net.eval()
        with torch.no_grad():
            return (net(X_unseen.to(next(net.parameters()).device)).argmax(dim=1).cpu() == y_unseen).double().mean().item()

    def same_epoch_at_scale():

        def case(X, y, batch_size, net, make_optimizer, seed):

            def make():
                with seeded(seed):
                    m = net()
                loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
                return (m, loader, make_optimizer(m))
            return make

        def yours(make):
            m, loader, optimizer = make()
            return (list(m.parameters()), [train_epoch(m, loader, nn.CrossEntropyLoss(), optimizer, torch.device('cpu'))])

        def reference(make):
            m, loader, optimizer = make()
            m.train()
            for X, y in loader:
                optimizer.zero_grad()
                nn.functional.cross_entropy(m(X), y).backward()
                optimizer.step()
            return (list(m.parameters()), [0.0])
        gen = torch.Generator().manual_seed(55)
        X_rand, y_rand = (torch.rand(200, 1, 28, 28, generator=gen), torch.randint(0, 10, (200,), generator=gen))
        small_net = lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10))
        adam = lambda m: torch.optim.Adam(m.parameters(), lr=0.001)
        small = [case(X_rand, y_rand, 50, small_net, lambda m: torch.optim.SGD(m.parameters(), lr=0.5), 1), case(X_train[:256], y_train[:256], 64, layers, adam, 2), case(X_train[:2048], y_train[:2048], 64, layers, adam, 3)]
        mirrored = X_train.flip(-1)
        weights, _ = same_at_scale(yours, reference, small, case(mirrored, y_train, 128, layers, adam, 4), tol=0.001)
        return weights
    acc = accuracy_on_unseen(model)
    if acc <= 0.93:
        leaderboard('accuracy on the 2,000 kept-back test images', acc)
    if acc <= 0.8:
        trains = train_epoch_trains(train_epoch, X_train[:256], y_train[:256])
        trains = trains and train_epoch_trains_on(train_epoch, X_train, y_train)
        if trains and (charged.get('q2') or charged.get('q3')) and same_epoch_at_scale():
            twin = build_model()
            loader = DataLoader(TensorDataset(X_train, y_train), batch_size=128, shuffle=True, generator=torch.Generator().manual_seed(5))
            optimizer = torch.optim.Adam(twin.parameters(), lr=0.001)
            for _ in range(3):
                train_epoch(twin, loader, nn.CrossEntropyLoss(), optimizer, torch.device('cpu'))
            if accuracy_on_unseen(twin) <= 0.8:
                return
    check_threshold('q5 accuracy of model on the 2,000 test images kept back', acc, 0.8)

@test_case(points=0.5, hidden=True)
def test_q5_test_acc(model, test_acc, X_test, y_test, X_train, pixel_mean, pixel_std, evaluate, build_model, charged):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    import student_utils as su
    from student_utils.testing import behaves_as, built_by
    try:
        net = behaves_as(model, nn.Sequential(su.Standardize(pixel_mean, pixel_std), nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10)), X_train[:64])
    except AssertionError:
        assert charged.get('q2') and built_by(model, build_model, X_train[:64]), 'model should compute what build_model() is asked to, or be the model your build_model() builds'
        net = model
    dev = next(net.parameters()).device
    net.eval()
    with torch.no_grad():
        want = (net(X_test.to(dev)).argmax(dim=1).cpu() == y_test).double().mean().item()
    if abs(float(test_acc) - want) < 1e-06:
        return
    known_X = torch.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 5.0, 0.0], [1.0, 0.0, 0.0]])
    known = DataLoader(TensorDataset(known_X, torch.tensor([1, 0, 0, 0, 0])), batch_size=5)
    right = abs(float(evaluate(nn.Identity(), known, torch.device('cpu'))) - 0.6) < 1e-06
    yours = evaluate(model, DataLoader(TensorDataset(X_test, y_test), batch_size=1000), dev)
    assert right and charged.get('q4') and (abs(float(test_acc) - float(yours)) < 1e-06), f"model's test accuracy is {want:.4f}, test_acc is {test_acc}"

