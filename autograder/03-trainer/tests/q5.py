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

@test_case(points=1.5, hidden=True)
def test_q5_beats_a_line(nl_model, nl_losses, X_nl, y_nl, trainer, NonlinearRegressor, charged):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from student_utils.testing import check_thresholds, failing, flat_mse, linear_layers, lowers_loss, still_charged, tiny_regression, trains_on, uses_its_parameters
    A = torch.cat([X_nl, torch.ones_like(X_nl)], dim=1).double()
    sol = torch.linalg.lstsq(A, y_nl.double()[:, None]).solution
    line_mse = ((A @ sol).flatten() - y_nl.double()).pow(2).mean().item()

    def model_checks(model):
        layers = linear_layers(model)
        assert len(layers) == 2, 'nl_model should be a NonlinearRegressor: the autograder computes its predictions from its two nn.Linear layers'
        (first, second), dev = (layers, layers[0].weight.device)
        with torch.no_grad():
            mse = (second(torch.sigmoid(first(X_nl.to(dev)))).flatten().cpu() - y_nl).pow(2).mean().item()
        return [('q5 MSE / best line MSE', mse / line_mse, 0.2, False)]

    def loss_checks(losses):
        return [('q5 last epoch loss / first epoch loss', losses[-1] / losses[0], 0.3, False)]
    model_found, loss_found = (model_checks(nl_model), loss_checks(nl_losses))
    if failing(model_found + loss_found):
        model, X, y, loader = tiny_regression()
        trains = lowers_loss(model, X, y, flat_mse, lambda m: trainer(m, nn.MSELoss(), torch.optim.SGD(m.parameters(), lr=0.05), loader, 3))
        twin = NonlinearRegressor(1, 20, 1)
        trains = trains and trains_on(trainer, X_nl, y_nl, 50)
        if trains and uses_its_parameters(twin, X_nl[:8]) and (charged.get('q2') or charged.get('q4')):
            loader = DataLoader(TensorDataset(X_nl, y_nl), batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(4))
            twin_losses = trainer(twin, nn.MSELoss(), torch.optim.Adam(twin.parameters(), lr=0.05), loader, 80)
            model_found = still_charged(model_found, model_checks(twin))
            loss_found = still_charged(loss_found, loss_checks(twin_losses))
    check_thresholds(model_found + loss_found)

