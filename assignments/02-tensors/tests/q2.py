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

