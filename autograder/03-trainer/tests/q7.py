from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 3

@test_case(points=0.5, hidden=False)
def test_q7_public(hist_plain, hist_wd, trainer):
    import torch
    from torch import nn
    from student_utils.testing import assert_trains, tiny_regression, trainer_trains
    assert_trains('trainer', trainer_trains(trainer))
    model, X, y, loader = tiny_regression(1)
    per_epoch = len(trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), loader, 1))
    for name, hist in (('hist_plain', hist_plain), ('hist_wd', hist_wd)):
        assert isinstance(hist, dict), f"{name} should be a dict with keys 'train' and 'valid', got {type(hist).__name__}"
        assert set(hist) == {'train', 'valid'}, f"{name} should have the keys 'train' and 'valid', got {sorted(hist)}"
        assert len(hist['train']) in (150, 150 * per_epoch) and len(hist['valid']) == 150, f"{name}['train'] and {name}['valid'] should have 150 losses (one per epoch), got {len(hist['train'])} and {len(hist['valid'])}"

@test_case(points=2.5, hidden=True)
def test_q7_overfitting_and_decay(model_plain, model_wd, hist_plain, hist_wd, X_tr, y_tr, X_va, y_va, train_and_validate, LinearRegressor, trainer, charged):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_thresholds, failing, flat_mse, linear_layers, lowers_loss, same_at_scale, seeded, still_charged, tiny_regression, trains_on, uses_its_parameters

    def mse(model, X, y):
        layers = linear_layers(model)
        assert len(layers) == 1, 'model_plain and model_wd should be LinearRegressor(25, 1): the autograder computes their predictions from their one nn.Linear'
        linear = layers[0]
        with torch.no_grad():
            return (linear(X.to(linear.weight.device)).flatten().cpu() - y).pow(2).mean().item()

    def model_bars(plain, wd):
        norm = lambda m: torch.cat([p.detach().cpu().flatten() for p in m.parameters()]).norm().item()
        train_plain, valid_plain, valid_wd = (mse(plain, X_tr, y_tr), mse(plain, X_va, y_va), mse(wd, X_va, y_va))
        return [('q7 model_plain training MSE / validation MSE (overfitting)', train_plain / valid_plain, 0.3, False), ('q7 model_wd validation MSE / model_plain validation MSE', valid_wd / valid_plain, 0.85, False), ('q7 model_wd weight norm / model_plain weight norm', norm(wd) / norm(plain), 1.0, False)]

    def history_bars(plain, wd, h_plain, h_wd):
        valid_plain, valid_wd = (mse(plain, X_va, y_va), mse(wd, X_va, y_va))
        return [("q7 hist_plain['valid'][-1] off model_plain's validation loss, relative", abs(h_plain['valid'][-1] - valid_plain) / max(1.0, valid_plain), 0.001, False), ("q7 hist_wd['valid'][-1] off model_wd's validation loss, relative", abs(h_wd['valid'][-1] - valid_wd) / max(1.0, valid_wd), 0.001, False), ('q7 model_plain last validation loss / its minimum', h_plain['valid'][-1] / min(h_plain['valid']), 1.25, True)]

    def case(X, y, batch_size, epochs, net, make_optimizer, seed):

        def make():
            with seeded(seed):
                model = net()
            loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
            return (model, make_optimizer(model), loader, epochs)
        return make

    def reference(make):
        model, optimizer, loader, epochs = make()
        losses = []
        for _ in range(epochs):
            total = 0.0
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = nn.functional.mse_loss(model(xb).flatten(), yb)
                loss.backward()
                optimizer.step()
                total += loss.item()
            losses.append(total / len(loader))
        return (list(model.parameters()), losses)
    g = torch.Generator().manual_seed(30)
    Xa, Xb, Xc = (torch.randn(4, 1, generator=g), torch.randn(12, 2, generator=g), torch.randn(10, 3, generator=g))
    sgd = lambda lr, wd=0.0: lambda m: torch.optim.SGD(m.parameters(), lr=lr, weight_decay=wd)
    small = [case(Xa, 2 * Xa.flatten(), 2, 2, lambda: nn.Linear(1, 1), sgd(0.01), 1), case(Xb, Xb @ torch.tensor([1.5, -2.0]) + 0.5, 4, 3, lambda: nn.Linear(2, 1), sgd(0.1), 2), case(Xc, torch.sin(Xc.sum(1)), 4, 2, lambda: nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 1)), sgd(0.3), 3)]

    def yours(make):
        model, optimizer, loader, epochs = make()
        X, y = loader.dataset.tensors
        train, _ = train_and_validate(model, nn.MSELoss(), optimizer, loader, DataLoader(TensorDataset(X, y), batch_size=len(X)), epochs)
        return (list(model.parameters()), train)
    for name, model in (('model_plain', model_plain), ('model_wd', model_wd)):
        assert sum((p.numel() for p in model.parameters())) == 26, f'{name} should be LinearRegressor(25, 1): 26 parameters'
    model_found = model_bars(model_plain, model_wd)
    history_found = history_bars(model_plain, model_wd, hist_plain, hist_wd)
    if failing(model_found + history_found):
        probe, X, y, tiny = tiny_regression()
        trains = lowers_loss(probe, X, y, flat_mse, lambda m: trainer(m, nn.MSELoss(), torch.optim.SGD(m.parameters(), lr=0.05), tiny, 3))
        (a, *_), (b, *_) = (tiny_regression(5), tiny_regression(5))
        train_and_validate(a, nn.MSELoss(), torch.optim.SGD(a.parameters(), lr=0.05), tiny, tiny, 2)
        for _ in range(2):
            trainer(b, nn.MSELoss(), torch.optim.SGD(b.parameters(), lr=0.05), tiny, 1)
        trains = trains and all((torch.allclose(p, q, atol=1e-06) for p, q in zip(a.parameters(), b.parameters())))
        trains = trains and trains_on(trainer, X_tr, y_tr, 10)
        if trains:
            gj = torch.Generator().manual_seed(7070)
            Xj = torch.randn(30, 25, generator=gj)
            yj = Xj[:, :3] @ torch.tensor([2.0, -1.5, 1.0]) + torch.randn(30, generator=gj)
            same = [all(s) for s in zip(*(same_at_scale(yours, reference, small, case(Xj, yj, 10, 150, lambda: nn.Linear(25, 1), sgd(0.1, wd), 8), tol=0.001) for wd in (0.0, 0.2)))]
        plain, wd = (LinearRegressor(25, 1), LinearRegressor(25, 1))
        if trains and uses_its_parameters(plain, X_tr[:8]) and any((charged.get(q) for q in ('q1', 'q2', 'q6'))):
            loader = lambda: DataLoader(TensorDataset(X_tr, y_tr), batch_size=10, shuffle=True, generator=torch.Generator().manual_seed(7))
            valid_loader = DataLoader(TensorDataset(X_va, y_va), batch_size=100)
            _, h_plain = train_and_validate(plain, nn.MSELoss(), torch.optim.SGD(plain.parameters(), lr=0.1), loader(), valid_loader, 150)
            _, h_wd = train_and_validate(wd, nn.MSELoss(), torch.optim.SGD(wd.parameters(), lr=0.1, weight_decay=0.2), loader(), valid_loader, 150)
            model_found = still_charged(model_found, model_bars(plain, wd)) if same[0] else model_found
            history_found = still_charged(history_found, history_bars(plain, wd, {'valid': h_plain}, {'valid': h_wd})) if same[1] else history_found
    check_thresholds(model_found + history_found)

