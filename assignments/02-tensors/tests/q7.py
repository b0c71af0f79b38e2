from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=1, hidden=False, 
    success_message="dense_forward gives the hand-computed 2.5 on the small example.")
def test_q7_public(dense_forward):
    import torch
    X = torch.tensor([[1.0, 2.0], [0.0, 0.0]])
    W1 = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    b1 = torch.tensor([0.0, -3.0, 0.5])
    W2 = torch.tensor([[2.0, 1.0, 1.0]])
    b2 = torch.tensor([0.5])
    try:
        out = dense_forward(X, W1, b1, W2, b2)
    except RuntimeError as e:
        raise AssertionError(f'dense_forward with X (2, 2), W1 (3, 2), b1 (3,), W2 (1, 3), b2 (1,) should give shape (2, 1), but it raised: {e}. W1 is (out_features, in_features), so X @ W1.T is (2, 3)') from None
    assert isinstance(out, torch.Tensor), f'dense_forward should return a tensor, got {type(out).__name__}'
    assert tuple(out.shape) == (2, 1), f'with N = 2 and o = 1 the output should have shape (2, 1), got {tuple(out.shape)}'
    got = [round(v, 6) for v in out.flatten().tolist()]
    known = {'without the ReLU': [1.0, -2.0], 'without the output bias b2': [2.0, 0.5], 'without the hidden bias b1': [4.5, 0.5], 'without any bias': [4.0, 0.0], 'with b1 added after the ReLU': [2.0, -2.0]}
    why = [what for what, values in known.items() if all((abs(g - v) < 1e-05 for g, v in zip(got, values)))]
    assert all((abs(g - v) < 1e-05 for g, v in zip(got, [2.5, 1.0]))), f'expected [2.5, 1.0] (row 1: relu([1, -1, -0.5]) = [1, 0, 0], then 2 * 1 + 0.5; row 2: relu(b1) = [0, 0, 0.5], then 0.5 + 0.5); got {got}' + (f', which is what the pass gives {why[0]}' if why else '')

