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
def test_q7_overfitting_and_decay(model_plain, model_wd, hist_plain, hist_wd, X_tr, y_tr, X_va, y_va):
    import torch

    def mse(model, X, y):
        device = next(model.parameters()).device
        with torch.no_grad():
            return (model(X.to(device)).flatten().cpu() - y).pow(2).mean().item()
    for name, model in (('model_plain', model_plain), ('model_wd', model_wd)):
        assert sum((p.numel() for p in model.parameters())) == 26, f'{name} should be LinearRegressor(25, 1): 26 parameters'
    train_plain, valid_plain = (mse(model_plain, X_tr, y_tr), mse(model_plain, X_va, y_va))
    valid_wd = mse(model_wd, X_va, y_va)
    assert abs(hist_plain['valid'][-1] - valid_plain) < 0.001 * max(1.0, valid_plain), "hist_plain['valid'][-1] should be model_plain's validation loss after the last epoch"
    assert abs(hist_wd['valid'][-1] - valid_wd) < 0.001 * max(1.0, valid_wd), "hist_wd['valid'][-1] should be model_wd's validation loss after the last epoch"
    assert train_plain < 0.3 * valid_plain, f'model_plain should overfit: training MSE {train_plain:.3f} against validation MSE {valid_plain:.3f}'
    assert hist_plain['valid'][-1] > 1.25 * min(hist_plain['valid']), "model_plain's validation loss should rise again"
    assert valid_wd < 0.85 * valid_plain, f'weight_decay=0.2 should lower the validation MSE well below {valid_plain:.3f}; model_wd has {valid_wd:.3f}'
    norm = lambda m: torch.cat([p.detach().cpu().flatten() for p in m.parameters()]).norm().item()
    assert norm(model_wd) < norm(model_plain), 'weight decay should leave smaller weights in model_wd than in model_plain'

