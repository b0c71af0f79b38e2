from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="the four numbers are floats, and scikit-learn's line is near the one the data was drawn from.")
def test_q6_public(w_sklearn, b_sklearn, w_torch, b_torch):
    for name, v in (('w_sklearn', w_sklearn), ('b_sklearn', b_sklearn), ('w_torch', w_torch), ('b_torch', b_torch)):
        assert isinstance(v, float), f'{name} should be a float, got {type(v).__name__}'
    assert abs(w_sklearn - 1.5) < 0.3 and abs(b_sklearn + 0.5) < 0.3, f"the data was drawn around y = 1.5 x - 0.5, so scikit-learn's fit should be close to it; got w = {w_sklearn:.3f}, b = {b_sklearn:.3f}"

@test_case(points=0, hidden=False, 
    success_message="PyTorch and scikit-learn agree to three decimals (a check for you; it counts no points).")
def test_q6_agreement_public(w_sklearn, b_sklearn, w_torch, b_torch):
    assert abs(w_torch - w_sklearn) < 0.001 and abs(b_torch - b_sklearn) < 0.001, f'after 500 epochs PyTorch and scikit-learn should agree to three decimals: w {w_torch:.4f} vs {w_sklearn:.4f}, b {b_torch:.4f} vs {b_sklearn:.4f} (this check counts no points)'

@test_case(points=0.5, hidden=True)
def test_q6_sklearn(w_sklearn, b_sklearn, X, y):
    import torch
    A = torch.cat([X, torch.ones_like(X)], dim=1).double()
    w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.flatten().tolist()
    assert abs(w_sklearn - w_ls) < 0.0001 and abs(b_sklearn - b_ls) < 0.0001, f'LinearRegression on X, y gives w = {w_ls:.4f}, b = {b_ls:.4f}; got {w_sklearn:.4f}, {b_sklearn:.4f}'

@test_case(points=1, hidden=True)
def test_q6_torch(w_torch, b_torch, X, y, fit_linear_sgd, charged):
    import torch
    from student_utils.testing import check_threshold, linear_layers
    A = torch.cat([X, torch.ones_like(X)], dim=1).double()
    w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.flatten().tolist()
    gap = max(abs(w_torch - w_ls), abs(b_torch - b_ls))
    if gap >= 0.001 and charged.get('q5'):
        model, _ = fit_linear_sgd(X, y, 0.1, 500)
        layer, = linear_layers(model)
        with torch.no_grad():
            trains = ((layer(X) - y) ** 2).mean().item() < (y ** 2).mean().item()
        w, b = (layer.weight.item(), layer.bias.item())
        if trains and abs(w - w_torch) < 1e-06 and (abs(b - b_torch) < 1e-06):
            return
    check_threshold("q6 distance of SGD's (w, b) from the least-squares fit", gap, 0.001, above=False)

