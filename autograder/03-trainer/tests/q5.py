from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0.5, hidden=False)
def test_q5_public(nl_losses):
    assert isinstance(nl_losses, list), f'nl_losses should be the list of epoch losses from trainer, got {type(nl_losses).__name__}'
    assert len(nl_losses) == 80, f'80 epochs should give 80 losses in nl_losses, got {len(nl_losses)}'
    assert nl_losses[-1] < nl_losses[0], f'the loss should go down, went {nl_losses[0]:.3f} -> {nl_losses[-1]:.3f}'

@test_case(points=1.5, hidden=True)
def test_q5_beats_a_line(nl_model, nl_losses, X_nl, y_nl):
    import torch
    assert sum((p.numel() for p in nl_model.parameters())) == 61, 'train nl_model, the NonlinearRegressor(1, 20, 1) of Question 4'
    A = torch.cat([X_nl, torch.ones_like(X_nl)], dim=1).double()
    sol = torch.linalg.lstsq(A, y_nl.double()[:, None]).solution
    line_mse = ((A @ sol).flatten() - y_nl.double()).pow(2).mean().item()
    device = next(nl_model.parameters()).device
    with torch.no_grad():
        mse = (nl_model(X_nl.to(device)).flatten().cpu() - y_nl).pow(2).mean().item()
    from student_utils.testing import check_threshold
    check_threshold('q5 MSE / best line MSE', mse / line_mse, 0.2, above=False)
    check_threshold('q5 last epoch loss / first epoch loss', nl_losses[-1] / nl_losses[0], 0.3, above=False)

