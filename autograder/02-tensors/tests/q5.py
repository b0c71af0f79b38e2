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

@test_case(points=2, hidden=True)
def test_q5_indexing(split_features_target, class_means, X_table, y_table, table):
    import numpy as np
    import torch
    gen = torch.Generator().manual_seed(4)
    for n, d in ((5, 3), (1, 2), (8, 1)):
        data = torch.randn(n, d + 1, generator=gen)
        X, y = split_features_target(data)
        assert tuple(X.shape) == (n, d), f'X should be ({n}, {d}), got {tuple(X.shape)}'
        assert tuple(y.shape) == (n, 1), f'y should be ({n}, 1), not ({n},), got {tuple(y.shape)}'
        assert np.array_equal(X.numpy(), data.numpy()[:, :d]) and np.array_equal(y.numpy().ravel(), data.numpy()[:, d]), 'X should be every column but the last and y the last column'
    assert torch.equal(X_table, table[:, :3]) and torch.equal(y_table.flatten(), table[:, 3]), 'X_table, y_table should come from split_features_target(table)'
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

