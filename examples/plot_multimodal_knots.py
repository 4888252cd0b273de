"""
Three peaks: how many knots does the quantile function need?
============================================================

:class:`~skquantile.IncrementalQuantileRegressor` builds each row's quantile
function from its values at ``knots`` fixed levels, joined by linear pieces
(``n_pieces`` per interval between knots), with exponential tails. Its density
is piecewise constant between the breakpoints. With few knots it cannot follow a
density with several peaks; with more knots it can.

:func:`~skquantile.datasets.make_multimodal` draws y from a mixture of three
normals whose centres, spread and weights move with x, and returns the true
quantile function and density. We fit 5 knots and 20 knots, draw both densities
against the truth at two x values, and score both (and the truth) with the
99-level quantile-grid CRPS (:func:`~skquantile.metrics.crps_quantile_grid`).
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_multimodal
from skquantile.metrics import crps_quantile_grid

# %%
# Data with a known density
# -------------------------
# 4,000 rows: 3,000 to train on, 1,000 to score on.

X, y, true_quantile, true_density = make_multimodal(
    n_samples=4000,
    random_state=0,
    return_quantile_function=True,
    return_density=True,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=1000, random_state=0
)

# %%
# Two fits that differ only in the knots
# --------------------------------------
# ``knots=5`` puts knots at levels 1/6, ..., 5/6; ``knots=20`` at 1/21, ...,
# 20/21. Everything else (a small network, a fixed number of epochs) is shared.

common = dict(
    hidden_layer_sizes=(64,),
    max_epochs=60,
    early_stopping=False,
    batch_size=64,
    learning_rate=3e-3,
    random_state=0,
)
models = {
    "5 knots": IncrementalQuantileRegressor(knots=5, **common).fit(X_train, y_train),
    "20 knots": IncrementalQuantileRegressor(knots=20, **common).fit(X_train, y_train),
}

# %%
# Densities against the truth
# ---------------------------
# Two rows: ``x_0 = -0.5`` with the weight tilted to the lower peak
# (``x_1 = -1``), and ``x_0 = 0.5`` with it tilted to the upper peak
# (``x_1 = 1``). The other features do not matter; they stay at 0.

X_rows = np.zeros((2, X.shape[1]))
X_rows[:, 0] = [-0.5, 0.5]
X_rows[:, 1] = [-1.0, 1.0]
grid = np.linspace(-4.5, 4.5, 400)
grid_rows = np.broadcast_to(grid, (2, grid.size))

fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
truth_pdf = true_density(X_rows, grid_rows)
for (name, model), color in zip(models.items(), ["C1", "C0"]):
    pdf = model.predict_pdf(X_rows, grid_rows)
    for ax, row in zip(axes, pdf):
        ax.plot(grid, row, color=color, label=name)
for ax, row, x in zip(axes, truth_pdf, X_rows):
    ax.plot(grid, row, "k--", lw=1, label="true density")
    ax.set(xlabel="y", title=f"$x_0 = {x[0]:g}$, $x_1 = {x[1]:g}$")
axes[0].set_ylabel(r"density $f(y \mid x)$")
axes[0].set_ylim(0, 2.5 * truth_pdf.max())  # narrow spikes of the fits run off
axes[0].legend()

# %%
# Scores
# ------
# The CRPS on 99 levels, 0.01, ..., 0.99, over the held-out rows; lower is
# better, and the true quantile function (the oracle) sets the floor. On this
# small training budget the two fits score almost the same: the CRPS averages
# over the whole distribution and is not very sensitive to the shape of a peak.

levels = np.arange(1, 100) / 100
scores = {
    name: crps_quantile_grid(y_test, model.predict_quantile(X_test, levels), levels)
    for name, model in models.items()
}
scores["oracle (true quantiles)"] = crps_quantile_grid(
    y_test, true_quantile(X_test, levels), levels
)
for name, value in scores.items():
    print(f"CRPS (99 levels), {name:<24}{value:.4f}")

plt.show()
