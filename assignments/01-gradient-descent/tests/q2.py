from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 2

@test_case(points=0, hidden=False, 
    success_message="diverging_lrs is a list of rates from candidate_lrs (a check of its form, for you; it counts no points).")
def test_q2_public(diverging_lrs, candidate_lrs, gradient_descent):
    assert isinstance(diverging_lrs, (list, tuple, set)), f'diverging_lrs should be a list of learning rates, got {type(diverging_lrs).__name__}'
    strangers = [lr for lr in diverging_lrs if lr not in candidate_lrs]
    assert not strangers, f'these are not in candidate_lrs: {strangers}'
    if abs(gradient_descent(1.0, 0.1, 50)[-1]) < 1.0:
        assert 0.1 not in diverging_lrs, 'with lr = 0.1 each step multiplies x by 0.8: |x_k| shrinks, so 0.1 does not diverge'

