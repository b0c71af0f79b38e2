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
    from student_utils.testing import check_thresholds, failing, flat_mse, linear_layers, lowers_loss, same_at_scale, seeded, still_charged, tiny_regression, trains_on, uses_its_parameters
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

    def case(X, y, batch_size, epochs, net, make_optimizer, seed):

        def make():
            with seeded(seed):
                model = net()
            loader = DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed))
            return (model, make_optimizer(model), loader, epochs)
        return make

    def reference(make):
        model, optimizer, loader, epochs = make()
        losses = []
        for _ in range(epochs):
            total = 0.0
            for xb, yb in loader:
                optimizer.zero_grad()
                loss = nn.functional.mse_loss(model(xb).flatten(), yb)
                loss.backward()
                optimizer.step()
                total += loss.item()
            losses.append(total / len(loader))
        return (list(model.parameters()), losses)
    g = torch.Generator().manual_seed(30)
    Xa, Xb, Xc = (torch.randn(4, 1, generator=g), torch.randn(12, 2, generator=g), torch.randn(10, 3, generator=g))
    sgd = lambda lr, wd=0.0: lambda m: torch.optim.SGD(m.parameters(), lr=lr, weight_decay=wd)
    small = [case(Xa, 2 * Xa.flatten(), 2, 2, lambda: nn.Linear(1, 1), sgd(0.01), 1), case(Xb, Xb @ torch.tensor([1.5, -2.0]) + 0.5, 4, 3, lambda: nn.Linear(2, 1), sgd(0.1), 2), case(Xc, torch.sin(Xc.sum(1)), 4, 2, lambda: nn.Sequential(nn.Linear(3, 4), nn.Sigmoid(), nn.Linear(4, 1)), sgd(0.3), 3)]

    def yours(make):
        model, optimizer, loader, epochs = make()
        return (list(model.parameters()), trainer(model, nn.MSELoss(), optimizer, loader, epochs))
    model_found, loss_found = (model_checks(nl_model), loss_checks(nl_losses))
    if failing(model_found + loss_found):
        model, X, y, loader = tiny_regression()
        trains = lowers_loss(model, X, y, flat_mse, lambda m: trainer(m, nn.MSELoss(), torch.optim.SGD(m.parameters(), lr=0.05), loader, 3))
        twin = NonlinearRegressor(1, 20, 1)
        trains = trains and trains_on(trainer, X_nl, y_nl, 50)
        if trains:
            gj = torch.Generator().manual_seed(5050)
            Xj = torch.rand(300, 1, generator=gj) * 6 - 3
            yj = (3 * torch.sin(1.5 * Xj) + 0.5 * Xj ** 2).flatten() + 0.3 * torch.randn(300, generator=gj)
            net = lambda: nn.Sequential(nn.Linear(1, 20), nn.Sigmoid(), nn.Linear(20, 1))
            same = same_at_scale(yours, reference, small, case(Xj, yj, 50, 80, net, lambda m: torch.optim.Adam(m.parameters(), lr=0.05), 5), tol=0.001)
        if trains and uses_its_parameters(twin, X_nl[:8]) and (charged.get('q2') or charged.get('q4')):
            loader = DataLoader(TensorDataset(X_nl, y_nl), batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(4))
            twin_losses = trainer(twin, nn.MSELoss(), torch.optim.Adam(twin.parameters(), lr=0.05), loader, 80)
            model_found = still_charged(model_found, model_checks(twin)) if same[0] else model_found
            loss_found = still_charged(loss_found, loss_checks(twin_losses)) if same[1] else loss_found
    check_thresholds(model_found + loss_found)

