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

@test_case(points=0.5, hidden=True)
def test_q1_to_float32(to_float32):
    import numpy as np
    import torch
    rng = np.random.default_rng(0)
    cases = [rng.normal(size=(4, 3)), rng.integers(-5, 5, size=(2, 3, 2)).astype(np.int32), rng.normal(size=7).astype(np.float32), [[1, 2, 3]], [0.25, -1.5], np.array([True, False])]
    for data in cases:
        want = np.asarray(data, dtype=np.float64)
        out = to_float32(data)
        assert isinstance(out, torch.Tensor), f'to_float32 should return a tensor, got {type(out).__name__}'
        assert out.dtype == torch.float32, f'to_float32 should give torch.float32, got {out.dtype}'
        assert tuple(out.shape) == want.shape, f'to_float32 should keep the shape {want.shape}, got {tuple(out.shape)}'
        assert np.allclose(out.double().numpy(), want, atol=1e-05), 'to_float32 changed the values'

@test_case(points=0.5, hidden=True)
def test_q1_to_numpy(to_numpy):
    import numpy as np
    import torch
    from student_utils.testing import meta_scalars
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(3, 2, generator=gen, requires_grad=True)
    for t in (w, torch.arange(6).reshape(2, 3), torch.randn(5, generator=gen).double(), torch.tensor([True, False])):
        arr = to_numpy(t)
        assert isinstance(arr, np.ndarray), f'to_numpy should return a NumPy array, got {type(arr).__name__}'
        assert arr.shape == tuple(t.shape), f'to_numpy should keep the shape {tuple(t.shape)}, got {arr.shape}'
        assert arr.dtype == t.detach().numpy().dtype, f'to_numpy should keep the dtype, got {arr.dtype}'
        assert np.array_equal(arr, t.detach().numpy()), 'to_numpy changed the values'
    with meta_scalars() as meta:
        arr = to_numpy(torch.ones(2, 4, device=meta, dtype=torch.float64))
    assert isinstance(arr, np.ndarray) and arr.shape == (2, 4) and (arr.dtype == np.float64), 'to_numpy should bring a tensor from another device to the CPU, keeping shape and dtype'

@test_case(points=0.5, hidden=True)
def test_q1_labels(labels, labels_np):
    import torch
    want = [int(v) for v in labels_np]
    assert isinstance(labels, torch.Tensor) and labels.dtype == torch.int64 and (labels.tolist() == want), f'labels should be {want} as int64, got {(labels.tolist() if isinstance(labels, torch.Tensor) else labels)}'

