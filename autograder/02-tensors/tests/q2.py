from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=1, hidden=False, 
    success_message="to_column, to_row and flatten_batch give the right shapes.")
def test_q2_public(to_column, to_row, flatten_batch, flat_images):
    import torch
    v = torch.arange(4.0)
    for name, fn, want in (('to_column', to_column, (4, 1)), ('to_row', to_row, (1, 4))):
        out = fn(v)
        assert isinstance(out, torch.Tensor), f'{name} should return a tensor, got {type(out).__name__}'
        assert tuple(out.shape) == want, f'{name}(v) for v of shape (4,) should have shape {want}, got {tuple(out.shape)}'
    out = flatten_batch(torch.zeros(2, 3, 4))
    assert isinstance(out, torch.Tensor), f'flatten_batch should return a tensor, got {type(out).__name__}'
    assert tuple(out.shape) == (2, 12), f'flatten_batch on shape (2, 3, 4) should give (2, 12), got {tuple(out.shape)}'
    assert isinstance(flat_images, torch.Tensor) and tuple(flat_images.shape) == (8, 784), f"flat_images should have shape (8, 784), got {getattr(flat_images, 'shape', type(flat_images).__name__)}"

@test_case(points=2, hidden=True)
def test_q2_shapes(to_column, to_row, flatten_batch, flat_images, images):
    import torch
    gen = torch.Generator().manual_seed(1)
    for n in (1, 3, 10):
        v = torch.randn(n, generator=gen)
        col, row = (to_column(v), to_row(v))
        assert tuple(col.shape) == (n, 1), f'to_column on shape ({n},) should give ({n}, 1), got {tuple(col.shape)}'
        assert tuple(row.shape) == (1, n), f'to_row on shape ({n},) should give (1, {n}), got {tuple(row.shape)}'
        assert torch.equal(col[:, 0], v) and torch.equal(row[0], v), 'to_column / to_row changed the values or their order'
    for shape in ((1, 1, 28, 28), (5, 3, 4, 2), (4, 6), (3, 2, 5), (6, 1)):
        X = torch.randn(*shape, generator=gen)
        out = flatten_batch(X)
        n, d = (shape[0], X.numel() // shape[0])
        assert tuple(out.shape) == (n, d), f'flatten_batch on {shape} should give ({n}, {d}), got {tuple(out.shape)}'
        for i in range(n):
            assert torch.equal(out[i], X[i].reshape(-1)), f"row {i} of flatten_batch should hold example {i}'s values"
    assert torch.equal(flat_images, images.reshape(8, -1)), 'flat_images should be images flattened per example'

