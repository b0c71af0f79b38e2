from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0.25, hidden=False, 
    success_message="predict_proba gives (N, 1) probabilities, without gradients.")
def test_q3_proba_public(predict_proba):
    import torch
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[2.0, 0.0]]))
        model.bias.zero_()
    p = predict_proba(model, torch.tensor([[-1.0, 5.0], [0.1, 0.0], [3.0, -2.0]]))
    assert isinstance(p, torch.Tensor) and tuple(p.shape) == (3, 1), f"predict_proba on 3 points should return a tensor of shape (3, 1), got {getattr(p, 'shape', type(p).__name__)}"
    assert not p.requires_grad, 'predict_proba should compute under torch.no_grad(), but its output requires grad'
    assert torch.allclose(p, torch.sigmoid(torch.tensor([[-2.0], [0.2], [6.0]])), atol=1e-06), f'logits -2.0, 0.2, 6.0 have probabilities 0.119, 0.550, 0.998 (the sigmoid); got {p.flatten().tolist()}'

@test_case(points=0.25, hidden=False, 
    success_message="predict thresholds the probabilities at 0.5.")
def test_q3_predict_public(predict):
    import torch
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[2.0, 0.0]]))
        model.bias.zero_()
    c = predict(model, torch.tensor([[-1.0, 5.0], [0.1, 0.0], [3.0, -2.0]]))
    assert isinstance(c, torch.Tensor) and tuple(c.shape) == (3, 1), f"predict on 3 points should return shape (3, 1), got {getattr(c, 'shape', type(c).__name__)}"
    assert c.dtype == torch.float32, f'predict should return float32 0.0/1.0, got {c.dtype}'
    assert c.flatten().tolist() == [0.0, 1.0, 1.0], f'logits -2.0, 0.2, 6.0 have probabilities 0.12, 0.55, 0.998, so the classes are [0, 1, 1]; got {c.flatten().tolist()}'

@test_case(points=0.5, hidden=False, 
    success_message="accuracy is a fraction, also for labels of shapes (N, 1) and (N,).")
def test_q3_accuracy_public(accuracy):
    import torch
    acc = accuracy(torch.tensor([[1.0], [0.0], [1.0], [1.0]]), torch.tensor([1.0, 0.0, 0.0, 1.0]))
    assert isinstance(acc, float), f'accuracy should return a Python float (use .item()), got {type(acc).__name__}'
    assert abs(acc - 0.75) < 1e-06, f'3 matches out of 4 is an accuracy of 0.75, got {acc}: flatten both before comparing'

