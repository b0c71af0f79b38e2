from otter.test_files import test_case

OK_FORMAT = False

name = "q4"
points = 4

@test_case(points=1, hidden=False, 
    success_message="train_classifier returns one float loss per epoch, starts at log 2, and changes the model.")
def test_q4_public(train_classifier):
    import math
    import torch
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    X = torch.tensor([[1.0, 2.0], [-1.0, 0.5], [0.0, -3.0], [2.0, 1.0]])
    y = torch.tensor([[1.0], [0.0], [0.0], [1.0]])
    losses = train_classifier(model, X, y, lr=0.1, num_epochs=3)
    assert isinstance(losses, list), f'train_classifier should return a list of losses, got {type(losses).__name__}'
    assert len(losses) == 3, f'3 epochs should give 3 losses, got {len(losses)}'
    assert all((isinstance(l, float) for l in losses)), 'the losses should be Python floats (use loss.item())'
    assert abs(losses[0] - math.log(2)) < 1e-05, f'with zero weights every logit is 0, so the first loss is log 2 = {math.log(2):.5f}; got {losses[0]:.5f} (is the criterion nn.BCEWithLogitsLoss, applied to the logits, and the loss taken before the update?)'
    assert losses[2] < losses[0], f'the loss should go down, went {losses[0]:.4f} -> {losses[2]:.4f}'
    assert model.weight.abs().sum() > 0, "train_classifier should update the model's parameters in place"

