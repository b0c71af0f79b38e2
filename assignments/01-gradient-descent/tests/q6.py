from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0.5, hidden=False)
def test_q6_public(w_sklearn, b_sklearn, w_torch, b_torch):
    for name, v in (('w_sklearn', w_sklearn), ('b_sklearn', b_sklearn), ('w_torch', w_torch), ('b_torch', b_torch)):
        assert isinstance(v, float), f'{name} should be a float, got {type(v).__name__}'

