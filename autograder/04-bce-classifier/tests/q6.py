from otter.test_files import test_case

OK_FORMAT = False

name = "q6"
points = 2

@test_case(points=0.5, hidden=False, 
    success_message="circle_linear is a Linear(2, 1) and circle_linear_acc is a fraction.")
def test_q6_public(circle_linear, circle_linear_acc, train_classifier, X_circles_np, y_circles_np):
    import torch
    from student_utils.testing import assert_trains, classifier_trains_on
    n_params = sum((p.numel() for p in circle_linear.parameters()))
    assert n_params == 3, f'circle_linear should be nn.Linear(2, 1) with 3 parameters, it has {n_params}'
    try:
        acc = float(circle_linear_acc)
    except (TypeError, ValueError, RuntimeError):
        acc = None
    assert acc is not None and 0.0 <= acc <= 1.0, f'circle_linear_acc should be a float fraction in [0, 1], got {circle_linear_acc!r}'
    X = torch.tensor(X_circles_np, dtype=torch.float32)
    y = torch.tensor(y_circles_np, dtype=torch.float32).reshape(-1, 1)
    assert_trains('train_classifier', classifier_trains_on(train_classifier, X, y))

@test_case(points=1.5, hidden=True)
def test_q6_linear_fails(circle_linear, circle_linear_acc, X_circles_np, y_circles_np, X_circles, y_circles, predict, accuracy, charged, train_classifier):
    import torch
    from student_utils.testing import accuracy_right
    from student_utils.testing import assert_trains, check_threshold, classifier_trains_on, linear_layers
    layers = linear_layers(circle_linear)
    assert len(layers) == 1 and layers[0].weight.shape == (1, 2), 'circle_linear should be nn.Linear(2, 1)'
    X = torch.tensor(X_circles_np, dtype=torch.float32)
    y = torch.tensor(y_circles_np, dtype=torch.float32).reshape(-1, 1)
    assert_trains('train_classifier', classifier_trains_on(train_classifier, X, y))
    with torch.no_grad():
        want = ((layers[0](X) > 0).float() == y).float().mean().item()
    if abs(float(circle_linear_acc) - want) >= 1e-06:
        known = abs(float(accuracy(torch.tensor([1.0, 0.0, 1.0, 1.0]), torch.tensor([1.0, 0.0, 0.0, 1.0]))) - 0.75) < 1e-06
        known = known and accuracy_right(accuracy, (len(X_circles_np),))
        yours = accuracy(predict(circle_linear, X_circles), y_circles)
        assert known and charged.get('q3') and (abs(float(circle_linear_acc) - float(yours)) < 1e-06), f"circle_linear's training accuracy on the circles is {want:.4f}, circle_linear_acc is {circle_linear_acc}"
    check_threshold('q6 accuracy of a linear model on the circles (it cannot separate them)', want, 0.75, above=False)

