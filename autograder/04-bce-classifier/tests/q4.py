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

@test_case(points=2, hidden=True)
def test_q4_matches_reference(train_classifier):
    import copy
    import torch
    from student_utils.testing import seeded
    gen = torch.Generator().manual_seed(21)
    X = torch.randn(60, 2, generator=gen)
    y = (X[:, :1] * X[:, 1:] > 0).float()
    with seeded(21):
        model = torch.nn.Sequential(torch.nn.Linear(2, 6), torch.nn.ReLU(), torch.nn.Linear(6, 1))
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(torch.randn(param.shape, generator=gen))
    twin = copy.deepcopy(model)
    optimizer = torch.optim.Adam(twin.parameters(), lr=0.03)
    want = []
    for _ in range(25):
        optimizer.zero_grad()
        z = twin(X)
        loss = (torch.nn.functional.softplus(z) - y * z).mean()
        loss.backward()
        optimizer.step()
        want.append(loss.item())
    losses = train_classifier(model, X, y, lr=0.03, num_epochs=25)
    assert len(losses) == 25, f'25 epochs should give 25 losses, got {len(losses)}'
    for k, (got, exp) in enumerate(zip(losses, want)):
        assert abs(float(got) - exp) < 0.0001 * max(1.0, exp), f'loss {k} should be {exp:.5f} (BCEWithLogitsLoss on the logits, Adam, full batch), got {float(got):.5f}'
    for p, q in zip(model.parameters(), twin.parameters()):
        assert torch.allclose(p, q, atol=0.0001), 'after training, the parameters differ from the reference run'

@test_case(points=1, hidden=True)
def test_q4_learns(train_classifier):
    import torch
    from sklearn.datasets import make_blobs
    from student_utils.testing import check_threshold, seeded
    Xn, yn = make_blobs(n_samples=150, centers=[[-2.0, 0.0], [2.0, 0.0]], cluster_std=0.7, random_state=3)
    X, y = (torch.tensor(Xn, dtype=torch.float32), torch.tensor(yn, dtype=torch.float32).reshape(-1, 1))
    with seeded(3):
        model = torch.nn.Linear(2, 1)
    losses = train_classifier(model, X, y, lr=0.1, num_epochs=60)
    assert len(losses) == 60, f'60 epochs should give 60 losses, got {len(losses)}'
    check_threshold('q4 final loss / first loss of a linear model on blobs', losses[-1] / losses[0], 0.3, above=False)
    with torch.no_grad():
        acc = ((model(X) > 0).float() == y).float().mean().item()
    check_threshold('q4 accuracy of a linear model trained on blobs', acc, 0.95)

