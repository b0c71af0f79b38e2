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

