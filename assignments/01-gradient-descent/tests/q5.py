from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=1, hidden=False)
def test_q5_public(fit_linear_sgd, X, y):
    import torch
    model, losses = fit_linear_sgd(X, y, lr=0.1, num_epochs=5)
    assert isinstance(model, torch.nn.Linear), f'model should be nn.Linear(1, 1), got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 2, f'nn.Linear(1, 1) has 2 parameters (weight and bias), yours has {n_params}'
    assert len(losses) == 5, f'5 epochs should give 5 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'losses should be Python floats (use loss.item())'

