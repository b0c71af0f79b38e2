from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0.5, hidden=False)
def test_q5_public(nl_losses, trainer):
    import torch
    from torch import nn
    from student_utils.testing import assert_trains, tiny_regression, trainer_trains
    assert isinstance(nl_losses, list), f'nl_losses should be the list of epoch losses from trainer, got {type(nl_losses).__name__}'
    assert_trains('trainer', trainer_trains(trainer))
    model, X, y, loader = tiny_regression(1)
    yours = len(trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), loader, 80))
    assert len(nl_losses) in (80, yours), f'80 epochs should give 80 losses in nl_losses, got {len(nl_losses)}'

@test_case(points=0, hidden=False, 
    success_message="The loss went down (a check for you; it counts no points).")
def test_q5_loss_falls_public(nl_losses):
    assert nl_losses[-1] < 0.5 * nl_losses[0], f'the loss went from {nl_losses[0]:.3f} to {nl_losses[-1]:.3f}; it should fall a lot: check your trainer and that the optimizer was made from nl_model.parameters() (this check counts no points)'

