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

