from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="bce_with_logits returns a 0-d mean, gives log 2 at logit 0 and stays finite at logit 1000.")
def test_q2_bce_public(bce_with_logits):
    import math
    import torch
    out = bce_with_logits(torch.zeros(4, 1), torch.tensor([[0.0], [1.0], [1.0], [0.0]]))
    assert isinstance(out, torch.Tensor), f'bce_with_logits should return a tensor, got {type(out).__name__}'
    assert out.shape == torch.Size([]), f'bce_with_logits should return the mean, a 0-d tensor; got shape {tuple(out.shape)}'
    assert abs(out.item() - math.log(2)) < 1e-06, f'at logit 0 the probability is 0.5, so the loss is log 2 = {math.log(2):.6f} for either label; got {out.item()}'
    big = bce_with_logits(torch.tensor([[1000.0]]), torch.tensor([[0.0]]))
    assert torch.isfinite(big) and abs(big.item() - 1000.0) < 0.01, f'at logit 1000 with label 0 the loss is 1000, got {big.item()}: use the stable right-hand formula'

@test_case(points=0.5, hidden=False, 
    success_message="The four numbers are floats, and the naive route is stuck at 100 while the fused one gives 40.")
def test_q2_saturation_public(naive_loss, fused_loss, naive_grad, fused_grad):
    for name, v in (('naive_loss', naive_loss), ('fused_loss', fused_loss), ('naive_grad', naive_grad), ('fused_grad', fused_grad)):
        assert isinstance(v, float), f'{name} should be a Python float (use .item()), got {type(v).__name__}'
    assert abs(naive_loss - 100.0) < 0.001, f'Sigmoid then BCELoss at z = 40, y = 0 is stuck at the clamp, 100; got {naive_loss}'
    assert abs(fused_loss - 40.0) < 0.001, f'BCEWithLogitsLoss at z = 40, y = 0 is log(1 + e^40) = 40; got {fused_loss}'

