from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="to_column and to_row give (4, 1) and (1, 4) for a vector of length 4.")
def test_q2_column_row_public(to_column, to_row):
    import torch
    v = torch.arange(4.0)
    for name, fn, want in (('to_column', to_column, (4, 1)), ('to_row', to_row, (1, 4))):
        out = fn(v)
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, got {type(out).__name__}'
        assert tuple(out.shape) == want, f'{name}(v) for v of shape (4,) should have shape {want}, got {tuple(out.shape)}'
        assert out.flatten().tolist() == [0.0, 1.0, 2.0, 3.0], f'{name} should keep the values in order'

@test_case(points=0.5, hidden=False, 
    success_message="flatten_batch keeps the batch dimension, also for a batch of one.")
def test_q2_flatten_public(flatten_batch):
    import torch
    for shape, want in (((2, 3, 4), (2, 12)), ((1, 1, 2, 2), (1, 4))):
        out = flatten_batch(torch.zeros(*shape))
        assert isinstance(out, torch.Tensor), f'flatten_batch should return a tensor, got {type(out).__name__}'
        assert tuple(out.shape) == want, f'flatten_batch on shape {shape} should give {want}, got {tuple(out.shape)}'

@test_case(points=0.5, hidden=True)
def test_q2_to_column(to_column):
    import torch
    gen = torch.Generator().manual_seed(1)
    for n in (1, 3, 10):
        v = torch.randn(n, generator=gen)
        col = to_column(v)
        assert tuple(col.shape) == (n, 1), f'to_column on shape ({n},) should give ({n}, 1), got {tuple(col.shape)}'
        assert torch.equal(col[:, 0], v), 'to_column changed the values or their order'

@test_case(points=0.5, hidden=True)
def test_q2_to_row(to_row):
    import torch
    gen = torch.Generator().manual_seed(2)
    for n in (1, 3, 10):
        v = torch.randn(n, generator=gen)
        row = to_row(v)
        assert tuple(row.shape) == (1, n), f'to_row on shape ({n},) should give (1, {n}), got {tuple(row.shape)}'
        assert torch.equal(row[0], v), 'to_row changed the values or their order'

@test_case(points=0.5, hidden=True)
def test_q2_flatten_batch(flatten_batch):
    import torch
    gen = torch.Generator().manual_seed(3)
    for shape in ((1, 1, 28, 28), (5, 3, 4, 2), (4, 6), (3, 2, 5), (6, 1)):
        X = torch.randn(*shape, generator=gen)
        out = flatten_batch(X)
        n, d = (shape[0], X.numel() // shape[0])
        assert tuple(out.shape) == (n, d), f'flatten_batch on {shape} should give ({n}, {d}), got {tuple(out.shape)}'
        for i in range(n):
            assert torch.equal(out[i], X[i].reshape(-1)), f"row {i} of flatten_batch should hold example {i}'s values"

@test_case(points=0.5, hidden=True)
def test_q2_flat_images(flat_images, images):
    import torch
    assert isinstance(flat_images, torch.Tensor) and torch.equal(flat_images, images.reshape(8, -1)), 'flat_images should be images flattened per example, of shape (8, 784)'

