from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="rowwise_dot gives [17, 53] on the example above.")
def test_q4_rowwise_public(rowwise_dot):
    import torch
    A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    B = torch.tensor([[5.0, 6.0], [7.0, 8.0]])
    r = rowwise_dot(A, B)
    assert isinstance(r, torch.Tensor), f'rowwise_dot should return a tensor, got {type(r).__name__}'
    assert tuple(r.shape) == (2,), f'rowwise_dot of two (2, 2) tensors should have shape (2,), got {tuple(r.shape)}'
    assert r.tolist() == [17.0, 53.0], f'rowwise_dot should give [1*5 + 2*6, 3*7 + 4*8] = [17, 53], got {r.tolist()}'

@test_case(points=0.5, hidden=False, 
    success_message="pairwise_dot gives every dot product, also for A and B with different numbers of rows.")
def test_q4_pairwise_public(pairwise_dot):
    import torch
    A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    B = torch.tensor([[5.0, 6.0], [7.0, 8.0]])
    p = pairwise_dot(A, B)
    assert isinstance(p, torch.Tensor), f'pairwise_dot should return a tensor, got {type(p).__name__}'
    assert p.tolist() == [[17.0, 23.0], [39.0, 53.0]], f'pairwise_dot(A, B) should be [[1*5 + 2*6, 1*7 + 2*8], [3*5 + 4*6, 3*7 + 4*8]] = [[17, 23], [39, 53]], got {p.tolist()}'
    p = pairwise_dot(A, torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    assert tuple(p.shape) == (2, 3), f'pairwise_dot of (2, 2) and (3, 2) should have shape (2, 3), got {tuple(p.shape)}'

@test_case(points=1, hidden=True)
def test_q4_rowwise(rowwise_dot):
    import torch
    gen = torch.Generator().manual_seed(3)
    for n, d in ((4, 4), (3, 2), (6, 7), (1, 3)):
        A, B = (torch.randn(n, d, generator=gen), torch.randn(n, d, generator=gen))
        want = torch.tensor([sum((A[i, k].item() * B[i, k].item() for k in range(d))) for i in range(n)])
        r = rowwise_dot(A, B)
        assert tuple(r.shape) == (n,), f'rowwise_dot of two ({n}, {d}) tensors should be ({n},), got {tuple(r.shape)}'
        assert torch.allclose(r, want, atol=1e-05), 'rowwise_dot[i] should be row i of A dotted with row i of B'

@test_case(points=1, hidden=True)
def test_q4_pairwise(pairwise_dot):
    import torch
    gen = torch.Generator().manual_seed(4)
    for n, m, d in ((4, 4, 4), (3, 5, 2), (6, 2, 7), (1, 1, 3)):
        A, B = (torch.randn(n, d, generator=gen), torch.randn(m, d, generator=gen))
        want = torch.tensor([[sum((A[i, k].item() * B[j, k].item() for k in range(d))) for j in range(m)] for i in range(n)])
        p = pairwise_dot(A, B)
        assert tuple(p.shape) == (n, m), f'pairwise_dot of ({n}, {d}) and ({m}, {d}) should be ({n}, {m}), got {tuple(p.shape)}'
        assert torch.allclose(p, want, atol=1e-05), 'pairwise_dot[i, j] should be row i of A dotted with row j of B'

