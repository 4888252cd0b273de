"""
One model for every level against one model per level
=====================================================

The usual way to get many quantiles from scikit-learn is one
:class:`~sklearn.ensemble.HistGradientBoostingRegressor` with ``loss="quantile"``
per level. Here we fit one :class:`~skquantile.IncrementalQuantileRegressor` for
all levels instead, on :func:`~skquantile.datasets.make_heteroscedastic` (skewed
noise whose spread grows with ``|x_0|``), and compare the two on three counts:

- the coverage of the 90% interval (it should be close to 0.90),
- the CRPS on a grid of 99 levels, 0.01, ..., 0.99
  (:func:`~skquantile.metrics.crps_quantile_grid`; lower is better),
- the fraction of test rows whose quantiles cross (a lower level above a higher).

The script ends by printing the two CRPS values and their difference.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.metrics import crps_quantile_grid

# %%
# Data with a known answer
# ------------------------
# 3,000 rows: 1,500 to train on and 1,500 to evaluate on. ``true_quantile`` gives
# the true conditional quantiles, so the truth can be scored the same way.

X, y, true_quantile = make_heteroscedastic(
    n_samples=3000, random_state=0, return_quantile_function=True
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
levels = np.arange(1, 100) / 100  # 0.01, 0.02, ..., 0.99

# %%
# One model, every level
# ----------------------
# The default estimator: a network of two hidden layers of 128 units, trained on
# the CRPS; the defaults hold out a tenth of the rows to choose the number of
# epochs, then refit on all of them. Its 99 quantiles come from one fitted
# quantile function, so they cannot cross.

model = IncrementalQuantileRegressor(random_state=0).fit(X_train, y_train)
ours = model.predict_quantile(X_test, levels)  # (n_test, 99)

# %%
# One model per level
# -------------------
# 99 gradient-boosting fits, one per level. Each is trained on its own pinball
# loss, and nothing ties neighbouring levels together. Small trees keep each fit
# quick, and one OpenMP thread per fit avoids the thread start-up cost that
# dominates 99 tiny fits on a busy machine.

with threadpool_limits(limits=1, user_api="openmp"):
    boosters = [
        HistGradientBoostingRegressor(
            loss="quantile", quantile=a, max_iter=30, max_leaf_nodes=8, random_state=0
        ).fit(X_train, y_train)
        for a in levels
    ]
    per_level = np.column_stack([b.predict(X_test) for b in boosters])
truth = true_quantile(X_test, levels)

# %%
# Compare
# -------
# The 90% interval runs from the 0.05 to the 0.95 quantile (columns 4 and 94 of
# the grid). A row "crosses" when any of its 99 quantiles is below the one of the
# level before it.

i05, i95 = np.searchsorted(levels, [0.05, 0.95])


def summary(q):
    lower, upper = q[:, i05], q[:, i95]
    return {
        "coverage": np.mean((lower <= y_test) & (y_test <= upper)),
        "crps": crps_quantile_grid(y_test, q, levels),
        "crossing": np.mean(np.any(np.diff(q, axis=1) < 0, axis=1)),
    }


results = {
    "IncrementalQuantileRegressor": summary(ours),
    "HistGradientBoosting x 99": summary(per_level),
    "true quantile function": summary(truth),
}
header = f"{'model':<30}{'90% coverage':>14}{'CRPS (99)':>11}{'crossing rows':>15}"
print(header)
print("-" * len(header))
for name, r in results.items():
    print(f"{name:<30}{r['coverage']:>14.3f}{r['crps']:>11.4f}{r['crossing']:>15.1%}")

# %%
# Where the per-level quantiles cross
# -----------------------------------
# Left: the quantile function of a typical test row (the one with the median
# number of crossings), level on the horizontal axis. The single model's curve
# rises everywhere; the per-level curve, pieced together from 99 separate fits,
# is jagged and falls back in places (marked in red): there a higher level gets
# a *lower* quantile, which no distribution can have.

n_drops = np.sum(np.diff(per_level, axis=1) < 0, axis=1)
row = int(np.argsort(n_drops, kind="stable")[len(n_drops) // 2])
drops = np.flatnonzero(np.diff(per_level[row]) < 0) + 1

fig, (ax_row, ax_fan) = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
ax_row.plot(levels, truth[row], "k--", lw=1, label="true")
ax_row.plot(levels, ours[row], color="C0", label="one model")
ax_row.plot(levels, per_level[row], color="C1", label="one model per level")
ax_row.plot(
    levels[drops], per_level[row, drops], "o", color="C3", ms=4, label="crossing"
)
ax_row.set(
    xlabel=r"level $\alpha$",
    ylabel=r"$q(\alpha \mid x)$",
    title=f"Quantile function of test row {row}",
)
ax_row.legend(fontsize="small")

# Right: the two models along a slice through feature space: ``x_0`` runs from
# -1 to 1 and the other features stay at 0. The band is the single model's
# 5-95% range, the orange lines the per-level models' 5% and 95% quantiles, the
# dashed lines the true ones.

X_slice = np.zeros((200, X.shape[1]))
X_slice[:, 0] = np.linspace(-1, 1, 200)
x0 = X_slice[:, 0]
band_ours = model.predict_quantile(X_slice, [0.05, 0.95])
with threadpool_limits(limits=1, user_api="openmp"):
    band_hgb = np.column_stack([boosters[i].predict(X_slice) for i in (i05, i95)])
band_true = true_quantile(X_slice, [0.05, 0.95])

ax_fan.fill_between(x0, *band_ours.T, color="C0", alpha=0.3, label="one model")
ax_fan.plot(x0, band_hgb, color="C1", lw=1.2)
ax_fan.plot([], [], color="C1", label="one model per level")
ax_fan.plot(x0, band_true, "k--", lw=1)
ax_fan.plot([], [], "k--", lw=1, label="true")
ax_fan.set(
    xlabel="$x_0$ (other features at 0)",
    ylabel="y",
    title="90% interval (5% to 95%)",
)
ax_fan.legend(fontsize="small", loc="upper center")

# %%
# The number to compare
# ---------------------
# The 99-level CRPS of both models, and how much lower the single model's is
# (a positive difference favours the single model). On this data the 99
# boosting models score slightly better, by about 0.006, about 1% of the CRPS,
# and their 90% interval covers a little less than the single model's (0.879
# against 0.889). What the per-level models cannot give is a distribution: on
# every test row some of their quantiles cross, and a level they were not
# fitted for (0.975, say) needs another fit.

crps_ours = results["IncrementalQuantileRegressor"]["crps"]
crps_hgb = results["HistGradientBoosting x 99"]["crps"]
print(
    f"CRPS (99 levels): one model {crps_ours:.4f}, one model per level "
    f"{crps_hgb:.4f}, difference {crps_hgb - crps_ours:+.4f}"
)

plt.show()
