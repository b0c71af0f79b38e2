from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 3

@test_case(points=0.5, hidden=False)
def test_q7_public(hist_plain, hist_wd):
    for name, hist in (('hist_plain', hist_plain), ('hist_wd', hist_wd)):
        assert isinstance(hist, dict), f"{name} should be a dict with keys 'train' and 'valid', got {type(hist).__name__}"
        assert set(hist) == {'train', 'valid'}, f"{name} should have the keys 'train' and 'valid', got {sorted(hist)}"
        for key in ('train', 'valid'):
            assert len(hist[key]) == 150, f"{name}['{key}'] should have 150 losses (one per epoch), got {len(hist[key])}"

@test_case(points=2.5, hidden=True)
def test_q7_overfitting_and_decay(model_plain, model_wd, hist_plain, hist_wd, X_tr, y_tr, X_va, y_va, train_and_validate, LinearRegressor):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_thresholds, failing, linear_layers

    def mse(model, X, y):
        layers = linear_layers(model)
        assert len(layers) == 1, 'model_plain and model_wd should be LinearRegressor(25, 1): the autograder computes their predictions from their one nn.Linear'
        linear = layers[0]
        with torch.no_grad():
            return (linear(X.to(linear.weight.device)).flatten().cpu() - y).pow(2).mean().item()

    def bars(plain, wd, h_plain, h_wd):
        norm = lambda m: torch.cat([p.detach().cpu().flatten() for p in m.parameters()]).norm().item()
        train_plain, valid_plain, valid_wd = (mse(plain, X_tr, y_tr), mse(plain, X_va, y_va), mse(wd, X_va, y_va))
        return [("q7 hist_plain['valid'][-1] off model_plain's validation loss, relative", abs(h_plain['valid'][-1] - valid_plain) / max(1.0, valid_plain), 0.001, False), ("q7 hist_wd['valid'][-1] off model_wd's validation loss, relative", abs(h_wd['valid'][-1] - valid_wd) / max(1.0, valid_wd), 0.001, False), ('q7 model_plain training MSE / validation MSE (overfitting)', train_plain / valid_plain, 0.3, False), ('q7 model_plain last validation loss / its minimum', h_plain['valid'][-1] / min(h_plain['valid']), 1.25, True), ('q7 model_wd validation MSE / model_plain validation MSE', valid_wd / valid_plain, 0.85, False), ('q7 model_wd weight norm / model_plain weight norm', norm(wd) / norm(plain), 1.0, False)]
    for name, model in (('model_plain', model_plain), ('model_wd', model_wd)):
        assert sum((p.numel() for p in model.parameters())) == 26, f'{name} should be LinearRegressor(25, 1): 26 parameters'
    checks = bars(model_plain, model_wd, hist_plain, hist_wd)
    if failing(checks):
        loader = lambda: DataLoader(TensorDataset(X_tr, y_tr), batch_size=10, shuffle=True, generator=torch.Generator().manual_seed(7))
        valid_loader = DataLoader(TensorDataset(X_va, y_va), batch_size=100)
        plain, wd = (LinearRegressor(25, 1), LinearRegressor(25, 1))
        h_plain = train_and_validate(plain, nn.MSELoss(), torch.optim.SGD(plain.parameters(), lr=0.1), loader(), valid_loader, 150)
        h_wd = train_and_validate(wd, nn.MSELoss(), torch.optim.SGD(wd.parameters(), lr=0.1, weight_decay=0.2), loader(), valid_loader, 150)
        if failing(bars(plain, wd, {'valid': h_plain[1]}, {'valid': h_wd[1]})):
            return
    check_thresholds(checks)

