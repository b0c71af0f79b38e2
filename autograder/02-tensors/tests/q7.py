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

@test_case(points=2, hidden=True)
def test_q7_matches_linear(dense_forward):
    import torch
    from torch import nn
    from student_utils.testing import seeded
    gen = torch.Generator().manual_seed(7)
    for n, d, h, o in ((5, 3, 4, 2), (4, 4, 4, 4), (1, 6, 3, 1), (10, 2, 8, 3)):
        X = torch.randn(n, d, generator=gen)
        W1, b1 = (torch.randn(h, d, generator=gen), torch.randn(h, generator=gen))
        W2, b2 = (torch.randn(o, h, generator=gen), torch.randn(o, generator=gen))
        with seeded(0):
            lin1, lin2 = (nn.Linear(d, h), nn.Linear(h, o))
        with torch.no_grad():
            lin1.weight.copy_(W1)
            lin1.bias.copy_(b1)
            lin2.weight.copy_(W2)
            lin2.bias.copy_(b2)
            want = lin2(nn.ReLU()(lin1(X)))
        out = dense_forward(X, W1, b1, W2, b2)
        assert isinstance(out, torch.Tensor), f'dense_forward should return a tensor, got {type(out).__name__}'
        assert tuple(out.shape) == (n, o), f'X ({n}, {d}), W1 ({h}, {d}), W2 ({o}, {h}) should give ({n}, {o}), got {tuple(out.shape)}'
        assert out.dtype == torch.float32, f'dense_forward should keep float32, got {out.dtype}'
        assert torch.allclose(out, want, atol=1e-05), f'dense_forward differs from nn.Linear -> ReLU -> nn.Linear by {(out - want).abs().max().item():.3g} for d={d}, h={h}, o={o}'

@test_case(points=1, hidden=True)
def test_q7_bias_rows(dense_forward):
    import torch
    gen = torch.Generator().manual_seed(8)
    n, d, h, o = (6, 3, 5, 2)
    X = torch.randn(n, d, generator=gen)
    W1, b1 = (torch.randn(h, d, generator=gen), torch.randn(h, generator=gen))
    W2, b2 = (torch.randn(o, h, generator=gen), torch.randn(o, generator=gen))
    want = torch.clamp(X @ W1.T + b1, min=0) @ W2.T + b2
    out_row = dense_forward(X, W1, b1.reshape(1, h), W2, b2.reshape(1, o))
    assert tuple(out_row.shape) == (n, o), f'with bias rows of shape (1, h), (1, o) the output should be ({n}, {o})'
    assert torch.allclose(out_row, want, atol=1e-05), 'dense_forward should also work with bias rows of shape (1, h)'

