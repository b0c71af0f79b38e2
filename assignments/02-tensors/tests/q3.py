from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="add_bias adds b to every row of a square and a wide Z.")
def test_q3_add_bias_public(add_bias):
    import torch
    Z = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    out = add_bias(Z, torch.tensor([10.0, 20.0, 30.0]))
    assert isinstance(out, torch.Tensor), f'add_bias should return a tensor, got {type(out).__name__}'
    assert out.tolist() == [[11.0, 22.0, 33.0], [14.0, 25.0, 36.0]], f'add_bias should give [[11, 22, 33], [14, 25, 36]], got {out.tolist()}'
    for b in (torch.tensor([1.0, 2.0]), torch.tensor([[1.0, 2.0]])):
        out = add_bias(torch.zeros(2, 2), b)
        assert out.tolist() == [[1.0, 2.0], [1.0, 2.0]], f'the bias {b.tolist()} on a (2, 2) zero Z gives [[1, 2], [1, 2]] (b[j] goes to column j), got {out.tolist()}'

@test_case(points=0.5, hidden=False, 
    success_message="standardize maps each column of a small example to [-1, 0, 1].")
def test_q3_standardize_public(standardize):
    import torch
    X = torch.tensor([[1.0, 10.0], [3.0, 30.0], [5.0, 50.0]])
    s = standardize(X)
    assert isinstance(s, torch.Tensor), f'standardize should return a tensor, got {type(s).__name__}'
    assert tuple(s.shape) == (3, 2), f'standardize on shape (3, 2) should keep shape (3, 2), got {tuple(s.shape)}'
    assert torch.allclose(s, torch.tensor([[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]), atol=1e-05), f'each column of [[1, 10], [3, 30], [5, 50]] standardizes to [-1, 0, 1] (its own mean and std), got {s.tolist()}'

