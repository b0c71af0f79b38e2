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

