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

