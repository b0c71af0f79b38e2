from otter.test_files import test_case

OK_FORMAT = False

name = "q1"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="to_tensors gives float32 tensors of shapes (N, 2) and (N, 1) with the same values.")
def test_q1_public(to_tensors):
    import numpy as np
    import torch
    X, y = to_tensors(np.array([[0.5, -1.0], [2.0, 3.0], [1.0, 1.0]]), np.array([1, 0, 1]))
    for name, t in (('X', X), ('y', y)):
        assert isinstance(t, torch.Tensor), f'to_tensors should return tensors, but {name} is a {type(t).__name__}'
        assert t.dtype == torch.float32, f'{name} should be float32, got {t.dtype}'
    assert tuple(X.shape) == (3, 2), f'X from 3 points should have shape (3, 2), got {tuple(X.shape)}'
    assert tuple(y.shape) == (3, 1), f"y from 3 labels should have shape (3, 1) like the model's output, got {tuple(y.shape)}"
    assert y.flatten().tolist() == [1.0, 0.0, 1.0], f'y should hold the labels [1, 0, 1] in order, got {y.flatten().tolist()}'

@test_case(points=1, hidden=True)
def test_q1_to_tensors(to_tensors):
    import numpy as np
    import torch
    gen = np.random.default_rng(7)
    Xn, yn = (gen.normal(size=(50, 2)), gen.integers(0, 2, size=50))
    X, y = to_tensors(Xn, yn)
    assert X.dtype == torch.float32 and y.dtype == torch.float32, 'both tensors should be float32'
    assert tuple(X.shape) == (50, 2) and tuple(y.shape) == (50, 1), f'50 points should give shapes (50, 2) and (50, 1), got {tuple(X.shape)} and {tuple(y.shape)}'
    assert np.allclose(X.numpy(), Xn, atol=1e-06), 'X holds different values from the NumPy array'
    assert np.array_equal(y.numpy().ravel(), yn.astype(np.float32)), 'y holds different labels from the NumPy array'

@test_case(points=0.5, hidden=True)
def test_q1_data(X_blobs, y_blobs, X_circles, y_circles, X_blobs_np, y_blobs_np, X_circles_np, y_circles_np):
    import numpy as np
    import torch
    for name, t, ref, shape in (('X_blobs', X_blobs, X_blobs_np, (200, 2)), ('y_blobs', y_blobs, y_blobs_np, (200, 1)), ('X_circles', X_circles, X_circles_np, (300, 2)), ('y_circles', y_circles, y_circles_np, (300, 1))):
        assert isinstance(t, torch.Tensor) and t.dtype == torch.float32, f'{name} should be a float32 tensor'
        assert tuple(t.shape) == shape, f'{name} should have shape {shape}, got {tuple(t.shape)}'
        assert np.allclose(t.numpy().reshape(ref.shape), ref, atol=1e-06), f"{name} does not hold the notebook's data"

