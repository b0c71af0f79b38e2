from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 3

@test_case(points=1, hidden=False, 
    success_message="evaluate returns a fraction and moves the model and every batch to device.")
def test_q4_public(evaluate, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import record_moves
    X = torch.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 3.0], [0.0, 5.0, 0.0]])
    y = torch.tensor([1, 0, 0, 0])
    loader = DataLoader(TensorDataset(X, y), batch_size=2)
    with record_moves() as moves:
        acc = evaluate(nn.Identity(), loader, device)
    try:
        value = float(acc)
    except (TypeError, ValueError, RuntimeError):
        value = None
    assert value is not None and abs(value - 0.5) < 1e-09, f'2 correct out of 4 is an accuracy of 0.5 (a fraction, not a count), got {acc!r}'
    assert isinstance(acc, float), f'evaluate should return a Python float (use .item()), got {type(acc).__name__}'
    assert moves.module_moves_to(device) >= 1, f'evaluate should call model.to(device) (device = {device}); it never did'
    n = moves.tensor_moves_to(device)
    assert n >= 2 * len(loader), f'the loader has {len(loader)} batches, so X and y of every batch should be moved: expected {2 * len(loader)} moves to device, counted {n} (device = {device})'

