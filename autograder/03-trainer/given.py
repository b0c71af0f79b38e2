# %% given cell 1
import student_utils as su  # first: it tells you clearly if this kernel lacks something
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_regression
from sklearn.linear_model import LinearRegression
from torchinfo import summary

rng_seed = 2026
device = su.get_device()
device

# %% given cell 2
su.seed_everything(rng_seed)  # seeds random, NumPy and torch: a rerun gives the same numbers

# %% given cell 3
X_np, y_np = make_regression(n_samples=500, n_features=3, noise=10.0, random_state=11)
X_reg = torch.tensor(X_np, dtype=torch.float32)
y_reg = torch.tensor(y_np, dtype=torch.float32)
X_reg.shape, y_reg.shape

# %% given cell 4
curve_gen = torch.Generator().manual_seed(rng_seed)
X_nl = torch.rand(300, 1, generator=curve_gen) * 6 - 3
y_nl = (3 * torch.sin(1.5 * X_nl) + 0.5 * X_nl ** 2).flatten() + 0.3 * torch.randn(300, generator=curve_gen)
su.plot_regression(X_nl, y_nl);

# %% given cell 5
data_gen = torch.Generator().manual_seed(0)  # everyone gets the same data set
n_features = 25
true_w = torch.zeros(n_features)
true_w[:3] = torch.tensor([2.0, -1.5, 1.0])
X_tr = torch.randn(30, n_features, generator=data_gen)
y_tr = X_tr @ true_w + torch.randn(30, generator=data_gen)
X_va = torch.randn(500, n_features, generator=data_gen)
y_va = X_va @ true_w + torch.randn(500, generator=data_gen)
train_loader = DataLoader(TensorDataset(X_tr, y_tr), batch_size=10, shuffle=True,
                          generator=torch.Generator().manual_seed(rng_seed))
valid_loader = DataLoader(TensorDataset(X_va, y_va), batch_size=100)

