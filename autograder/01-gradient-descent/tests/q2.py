from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0.5, hidden=False)
def test_q2_public(diverging_lrs, candidate_lrs):
    assert isinstance(diverging_lrs, (list, tuple, set)), f'diverging_lrs should be a list of learning rates, got {type(diverging_lrs).__name__}'
    strangers = [lr for lr in diverging_lrs if lr not in candidate_lrs]
    assert not strangers, f'these are not in candidate_lrs: {strangers}'

@test_case(points=1.5, hidden=True)
def test_q2_diverging(diverging_lrs, candidate_lrs):
    want = {lr for lr in candidate_lrs if abs(1 - 2 * lr) > 1}
    assert set(diverging_lrs) == want, f'expected {sorted(want)}, got {sorted(diverging_lrs)}'

