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

@test_case(points=1.5, hidden=True)
def test_q2_stable_formula(bce_with_logits):
    import math
    import torch
    gen = torch.Generator().manual_seed(11)
    z = torch.cat([30 * torch.randn(40, 1, generator=gen), torch.tensor([[40.0], [-40.0], [100.0], [-100.0], [1000.0], [-1000.0]])])
    y = torch.randint(0, 2, z.shape, generator=gen).float()
    z.requires_grad_(True)
    got = bce_with_logits(z, y)
    assert got.shape == torch.Size([]), f'bce_with_logits should return a 0-d tensor, got shape {tuple(got.shape)}'
    assert torch.isfinite(got), f'bce_with_logits should stay finite for logits of +-1000, got {got.item()}'
    want = 0.0
    for zi, yi in zip(z.detach().double().flatten().tolist(), y.flatten().tolist()):
        want += max(zi, 0.0) + math.log1p(math.exp(-abs(zi))) - yi * zi
    want /= z.numel()
    assert abs(got.item() - want) < 0.0001 * max(1.0, want), f'mean loss should be {want:.6f}, got {got.item():.6f}'
    from student_utils.testing import backward_through
    z2 = z.detach().clone().requires_grad_(True)
    backward_through(bce_with_logits, z2, y)
    want_grad = (torch.sigmoid(z.detach().double()) - y.double()) / z.numel()
    assert z2.grad is not None and torch.allclose(z2.grad.double(), want_grad, atol=1e-06), 'the gradient of bce_with_logits with respect to the logits should be (sigmoid(z) - y) / N, also for large logits'

@test_case(points=0.5, hidden=True)
def test_q2_saturation(naive_loss, fused_loss, naive_grad, fused_grad):
    import torch
    y = torch.tensor([[0.0]])
    z = torch.tensor([[40.0]], requires_grad=True)
    loss = torch.nn.BCELoss()(torch.sigmoid(z), y)
    loss.backward()
    assert abs(naive_loss - loss.item()) < 0.0001, f'Sigmoid + BCELoss at z = 40, y = 0 gives {loss.item()}, got {naive_loss}'
    assert abs(naive_grad - z.grad.item()) < 1e-06, f'its gradient is {z.grad.item()}, got {naive_grad}'
    assert abs(fused_loss - 40.0) < 0.0001, f'BCEWithLogitsLoss at z = 40, y = 0 is 40.0, got {fused_loss}'
    assert abs(fused_grad - 1.0) < 1e-06, f'its gradient is sigmoid(40) - 0 = 1.0, got {fused_grad}'

