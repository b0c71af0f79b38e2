from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=1, hidden=False)
def test_q3_public(reg_losses, w_torch, b_torch, w_sklearn, b_sklearn):
    import numpy as np
    assert isinstance(reg_losses, list), f'reg_losses should be the list of epoch losses from trainer, got {type(reg_losses).__name__}'
    assert len(reg_losses) == 50, f'50 epochs should give 50 losses in reg_losses, got {len(reg_losses)}'
    for name, w in (('w_torch', w_torch), ('w_sklearn', w_sklearn)):
        assert isinstance(w, np.ndarray), f'{name} should be a NumPy array, got {type(w).__name__}'
        assert w.shape == (3,), f'{name} should have shape (3,), got {w.shape} (flatten it)'
    for name, b in (('b_torch', b_torch), ('b_sklearn', b_sklearn)):
        assert isinstance(b, float), f'{name} should be a float, got {type(b).__name__}'

@test_case(points=2, hidden=True)
def test_q3_against_least_squares(reg_model, reg_losses, w_torch, b_torch, w_sklearn, b_sklearn, X_reg, y_reg):
    import numpy as np
    import torch
    A = torch.cat([X_reg, torch.ones(len(X_reg), 1)], dim=1).double()
    sol = torch.linalg.lstsq(A, y_reg.double()[:, None]).solution.flatten()
    w_ls, b_ls = (sol[:3].numpy(), sol[3].item())
    ls_mse = ((A @ sol - y_reg.double()) ** 2).mean().item()
    assert np.allclose(w_sklearn, w_ls, atol=0.001) and abs(b_sklearn - b_ls) < 0.001, f'LinearRegression on X_reg, y_reg gives w = {np.round(w_ls, 3)}, b = {b_ls:.3f}'
    from student_utils.testing import check_threshold
    gap = max(np.abs(np.asarray(w_torch) - w_ls).max(), abs(b_torch - b_ls))
    check_threshold("q3 distance of PyTorch's (w, b) from least squares", gap, 0.75, above=False)
    lin = [m for m in reg_model.modules() if isinstance(m, torch.nn.Linear)][0]
    W = lin.weight.detach().cpu().double().flatten().numpy()
    assert np.allclose(W, w_torch, atol=1e-05), "w_torch should be reg_model's trained weights"
    with torch.no_grad():
        mse = ((reg_model(X_reg.to(lin.weight.device)).flatten().cpu() - y_reg) ** 2).mean().item()
    check_threshold('q3 reg_model MSE / least-squares MSE', mse / ls_mse, 1.05, above=False)
    check_threshold('q3 last epoch loss / first epoch loss', reg_losses[-1] / reg_losses[0], 0.2, above=False)
    check_threshold('q3 last epoch loss / least-squares MSE', reg_losses[-1] / ls_mse, 1.2, above=False)

