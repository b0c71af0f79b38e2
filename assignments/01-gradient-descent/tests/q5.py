from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=1, hidden=False, 
    success_message="fit_linear_sgd returns an nn.Linear(1, 1) and retraces the first two steps of fit_linear.")
def test_q5_public(fit_linear_sgd):
    import torch
    from student_utils.testing import linear_layers
    X, y = (torch.tensor([[1.0], [2.0]]), torch.tensor([[2.0], [4.0]]))
    model, losses = fit_linear_sgd(X, y, 0.1, 2)
    assert isinstance(model, torch.nn.Module), f'model should be nn.Linear(1, 1), got {type(model).__name__}'
    layers = linear_layers(model)
    n_params = sum((p.numel() for p in model.parameters()))
    assert len(layers) == 1 and n_params == 2, f'model should be (or hold) one nn.Linear(1, 1): 2 parameters, weight and bias; yours has {n_params}'
    assert len(losses) == 2 and all((isinstance(l, float) for l in losses)), f'2 epochs should give 2 losses as Python floats (use loss.item()), got {losses!r}'
    assert abs(losses[0] - 10.0) < 1e-05, f'from zero weights the first loss is (2**2 + 4**2) / 2 = 10.0, got {losses[0]}: did you zero the weight and bias?'
    assert abs(losses[1] - 1.06) < 0.0001, f'the second loss should be 1.06, as with gd_step, got {losses[1]}'
    w, b = (layers[0].weight.item(), layers[0].bias.item())
    hint = ": the second step applied the first step's gradient again; call optimizer.zero_grad() every step" if abs(w - 2.32) < 0.001 and abs(b - 1.38) < 0.001 else ''
    assert abs(w - 1.32) < 0.0001 and abs(b - 0.78) < 0.0001, f'after 2 steps weight and bias should be 1.32 and 0.78, as with gd_step, got {w:.4f} and {b:.4f}{hint}'

