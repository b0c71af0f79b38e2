"""What torch and matplotlib do on first use in a process, done once by the zygote before it forks
its jobs."""

import functools

LOG_TICK_EXPONENTS = range(-12, 13)  # the tick labels of log and symlog axes parsed ahead: 1e-12 to 1e12


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
    when a written question's plot is drawn for the TA): once, not per job. The tick labels of log
    axes are parsed here too, into a cache every figure shares (``_share_mathtext``)."""
    import matplotlib.pyplot as plt

    _share_mathtext()
    fig, (ax, log_ax) = plt.subplots(1, 2)
    ax.scatter([0.0, 1.0], [0.0, 1.0], label="data")
    ax.plot([0.0, 1.0], [0.0, 1.0], marker="o", label="model")
    ax.set(xlabel="x", ylabel="y", title="warm-up")
    ax.legend(fontsize=8)
    log_ax.plot([1.0, 10.0, 100.0], [-100.0, 0.5, 100.0])
    log_ax.set_xscale("log")
    log_ax.set_yscale("symlog", linthresh=1.0)  # tick labels are mathtext: $\mathdefault{10^{2}}$
    powers = [10.0**k for k in LOG_TICK_EXPONENTS]
    log_ax.set_xticks(powers)  # each labelled by the log formatter, as on any log axis
    log_ax.set_yticks([-p for p in powers] + [0.0] + powers)
    log_ax.set(xlabel=r"$\mathbf{x}_k$", ylabel=r"$f(x) = x^2$", title=r"$\hat{y} = \sigma(w x + b)$")
    fig.canvas.draw()
    plt.close(fig)


def _share_mathtext() -> None:
    """Matplotlib keeps what it parsed of a label's mathematics per figure (each renderer has a parser
    with its own cache), so each job parsed its plot's log tick labels again with pyparsing: about
    4 ms a label, 45 ms of drawing 01's plot. One cache per kind of output serves every figure of the
    process; a parse depends only on its key (text, dpi, font, antialiasing, hinting)."""
    from matplotlib.mathtext import MathTextParser

    first: dict[str, MathTextParser] = {}  # the parser that stands for every one of its kind
    parse = functools.lru_cache(maxsize=1024)(MathTextParser._parse_cached.__wrapped__)

    def parse_shared(self, *key):
        return parse(first.setdefault(self._output_type, self), *key)

    MathTextParser._parse_cached = parse_shared
