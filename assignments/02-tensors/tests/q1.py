from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="to_float32 gives float32 tensors for lists of ints and for float64 arrays.")
def test_q1_to_float32_public(to_float32):
    import numpy as np
    import torch
    for name, data in (('the list [[1, 2], [3, 4]]', [[1, 2], [3, 4]]), ('np.array([[0.5, 1.5], [2.5, 3.5]]) (float64)', np.array([[0.5, 1.5], [2.5, 3.5]]))):
        out = to_float32(data)
        assert isinstance(out, torch.Tensor), f'to_float32({name}) should return a tensor, got {type(out).__name__}'
        assert out.dtype == torch.float32, f'to_float32({name}) should have dtype torch.float32, got {out.dtype}'
        assert tuple(out.shape) == (2, 2), f'to_float32({name}) should have shape (2, 2), got {tuple(out.shape)}'
        assert out.tolist() == np.asarray(data, dtype=np.float32).tolist(), f'to_float32({name}) changed the values'

@test_case(points=0.5, hidden=False, 
    success_message="to_numpy works for a plain tensor, one that requires grad, and one on another device.")
def test_q1_to_numpy_public(to_numpy):
    import numpy as np
    import torch
    from student_utils.testing import meta_scalars
    arr = to_numpy(torch.tensor([1.0, 2.0]))
    assert isinstance(arr, np.ndarray), f'to_numpy should return a NumPy array, got {type(arr).__name__}'
    assert arr.tolist() == [1.0, 2.0], f'to_numpy(tensor([1.0, 2.0])) should hold [1.0, 2.0], got {arr.tolist()}'
    try:
        to_numpy(torch.tensor([1.0, 2.0], requires_grad=True))
    except RuntimeError:
        raise AssertionError('to_numpy failed on a tensor that requires grad: call .detach() first') from None
    with meta_scalars() as meta:
        try:
            out = to_numpy(torch.ones(3, device=meta))
        except (RuntimeError, TypeError):
            raise AssertionError('to_numpy failed on a tensor that is not on the CPU: bring it back with .cpu()') from None
    assert isinstance(out, np.ndarray) and out.shape == (3,), 'to_numpy on a (3,) tensor on another device should give an array of shape (3,)'

@test_case(points=0.5, hidden=False, 
    success_message="labels is an int64 tensor of shape (5,).")
def test_q1_labels_public(labels):
    import torch
    assert isinstance(labels, torch.Tensor), f'labels should be a tensor, got {type(labels).__name__}'
    assert labels.dtype == torch.int64, f'labels should have dtype torch.int64, got {labels.dtype}'
    assert tuple(labels.shape) == (5,), f'labels should have shape (5,), got {tuple(labels.shape)}'

