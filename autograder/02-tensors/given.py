# %% given cell 1
import student_utils as su  # first: it tells you clearly if this kernel lacks something
import numpy as np
import torch
from torch import nn

rng_seed = 2026

# %% given cell 2
su.seed_everything(rng_seed)  # seeds random, NumPy and torch: a rerun gives the same numbers
device = su.get_device()      # cuda or mps when you have one, else cpu
device

# %% given cell 3
heights_np = np.array([1.62, 1.75, 1.80, 1.68])
print("NumPy array:          ", heights_np.dtype)
print("tensor from the array:", torch.tensor(heights_np).dtype)
print("tensor from floats:   ", torch.tensor([1.62, 1.75]).dtype)
print("tensor from ints:     ", torch.tensor([3, 1, 2]).dtype)
print("asking for a dtype:   ", torch.tensor(heights_np, dtype=torch.float32).dtype)

# %% given cell 4
labels_np = np.array([2.0, 0.0, 1.0, 1.0, 2.0])

# %% given cell 5
v = torch.arange(6.0)
print(v.shape, v.reshape(2, 3).shape, v.unsqueeze(0).shape, v.reshape(3, 2).flatten().shape)
print("(N,) - (N, 1) gives", (v - v.reshape(6, 1)).shape)
images = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(rng_seed))

# %% given cell 6
Z = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(Z.sum(), Z.sum(dim=0), Z.sum(dim=1), Z.mean(dim=0, keepdim=True).shape)

# %% given cell 7
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
B = torch.tensor([[5.0, 6.0], [7.0, 8.0]])
print(A * B)
print(A @ B)

# %% given cell 8
table = torch.tensor([[ 55.0, 2.0, 30.0, 210.0],
                      [ 72.0, 3.0, 12.0, 305.0],
                      [ 40.0, 1.0, 45.0, 150.0],
                      [ 98.0, 4.0,  5.0, 420.0],
                      [ 63.0, 2.0, 20.0, 260.0],
                      [ 85.0, 3.0,  8.0, 365.0]])

