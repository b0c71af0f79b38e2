from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 5

@test_case(points=1, hidden=False, 
    success_message="trainer returns one float per epoch and the loss goes down.")
def test_q2_public(trainer, device):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    gen = torch.Generator().manual_seed(0)
    X = torch.randn(64, 2, generator=gen)
    y = X @ torch.tensor([2.0, -1.0]) + 0.5
    loader = DataLoader(TensorDataset(X, y), batch_size=16)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = nn.Linear(2, 1).to(device)
    losses = trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1), loader, 10)
    assert isinstance(losses, list), f'trainer should return a list of floats, got {type(losses).__name__}'
    assert len(losses) == 10, f'10 epochs should give 10 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'every epoch loss should be a Python float (use loss.item())'
    assert losses[-1] < 0.1 * losses[0], f'on this easy problem the loss should fall at least tenfold in 10 epochs, went {losses[0]:.4f} -> {losses[-1]:.4f}'

