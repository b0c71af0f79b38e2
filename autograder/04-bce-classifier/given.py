# %% given cell 1
import student_utils as su  # first: it tells you clearly if this kernel lacks something
import numpy as np
import torch
from torch import nn
import matplotlib.pyplot as plt
from sklearn.datasets import make_blobs, make_circles

rng_seed = 2026

# %% given cell 2
su.seed_everything(rng_seed)  # seeds random, NumPy and torch: a rerun gives the same numbers

# %% given cell 3
BLOB_CENTERS = [[-1.5, -0.5], [1.5, 0.5]]
BLOB_STD = 0.8
CIRCLE_NOISE = 0.1
CIRCLE_FACTOR = 0.5

X_blobs_np, y_blobs_np = make_blobs(n_samples=200, centers=BLOB_CENTERS, cluster_std=BLOB_STD,
                                    random_state=rng_seed)
X_circles_np, y_circles_np = make_circles(n_samples=300, noise=CIRCLE_NOISE, factor=CIRCLE_FACTOR,
                                          random_state=rng_seed)
X_blobs_np.shape, X_blobs_np.dtype, y_blobs_np.shape, y_blobs_np.dtype

# %% given cell 4
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for ax, (X, y, title) in zip(axes, ((X_blobs_np, y_blobs_np, "blobs"), (X_circles_np, y_circles_np, "circles"))):
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=12, edgecolors="k", linewidths=0.3)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")

