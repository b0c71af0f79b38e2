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
    from student_utils.testing import check_thresholds, failing, flat_mse, linear_layers, lowers_loss, still_charged, tiny_regression, trains_on, uses_its_parameters

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
        plain, wd = (LinearRegressor(25, 1), LinearRegressor(25, 1))
        if trains and uses_its_parameters(plain, X_tr[:8]) and any((charged.get(q) for q in ('q1', 'q2', 'q6'))):
            loader = lambda: DataLoader(TensorDataset(X_tr, y_tr), batch_size=10, shuffle=True, generator=torch.Generator().manual_seed(7))
            valid_loader = DataLoader(TensorDataset(X_va, y_va), batch_size=100)
            _, h_plain = train_and_validate(plain, nn.MSELoss(), torch.optim.SGD(plain.parameters(), lr=0.1), loader(), valid_loader, 150)
            _, h_wd = train_and_validate(wd, nn.MSELoss(), torch.optim.SGD(wd.parameters(), lr=0.1, weight_decay=0.2), loader(), valid_loader, 150)
            model_found = still_charged(model_found, model_bars(plain, wd))
            history_found = still_charged(history_found, history_bars(plain, wd, {'valid': h_plain}, {'valid': h_wd}))
    check_thresholds(model_found + history_found)

