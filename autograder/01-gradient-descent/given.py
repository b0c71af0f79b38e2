# %% given cell 1
import student_utils as su  # first: it tells you clearly if this kernel lacks something
import numpy as np
import torch
from torch import nn
from sklearn.linear_model import LinearRegression

rng_seed = 2026

# %% given cell 2
su.seed_everything(rng_seed)  # seeds random, NumPy and torch: a rerun gives the same numbers

# %% given cell 3
candidate_lrs = [0.01, 0.1, 0.5, 0.9, 1.0, 1.1, 1.5]

# %% given cell 4
data_gen = torch.Generator().manual_seed(rng_seed)
X = torch.linspace(-2, 2, 40).unsqueeze(1)
y = 1.5 * X - 0.5 + 0.3 * torch.randn(40, 1, generator=data_gen)
su.plot_regression(X, y);

