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

