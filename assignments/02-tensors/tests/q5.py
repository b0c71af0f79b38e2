from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=1, hidden=False, 
    success_message="X_table is (6, 3), y_table is (6, 1) and class_means works on a small example.")
def test_q5_public(split_features_target, class_means, X_table, y_table):
    import torch
    for name, t, want in (('X_table', X_table, (6, 3)), ('y_table', y_table, (6, 1))):
        assert isinstance(t, torch.Tensor), f'{name} should be a tensor, got {type(t).__name__}'
        assert tuple(t.shape) == want, f'{name} should have shape {want}, got {tuple(t.shape)}'
    X = torch.tensor([[0.0, 2.0], [4.0, 6.0], [1.0, 1.0]])
    m = class_means(X, torch.tensor([0, 0, 1]), 2)
    assert isinstance(m, torch.Tensor), f'class_means should return a tensor, got {type(m).__name__}'
    assert tuple(m.shape) == (2, 2), f'class_means with 2 classes and d = 2 should have shape (2, 2), got {tuple(m.shape)}'
    assert m.tolist() == [[2.0, 4.0], [1.0, 1.0]], f'class_means should be [[2, 4], [1, 1]], got {m.tolist()}'

