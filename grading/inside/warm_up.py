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
    """A process's first figure loads matplotlib's backend and fonts (about 0.25 s), and its first
    mathematics in a label builds the mathtext parser and finds its fonts (about 0.3 s more, paid
    when a written question's plot is drawn for the TA): once, not per job."""
    import matplotlib.pyplot as plt

    fig, (ax, log_ax) = plt.subplots(1, 2)
    ax.scatter([0.0, 1.0], [0.0, 1.0], label="data")
    ax.plot([0.0, 1.0], [0.0, 1.0], marker="o", label="model")
    ax.set(xlabel="x", ylabel="y", title="warm-up")
    ax.legend(fontsize=8)
    log_ax.plot([1.0, 10.0, 100.0], [-100.0, 0.5, 100.0])
    log_ax.set_xscale("log")
    log_ax.set_yscale("symlog", linthresh=1.0)  # tick labels are mathtext: $10^{2}$
    log_ax.set(xlabel=r"$\mathbf{x}_k$", ylabel=r"$f(x) = x^2$", title=r"$\hat{y} = \sigma(w x + b)$")
    fig.canvas.draw()
    plt.close(fig)
