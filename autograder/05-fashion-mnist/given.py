# %% given cell 1
import student_utils as su  # first: it tells you clearly if this kernel lacks something

import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

rng_seed = 2026

# %% given cell 2
su.seed_everything(rng_seed)  # seeds random, NumPy and torch: a rerun gives the same numbers

# %% given cell 3
X_train, y_train = su.load_fashion_mnist("train")
X_test, y_test = su.load_fashion_mnist("test")
print("train:", tuple(X_train.shape), X_train.dtype, tuple(y_train.shape), y_train.dtype)
print("test: ", tuple(X_test.shape), X_test.dtype, tuple(y_test.shape), y_test.dtype)

fig, axes = plt.subplots(1, 8, figsize=(12, 2))
for ax, image, label in zip(axes, X_train[:8], y_train[:8]):
    ax.imshow(image[0], cmap="gray")
    ax.set_title(su.FASHION_MNIST_CLASSES[int(label)], fontsize=8)
    ax.axis("off")
plt.show()

# %% given cell 4
pixel_mean, pixel_std = X_train.mean().item(), X_train.std().item()
print(f"training pixels: mean {pixel_mean:.4f}, std {pixel_std:.4f}")

