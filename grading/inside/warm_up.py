"""What torch and matplotlib do on first use in a process, done once by the zygote before it forks
its jobs."""


def optimizers() -> None:
    """A process's first optimizer imports torch._dynamo (about 1 s): pay it once, not per job."""
    import torch

    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.Adam([weight])
    weight.sum().backward()
    optimizer.step()


def plots() -> None:
    """A process's first figure loads matplotlib's backend and fonts (about 0.25 s): once, not per job."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.scatter([0.0, 1.0], [0.0, 1.0], label="data")
    ax.plot([0.0, 1.0], [0.0, 1.0], label="model")
    ax.set(xlabel="x", ylabel="y", title="warm-up")
    ax.legend()
    fig.canvas.draw()
    plt.close(fig)
