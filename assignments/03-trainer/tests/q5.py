from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 2

@test_case(points=0.5, hidden=False)
def test_q5_public(nl_losses):
    assert isinstance(nl_losses, list) and len(nl_losses) == 80, 'nl_losses should be the list of 80 epoch losses from trainer'
    assert nl_losses[-1] < nl_losses[0], f'the loss should go down, went {nl_losses[0]:.3f} -> {nl_losses[-1]:.3f}'

