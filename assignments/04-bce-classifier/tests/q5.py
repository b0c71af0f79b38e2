from otter.test_files import test_case

OK_FORMAT = False

name = "q5"
points = 3

@test_case(points=0.5, hidden=False, 
    success_message="blob_model is a Linear(2, 1) that outputs one logit per point, with no sigmoid.")
def test_q5_public(blob_model, blob_losses, blob_acc):
    import torch
    sigmoids = [m for m in blob_model.modules() if isinstance(m, torch.nn.Sigmoid)]
    assert not sigmoids, 'blob_model should output logits: remove the nn.Sigmoid (BCEWithLogitsLoss applies it)'
    n_params = sum((p.numel() for p in blob_model.parameters()))
    assert n_params == 3, f'nn.Linear(2, 1) has 3 parameters (2 weights and a bias), blob_model has {n_params}'
    with torch.no_grad():
        out = blob_model(torch.zeros(5, 2))
    assert tuple(out.shape) == (5, 1), f'blob_model on 5 points should output shape (5, 1), got {tuple(out.shape)}'
    assert len(blob_losses) == 100, f'100 epochs should give 100 losses, got {len(blob_losses)}'
    assert isinstance(blob_acc, float) and 0.0 <= blob_acc <= 1.0, f'blob_acc should be a float fraction in [0, 1], got {blob_acc!r}'

