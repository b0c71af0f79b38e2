from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="split_features_target gives X of shape (N, d) and y of shape (N, 1).")
def test_q5_split_public(split_features_target, X_table, y_table):
    import torch
    X, y = split_features_target(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    assert X.tolist() == [[1.0, 2.0], [4.0, 5.0]], f'X should be every column but the last, [[1, 2], [4, 5]], got {X.tolist()}'
    assert tuple(y.shape) == (2, 1), f'y should keep its column: shape (2, 1), not (2,); got {tuple(y.shape)}'
    assert y.flatten().tolist() == [3.0, 6.0], f'y should be the last column, [3, 6], got {y.flatten().tolist()}'
    for name, t, want in (('X_table', X_table, (6, 3)), ('y_table', y_table, (6, 1))):
        assert isinstance(t, torch.Tensor), f'{name} should be a tensor, got {type(t).__name__}'
        assert tuple(t.shape) == want, f'{name} should have shape {want}, got {tuple(t.shape)}'

@test_case(points=0.5, hidden=False, 
    success_message="class_means works on a small example.")
def test_q5_class_means_public(class_means):
    import torch
    X = torch.tensor([[0.0, 2.0], [4.0, 6.0], [1.0, 1.0]])
    m = class_means(X, torch.tensor([0, 0, 1]), 2)
    assert isinstance(m, torch.Tensor), f'class_means should return a tensor, got {type(m).__name__}'
    assert tuple(m.shape) == (2, 2), f'class_means with 2 classes and d = 2 should have shape (2, 2), got {tuple(m.shape)}'
    assert m.tolist() == [[2.0, 4.0], [1.0, 1.0]], f'class 0 is rows 0 and 1 (mean [2, 4]), class 1 is row 2 ([1, 1]); got {m.tolist()}'

