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

