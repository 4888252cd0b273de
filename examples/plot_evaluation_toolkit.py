"""
Evaluation toolkit: six views of a distributional forecast
==========================================================

Fit one :class:`~skquantile.IncrementalQuantileRegressor` on
:func:`~skquantile.datasets.make_heteroscedastic` and look at it with the Display
objects of :mod:`skquantile.plotting`, scikit-learn style: each has
``from_estimator`` and ``from_predictions`` constructors and a ``plot`` method, and
keeps its artists (``ax_``, ``figure_``, ``lines_``, ...) for further styling.

- a quantile fan chart (:class:`~skquantile.plotting.QuantileFanDisplay`),
- the quantile function of three rows, knots marked
  (:class:`~skquantile.plotting.QuantileFunctionDisplay`),
- a PIT histogram (:class:`~skquantile.plotting.PITHistogramDisplay`),
- a level-calibration curve (:class:`~skquantile.plotting.LevelCalibrationDisplay`),
- a pairwise plot of joint draws (:class:`~skquantile.plotting.JointSampleDisplay`),
- the service-level trade-off of one row
  (:class:`~skquantile.plotting.ServiceLevelDisplay`).

Each plot is written to a PNG in ``--output-dir`` (default: the current
directory) and its path printed.
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")  # draw to files; no display needed

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.plotting import (
    JointSampleDisplay,
    LevelCalibrationDisplay,
    PITHistogramDisplay,
    QuantileFanDisplay,
    QuantileFunctionDisplay,
    ServiceLevelDisplay,
)

parser = argparse.ArgumentParser(
    description="Evaluation toolkit: six views of a distributional forecast"
)
parser.add_argument(
    "--output-dir",
    default=".",
    help="directory for the PNG files (default: the current directory)",
)
args, _ = parser.parse_known_args()  # extra arguments (e.g. notebooks) are ignored
output_dir = pathlib.Path(args.output_dir)
output_dir.mkdir(parents=True, exist_ok=True)


def save(display, filename):
    """Write a display's figure to ``output_dir / filename`` and print the path."""
    path = output_dir / filename
    display.figure_.savefig(path, dpi=110)
    plt.close(display.figure_)
    print(path)


# %%
# One model
# ---------
# 1,000 training rows and 1,000 held-out rows; a few seconds on a CPU. The
# evaluation plots below use the held-out rows.

X, y = make_heteroscedastic(n_samples=2000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)
model = IncrementalQuantileRegressor(max_epochs=50, random_state=0)
model.fit(X_train, y_train)

# %%
# Quantile fan chart
# ------------------
# The 50%, 80% and 95% central intervals and the median against ``x_0``, for the
# test rows with ``|x_1| < 0.2`` (``x_1`` shifts the median; the other features
# are noise): the spread grows with ``|x_0|``, more to the top than to the bottom
# (the noise is right-skewed).

near = np.abs(X_test[:, 1]) < 0.2
display = QuantileFanDisplay.from_estimator(
    model, X_test[near], y_test[near], feature=0, coverage=(0.5, 0.8, 0.95)
)
display.ax_.set(title=r"Central intervals of the test rows with $|x_1| < 0.2$")
save(display, "fan_chart.png")

# %%
# Quantile function
# -----------------
# q(alpha | x) for three rows, ``x_0`` = -0.9, 0 and 0.9 with the other features
# at 0. The markers are the model's knots: between them the quantile function is
# linear, outside them the tails take over. The skewed noise shows as a steeper
# right end.

X_rows = np.zeros((3, X.shape[1]))
X_rows[:, 0] = [-0.9, 0.0, 0.9]
display = QuantileFunctionDisplay.from_estimator(model, X_rows)
display.ax_.set_title(r"Quantile functions at $x_0$ = -0.9, 0, 0.9")
save(display, "quantile_function.png")

# %%
# PIT histogram
# -------------
# The forecast CDF at each observed target, F(y | x). Calibrated forecasts give
# uniform PIT values: bars within the grey band are consistent with sampling noise.

display = PITHistogramDisplay.from_estimator(model, X_test, y_test, n_bins=20)
display.ax_.set_title("PIT of 1,000 test rows")
save(display, "pit_histogram.png")

# %%
# Level calibration
# -----------------
# How often y <= q_alpha(x), level by level, on the test rows and (sharing the
# axes, legend label from ``name``) on the training rows.

display = LevelCalibrationDisplay.from_estimator(model, X_test, y_test, name="test")
LevelCalibrationDisplay.from_estimator(
    model, X_train, y_train, name="training", ax=display.ax_, band_coverage=None
)
display.ax_.set_title("Observed frequency against nominal level")
save(display, "level_calibration.png")

# %%
# Joint draws
# -----------
# The pairwise plot is made for the joint draws of a multivariate model, whose
# ``sample(X_row, n_samples=m)`` has shape (1, m, d); that model comes later. Here
# the draws come from a three-horizon Gaussian with correlated errors, and the
# red marks are one observed target.

rng = np.random.default_rng(0)
mean = np.array([10.0, 11.0, 12.5])
scale = np.array([1.0, 1.5, 2.0])
correlation = np.array([[1.0, 0.7, 0.4], [0.7, 1.0, 0.7], [0.4, 0.7, 1.0]])
covariance = correlation * np.outer(scale, scale)
draws = rng.multivariate_normal(mean, covariance, size=1000)
observed = rng.multivariate_normal(mean, covariance)
display = JointSampleDisplay.from_predictions(
    draws, y_true=observed, output_names=["day 1", "day 2", "day 3"]
)
display.figure_.suptitle("Joint draws for one row")
save(display, "joint_samples.png")

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
save(display, "service_level.png")
