from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=1, hidden=False, 
    success_message="dense_forward gives the hand-computed 2.5 on the small example.")
def test_q7_public(dense_forward):
    import torch
    X = torch.tensor([[1.0, 2.0]])
    W1 = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]])
    b1 = torch.tensor([0.0, -3.0, 0.5])
    W2 = torch.tensor([[2.0, 1.0, 1.0]])
    b2 = torch.tensor([0.5])
    out = dense_forward(X, W1, b1, W2, b2)
    assert isinstance(out, torch.Tensor), f'dense_forward should return a tensor, got {type(out).__name__}'
    assert tuple(out.shape) == (1, 1), f'with N = 1 and o = 1 the output should have shape (1, 1), got {tuple(out.shape)}'
    assert abs(out.item() - 2.5) < 1e-06, f'expected 2.5 (relu([1, -1, -0.5]) = [1, 0, 0], then 2*1 + 0.5); got {out.item()}. 1.0 means no ReLU, 4.0 means no biases'

