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

@test_case(points=2, hidden=True)
def test_q1_conversions(to_float32, to_numpy, labels, labels_np):
    import numpy as np
    import torch
    rng = np.random.default_rng(0)
    cases = [rng.normal(size=(4, 3)), rng.integers(-5, 5, size=(2, 3, 2)).astype(np.int32), rng.normal(size=7).astype(np.float32), [[1, 2, 3]], [0.25, -1.5]]
    for data in cases:
        want = np.asarray(data, dtype=np.float64)
        out = to_float32(data)
        assert isinstance(out, torch.Tensor), f'to_float32 should return a tensor, got {type(out).__name__}'
        assert out.dtype == torch.float32, f'to_float32 should give torch.float32, got {out.dtype}'
        assert tuple(out.shape) == want.shape, f'to_float32 should keep the shape {want.shape}, got {tuple(out.shape)}'
        assert np.allclose(out.double().numpy(), want, atol=1e-06), 'to_float32 changed the values'
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(3, 2, generator=gen, requires_grad=True)
    for t in (w, w * 2, torch.arange(6).reshape(2, 3), torch.randn(5, generator=gen).double()):
        arr = to_numpy(t)
        assert isinstance(arr, np.ndarray), f'to_numpy should return a NumPy array, got {type(arr).__name__}'
        assert arr.shape == tuple(t.shape), f'to_numpy should keep the shape {tuple(t.shape)}, got {arr.shape}'
        assert arr.dtype == t.detach().numpy().dtype, f'to_numpy should keep the dtype, got {arr.dtype}'
        assert np.array_equal(arr, t.detach().numpy()), 'to_numpy changed the values'
    assert labels.dtype == torch.int64 and labels.tolist() == [int(v) for v in labels_np], f'labels should be {[int(v) for v in labels_np]} as int64, got {labels.tolist()} ({labels.dtype})'

