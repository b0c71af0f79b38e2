from otter.test_files import test_case

OK_FORMAT = False

name = "q2"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="bce_with_logits returns a 0-d tensor and gives log 2 at logit 0.")
def test_q2_public(bce_with_logits, naive_loss, fused_loss, naive_grad, fused_grad):
    import math
    import torch
    out = bce_with_logits(torch.zeros(4, 1), torch.tensor([[0.0], [1.0], [1.0], [0.0]]))
    assert isinstance(out, torch.Tensor), f'bce_with_logits should return a tensor, got {type(out).__name__}'
    assert out.shape == torch.Size([]), f'bce_with_logits should return the mean, a 0-d tensor; got shape {tuple(out.shape)}'
    assert abs(out.item() - math.log(2)) < 1e-06, f'at logit 0 the probability is 0.5, so the loss is log 2 = {math.log(2):.6f} for either label; got {out.item()}'
    for name, v in (('naive_loss', naive_loss), ('fused_loss', fused_loss), ('naive_grad', naive_grad), ('fused_grad', fused_grad)):
        assert isinstance(v, float), f'{name} should be a Python float (use .item()), got {type(v).__name__}'

