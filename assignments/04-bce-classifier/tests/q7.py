from otter.test_files import test_case

OK_FORMAT = False

name = "q7"
points = 4

@test_case(points=1, hidden=False, 
    success_message="make_circle_model builds the 2 -> 16 -> 1 network and circle_model outputs one logit per point.")
def test_q7_public(make_circle_model, circle_model, circle_losses, circle_acc):
    import torch
    model = make_circle_model()
    assert isinstance(model, torch.nn.Module), f'make_circle_model should return a module, got {type(model).__name__}'
    n_params = sum((p.numel() for p in model.parameters()))
    assert n_params == 65, f'Linear(2, 16) + ReLU + Linear(16, 1) has 2*16 + 16 + 16*1 + 1 = 65 parameters, yours has {n_params}'
    assert not any((isinstance(m, torch.nn.Sigmoid) for m in model.modules())), 'make_circle_model() should output logits: no nn.Sigmoid at the end when training with BCEWithLogitsLoss'
    kinds = [type(m).__name__ for m in model.modules() if not isinstance(m, torch.nn.Sequential)]
    assert kinds == ['Linear', 'ReLU', 'Linear'], f'the layers should be Linear, ReLU, Linear; found {kinds}'
    other = make_circle_model()
    assert any((not torch.equal(p, q) for p, q in zip(model.parameters(), other.parameters()))), 'make_circle_model() should build a new, freshly initialised model on every call'
    with torch.no_grad():
        out = circle_model(torch.zeros(6, 2))
    assert tuple(out.shape) == (6, 1), f'circle_model on 6 points should output shape (6, 1), got {tuple(out.shape)}'
    assert len(circle_losses) == 300, f'300 epochs should give 300 losses, got {len(circle_losses)}'
    assert isinstance(circle_acc, float) and 0.0 <= circle_acc <= 1.0, f'circle_acc should be a float fraction in [0, 1], got {circle_acc!r}'

