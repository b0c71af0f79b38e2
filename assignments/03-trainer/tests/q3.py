from otter.test_files import test_case

OK_FORMAT = False

name = "q3"
points = 3

@test_case(points=0.5, hidden=False)
def test_q3_public(reg_loader, reg_losses, w_torch, b_torch, w_sklearn, b_sklearn, trainer):
    import numpy as np
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, RandomSampler
    from student_utils.testing import assert_trains, tiny_regression, trainer_trains
    assert isinstance(reg_loader, DataLoader) and reg_loader.batch_size == 50, 'reg_loader should be a DataLoader with batch_size=50'
    assert isinstance(reg_loader.sampler, RandomSampler), 'reg_loader should shuffle: DataLoader(..., shuffle=True)'
    assert isinstance(reg_losses, list), f'reg_losses should be the list of epoch losses from trainer, got {type(reg_losses).__name__}'
    assert_trains('trainer', trainer_trains(trainer))
    model, X, y, loader = tiny_regression(1)
    yours = len(trainer(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.05), loader, 50))
    assert len(reg_losses) in (50, yours), f'50 epochs should give 50 losses in reg_losses, got {len(reg_losses)}'
    for name, w in (('w_torch', w_torch), ('w_sklearn', w_sklearn)):
        assert isinstance(w, np.ndarray), f'{name} should be a NumPy array, got {type(w).__name__}'
        assert w.shape == (3,), f'{name} should have shape (3,), got {w.shape} (flatten it)'
    for name, b in (('b_torch', b_torch), ('b_sklearn', b_sklearn)):
        assert isinstance(b, float), f'{name} should be a float, got {type(b).__name__}'

@test_case(points=0, hidden=False, 
    success_message="PyTorch's weights agree with scikit-learn's (a check for you; it counts no points).")
def test_q3_agreement_public(w_torch, b_torch, w_sklearn, b_sklearn):
    import numpy as np
    gap = float(np.abs(np.asarray(w_torch) - np.asarray(w_sklearn)).max())
    assert gap < 1.0, f"PyTorch's weights {np.round(w_torch, 2)} are {gap:.2f} away from scikit-learn's {np.round(w_sklearn, 2)}: train longer or fix the trainer (this check counts no points; the hidden tests check the fit)"

