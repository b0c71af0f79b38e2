from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0.5, hidden=False)
def test_q6_public(w_sklearn, b_sklearn, w_torch, b_torch):
    for name, v in (('w_sklearn', w_sklearn), ('b_sklearn', b_sklearn), ('w_torch', w_torch), ('b_torch', b_torch)):
        assert isinstance(v, float), f'{name} should be a float, got {type(v).__name__}'

@test_case(points=1.5, hidden=True)
def test_q6_closed_form(w_sklearn, b_sklearn, w_torch, b_torch, X, y):
    import torch
    A = torch.cat([X, torch.ones_like(X)], dim=1).double()
    w_ls, b_ls = torch.linalg.lstsq(A, y.double()).solution.flatten().tolist()
    assert abs(w_sklearn - w_ls) < 0.0001 and abs(b_sklearn - b_ls) < 0.0001, f'LinearRegression on X, y gives w = {w_ls:.4f}, b = {b_ls:.4f}; got {w_sklearn:.4f}, {b_sklearn:.4f}'
    from student_utils.testing import check_threshold
    gap = max(abs(w_torch - w_ls), abs(b_torch - b_ls))
    check_threshold("q6 distance of SGD's (w, b) from the least-squares fit", gap, 0.001, above=False)

