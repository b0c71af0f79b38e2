from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0.5, hidden=False)
def test_q3_public(reg_loader, reg_losses, w_torch, b_torch, w_sklearn, b_sklearn, trainer):
    import numpy as np
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, RandomSampler
    from student_utils.testing import assert_trains, tiny_regression, trainer_trains
    assert isinstance(reg_loader, DataLoader) and reg_loader.batch_size == 50, 'reg_loader should be a DataLoader with batch_size=50'
    assert isinstance(reg_loader.sampler, RandomSampler), 'reg_loader should shuffle: DataLoader(..., shuffle=True)'
    assert isinstance(reg_losses, list), f'reg_losses should be the list of epoch losses from trainer, got {type(reg_losses).__name__}'
    assert_trains('trainer', trainer_trains(trainer))
    model, X, y, loader = tiny_regression(1)
    yours = len(trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), loader, 50))
    assert len(reg_losses) in (50, yours), f'50 epochs should give 50 losses in reg_losses, got {len(reg_losses)}'
    for name, w in (('w_torch', w_torch), ('w_sklearn', w_sklearn)):
        assert isinstance(w, np.ndarray), f'{name} should be a NumPy array, got {type(w).__name__}'
        assert w.shape == (3,), f'{name} should have shape (3,), got {w.shape} (flatten it)'
    for name, b in (('b_torch', b_torch), ('b_sklearn', b_sklearn)):
        assert isinstance(b, float), f'{name} should be a float, got {type(b).__name__}'

@test_case(points=0, hidden=False, 
    success_message="PyTorch's weights agree with scikit-learn's (a check for you; it counts no points).")
def test_q3_agreement_public(w_torch, b_torch, w_sklearn, b_sklearn):
    import numpy as np
    gap = float(np.abs(np.asarray(w_torch) - np.asarray(w_sklearn)).max())
    assert gap < 1.0, f"PyTorch's weights {np.round(w_torch, 2)} are {gap:.2f} away from scikit-learn's {np.round(w_sklearn, 2)}: train longer or fix the trainer (this check counts no points; the hidden tests check the fit)"

@test_case(points=0.5, hidden=True)
def test_q3_loader_and_sklearn(reg_loader, w_sklearn, b_sklearn, X_reg, y_reg):
    import numpy as np
    import torch
    from torch.utils.data import RandomSampler
    assert isinstance(reg_loader.sampler, RandomSampler), 'reg_loader should shuffle (shuffle=True)'
    X, y = reg_loader.dataset.tensors
    assert torch.equal(X, X_reg) and torch.equal(y.flatten(), y_reg), 'reg_loader should hold X_reg and y_reg'
    A = torch.cat([X_reg, torch.ones(len(X_reg), 1)], dim=1).double()
    sol = torch.linalg.lstsq(A, y_reg.double()[:, None]).solution.flatten()
    assert np.allclose(w_sklearn, sol[:3].numpy(), atol=0.001) and abs(b_sklearn - sol[3].item()) < 0.001, f'LinearRegression on X_reg, y_reg gives w = {np.round(sol[:3].numpy(), 3)}, b = {sol[3].item():.3f}'

@test_case(points=0.5, hidden=True)
def test_q3_weights_are_the_models(reg_model, w_torch, b_torch, trainer):
    import numpy as np
    import torch
    from student_utils.testing import assert_trains, trainer_trains
    assert_trains('trainer', trainer_trains(trainer))
    lins = [m for m in reg_model.modules() if isinstance(m, torch.nn.Linear)]
    assert len(lins) == 1, 'reg_model should be a LinearRegressor(3, 1)'
    W = lins[0].weight.detach().cpu().double().flatten().numpy()
    assert np.allclose(W, w_torch, atol=1e-05), "w_torch should be reg_model's trained weights"
    assert abs(lins[0].bias.item() - b_torch) < 1e-05, "b_torch should be reg_model's trained bias"

@test_case(points=1.5, hidden=True)
def test_q3_fit(reg_model, reg_losses, X_reg, y_reg, trainer, LinearRegressor, charged):
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset
    from sklearn.datasets import make_regression
    from student_utils.testing import check_thresholds, failing, flat_mse, linear_layers, lowers_loss, same_at_scale, seeded, still_charged, tiny_regression, trains_on, uses_its_parameters
    A = torch.cat([X_reg, torch.ones(len(X_reg), 1)], dim=1).double()
    sol = torch.linalg.lstsq(A, y_reg.double()[:, None]).solution.flatten()
    ls_mse = ((A @ sol - y_reg.double()) ** 2).mean().item()

    def model_checks(model):
        layers = linear_layers(model)
        assert len(layers) == 1, 'reg_model should be a LinearRegressor(3, 1): the autograder computes its predictions from its one nn.Linear'
        linear, dev = (layers[0], layers[0].weight.device)
        with torch.no_grad():
            mse = ((linear(X_reg.to(dev)).flatten().cpu() - y_reg) ** 2).mean().item()
        return [('q3 reg_model MSE / least-squares MSE', mse / ls_mse, 1.05, False)]

    def loss_checks(losses):
        return [('q3 last epoch loss / first epoch loss', losses[-1] / losses[0], 0.2, False), ('q3 last epoch loss / least-squares MSE', losses[-1] / ls_mse, 1.2, False)]

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
    model_found, loss_found = (model_checks(reg_model), loss_checks(reg_losses))
    if failing(model_found + loss_found):
        model, X, y, loader = tiny_regression()
        trains = lowers_loss(model, X, y, flat_mse, lambda m: trainer(m, nn.MSELoss(), torch.optim.SGD(m.parameters(), lr=0.05), loader, 3))
        twin = LinearRegressor(3, 1)
        trains = trains and trains_on(trainer, X_reg, y_reg, 50)
        if trains:
            Xj, yj = (torch.tensor(a, dtype=torch.float32) for a in make_regression(n_samples=500, n_features=3, noise=10.0, random_state=3030))
            same = same_at_scale(yours, reference, small, case(Xj, yj, 50, 50, lambda: nn.Linear(3, 1), sgd(0.05), 4), tol=0.001)
        if trains and uses_its_parameters(twin, X_reg[:8]) and (charged.get('q1') or charged.get('q2')):
            loader = DataLoader(TensorDataset(X_reg, y_reg), batch_size=50, shuffle=True, generator=torch.Generator().manual_seed(3))
            twin_losses = trainer(twin, nn.MSELoss(), torch.optim.SGD(twin.parameters(), lr=0.05), loader, 50)
            model_found = still_charged(model_found, model_checks(twin)) if same[0] else model_found
            loss_found = still_charged(loss_found, loss_checks(twin_losses)) if same[1] else loss_found
    check_thresholds(model_found + loss_found)

