from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=1, hidden=False, 
    success_message="to_float32 gives float32 for ints and NumPy floats, to_numpy gives arrays, labels are int64.")
def test_q1_public(to_float32, to_numpy, labels):
    import numpy as np
    import torch
    for name, data in (('the list [[1, 2], [3, 4]]', [[1, 2], [3, 4]]), ('np.array([[0.5, 1.5], [2.5, 3.5]]) (float64)', np.array([[0.5, 1.5], [2.5, 3.5]]))):
        out = to_float32(data)
        assert isinstance(out, torch.Tensor), f'to_float32({name}) should return a tensor, got {type(out).__name__}'
        assert out.dtype == torch.float32, f'to_float32({name}) should have dtype torch.float32, got {out.dtype}'
        assert tuple(out.shape) == (2, 2), f'to_float32({name}) should have shape (2, 2), got {tuple(out.shape)}'
    arr = to_numpy(torch.tensor([1.0, 2.0]))
    assert isinstance(arr, np.ndarray), f'to_numpy should return a NumPy array, got {type(arr).__name__}'
    assert isinstance(labels, torch.Tensor), f'labels should be a tensor, got {type(labels).__name__}'
    assert labels.dtype == torch.int64, f'labels should have dtype torch.int64, got {labels.dtype}'
    assert tuple(labels.shape) == (5,), f'labels should have shape (5,), got {tuple(labels.shape)}'

