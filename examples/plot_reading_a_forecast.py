"""
Reading a fitted distribution: quantiles, CDF, intervals, samples, plots
========================================================================

One :class:`~skquantile.IncrementalQuantileRegressor`, fitted once on
:func:`~skquantile.datasets.make_heteroscedastic`, answers every question about the
conditional law of y given x. This example reads it in numbers (quantiles, CDF
values, intervals, means, draws) and in pictures, with the Display objects of
:mod:`skquantile.plotting`, scikit-learn style: each has ``from_estimator`` and
``from_predictions`` constructors and a ``plot`` method, and keeps its artists
(``ax_``, ``figure_``, ``lines_``, ...) for further styling.

- the quantile function and the CDF of three rows
  (:class:`~skquantile.plotting.QuantileFunctionDisplay`),
- a quantile fan chart (:class:`~skquantile.plotting.QuantileFanDisplay`),
- a PIT histogram and a level-calibration curve
  (:class:`~skquantile.plotting.PITHistogramDisplay`,
  :class:`~skquantile.plotting.LevelCalibrationDisplay`),
- the service-level trade-off of one row
  (:class:`~skquantile.plotting.ServiceLevelDisplay`).

It ends with the held-out coverage of the 90% intervals and the mean CRPS.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.metrics import interval_coverage
from skquantile.plotting import (
    LevelCalibrationDisplay,
    PITHistogramDisplay,
    QuantileFanDisplay,
    QuantileFunctionDisplay,
    ServiceLevelDisplay,
)

# %%
# One model
# ---------
# 4,000 training rows and 1,000 held-out rows, a network of two hidden layers of
# 64 units, and the default training (early stopping on a tenth of the rows);
# about 10 seconds on a CPU. The evaluation plots below use the held-out rows.
# ``true_quantile`` is the data's true quantile function, to check the numbers.

X, y, true_quantile = make_heteroscedastic(
    n_samples=5000, random_state=0, return_quantile_function=True
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=1000, random_state=0
)
model = IncrementalQuantileRegressor(hidden_layer_sizes=(64, 64), random_state=0)
model.fit(X_train, y_train)

# %%
# The quantile function and the CDF
# ---------------------------------
# For each row x the model holds a quantile function :math:`q(\alpha \mid x)`:
# the value below which y falls with probability alpha. Its inverse is the CDF
# :math:`F(y \mid x) = P(Y \le y \mid x)`; the two panels are the same curves
# with the axes swapped. Three rows, ``x_0`` = -0.9, 0 and 0.9 with the other
# features at 0. The markers are the model's knots: between them the quantile
# function is linear, outside them the exponential tails take over. The spread
# grows with ``|x_0|``, and the right-skewed noise shows as a steeper right end.

X_rows = np.zeros((3, X.shape[1]))
X_rows[:, 0] = [-0.9, 0.0, 0.9]
fig, (ax_q, ax_cdf) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
display = QuantileFunctionDisplay.from_estimator(model, X_rows, ax=ax_q)
for line, x0 in zip(display.lines_, X_rows[:, 0]):
    line.set_label(f"$x_0$ = {x0:g}")
ax_q.legend()
ax_q.set_title(r"Quantile functions $q(\alpha \mid x)$")
grid = np.linspace(-4, 6, 300)
cdf = model.predict_cdf(X_rows, np.broadcast_to(grid, (3, grid.size)))  # (3, 300)
for row, x0 in zip(cdf, X_rows[:, 0]):
    ax_cdf.plot(grid, row, label=f"$x_0$ = {x0:g}")
ax_cdf.set(xlabel="y", ylabel=r"$F(y \mid x)$", title=r"CDFs $F(y \mid x)$")
ax_cdf.legend()

# %%
# ``predict_cdf`` is the exact inverse of ``predict_quantile``:

levels = np.linspace(0.001, 0.999, 999)
quantiles = model.predict_quantile(X_rows, levels)  # (3, 999)
round_trip = model.predict_cdf(X_rows, quantiles)  # (3, 999)
print(f"max |F(q(alpha)) - alpha|: {np.abs(round_trip - levels).max():.1e}")

# %%
# Numbers for three rows
# ----------------------
# The median, the analytic mean and the mean of 20,000 draws, a central 90%
# interval, and the probability that y is below 0, each with the true value
# below it. The noise is skewed to the right, so the mean lies above the median.
# The fit is close at the outer rows; at ``x_0 = 0``, where the true spread is
# smallest, its interval is about twice too wide: 4,000 rows do not pin down how
# fast the spread shrinks there.

interval = model.predict_interval(X_rows, coverage=0.9)  # (3, 2)
draws = model.sample(X_rows, n_samples=20_000, random_state=0)  # (3, 20000)
median, mean = model.predict(X_rows), model.predict_mean(X_rows)
below_zero = model.predict_cdf(X_rows, 0.0)  # (3,)

# The true quantiles on a fine grid of levels: their mean is the true mean, and
# the share of them at or below 0 is the true P(y <= 0).
fine = true_quantile(X_rows, (np.arange(100_000) + 0.5) / 100_000)  # (3, 100000)
true_interval = true_quantile(X_rows, [0.05, 0.95])
true_median, true_mean = true_quantile(X_rows, 0.5), fine.mean(axis=1)
true_below_zero = (fine <= 0).mean(axis=1)

print(" x_0         median   mean  draws      90% interval  P(y<=0)")
for i, x0 in enumerate(X_rows[:, 0]):
    low, high = interval[i]
    print(
        f"{x0:>4.1f} model {median[i]:>7.3f} {mean[i]:>6.3f} {draws[i].mean():>6.3f}"
        f"   [{low:>6.2f}, {high:>5.2f}] {below_zero[i]:>8.3f}"
    )
    low, high = true_interval[i]
    print(
        f"     truth {true_median[i]:>7.3f} {true_mean[i]:>6.3f} {'':>6}"
        f"   [{low:>6.2f}, {high:>5.2f}] {true_below_zero[i]:>8.3f}"
    )

# %%
# Quantile fan chart
# ------------------
# The 50%, 80% and 95% central intervals and the median against ``x_0``, for the
# test rows with ``|x_1| < 0.2`` (``x_1`` shifts the median; the other features
# are noise).

near = np.abs(X_test[:, 1]) < 0.2
display = QuantileFanDisplay.from_estimator(
    model, X_test[near], y_test[near], feature=0, coverage=(0.5, 0.8, 0.95)
)
display.ax_.set(title=r"Central intervals of the test rows with $|x_1| < 0.2$")

# %%
# Calibration: PIT histogram and level calibration
# ------------------------------------------------
# Left, the forecast CDF at each observed target, F(y | x). Calibrated forecasts
# give uniform PIT values: bars within the grey band are consistent with sampling
# noise. Right, how often y <= q_alpha(x), level by level, on the test rows and
# on the training rows.

fig, (ax_pit, ax_levels) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
PITHistogramDisplay.from_estimator(model, X_test, y_test, n_bins=20, ax=ax_pit)
ax_pit.set_title("PIT of 1,000 test rows")
LevelCalibrationDisplay.from_estimator(model, X_test, y_test, name="test", ax=ax_levels)
LevelCalibrationDisplay.from_estimator(
    model, X_train, y_train, name="training", ax=ax_levels, band_coverage=None
)
ax_levels.set_title("Observed frequency against nominal level")

# %%
# Service-level trade-off
# -----------------------
# Read y as demand for the row with ``x_0`` = 0.9: stocking q(alpha | x) meets
# demand with probability alpha. The dashed curve, dq/dalpha, is the extra stock
# per unit of service level; the annotations give the stock at 90%, 95% and 99%
# service and the extra stock over the previous level.

display = ServiceLevelDisplay.from_estimator(
    model, X_rows[2:], highlight=(0.9, 0.95, 0.99)
)
display.ax_.set_title(r"Stock against service level, $x_0$ = 0.9")

# %%
# Held-out scores
# ---------------
# The share of test rows inside their 90% interval (nominal 0.9) and the mean
# closed-form CRPS (lower is better).

coverage = interval_coverage(y_test, model.predict_interval(X_test, coverage=0.9))
print(f"90% interval coverage on 1,000 test rows: {coverage:.3f}")
print(f"mean CRPS on 1,000 test rows: {model.crps(X_test, y_test).mean():.4f}")

plt.show()
