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
    from student_utils.testing import check_threshold
    check_threshold('q7 model_plain training MSE / validation MSE (overfitting)', train_plain / valid_plain, 0.3, above=False)
    check_threshold('q7 model_plain last validation loss / its minimum', hist_plain['valid'][-1] / min(hist_plain['valid']), 1.25)
    check_threshold('q7 model_wd validation MSE / model_plain validation MSE', valid_wd / valid_plain, 0.85, above=False)
    norm = lambda m: torch.cat([p.detach().cpu().flatten() for p in m.parameters()]).norm().item()
    check_threshold('q7 model_wd weight norm / model_plain weight norm', norm(model_wd) / norm(model_plain), 1.0, above=False)

