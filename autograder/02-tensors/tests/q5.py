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

@test_case(points=0.75, hidden=True)
def test_q5_split(split_features_target):
    import numpy as np
    import torch
    gen = torch.Generator().manual_seed(4)
    for n, d in ((5, 3), (1, 2), (8, 1)):
        data = torch.randn(n, d + 1, generator=gen)
        X, y = split_features_target(data)
        assert tuple(X.shape) == (n, d), f'X should be ({n}, {d}), got {tuple(X.shape)}'
        assert tuple(y.shape) == (n, 1), f'y should be ({n}, 1), not ({n},), got {tuple(y.shape)}'
        assert np.array_equal(X.numpy(), data.numpy()[:, :d]) and np.array_equal(y.numpy().ravel(), data.numpy()[:, d]), 'X should be every column but the last and y the last column'

@test_case(points=0.25, hidden=True)
def test_q5_table(X_table, y_table, table):
    import torch
    assert torch.equal(X_table, table[:, :3]) and torch.equal(y_table.flatten(), table[:, 3]), 'X_table, y_table should come from split_features_target(table)'

@test_case(points=1, hidden=True)
def test_q5_class_means(class_means):
    import numpy as np
    import torch
    gen = torch.Generator().manual_seed(5)
    for n, d, c in ((30, 4, 3), (12, 2, 5), (9, 6, 2)):
        X = torch.randn(n, d, generator=gen)
        y = torch.cat([torch.arange(c), torch.randint(0, c, (n - c,), generator=gen)])
        m = class_means(X, y, c)
        assert tuple(m.shape) == (c, d), f'class_means with {c} classes and d = {d} should be ({c}, {d}), got {tuple(m.shape)}'
        Xn, yn = (X.double().numpy(), y.numpy())
        for k in range(c):
            rows = [Xn[i] for i in range(n) if yn[i] == k]
            want = np.sum(rows, axis=0) / len(rows)
            assert np.allclose(m[k].double().numpy(), want, atol=1e-05), f'row {k} should be the mean of the class-{k} examples'

