"""
Multi-horizon forecasts: the dependence between horizons
========================================================

A forecast of the next d values of a series is a d-dimensional target. Fitting one
univariate model per horizon gives good marginals, but drawing each horizon on its
own throws the dependence away: the joint draws are independent, however strongly
the horizons move together. :class:`~skquantile.ConvexMultivariateQuantileRegressor`
fits the joint law, so its draws carry the correlation.

The data come from :func:`~skquantile.datasets.make_multi_horizon` (d = 4), whose
true conditional covariance is known (``return_covariance=True``): an AR(1)-type
correlation :math:`\\rho(x)^{|h - h'|}` with :math:`\\rho(x) = 0.9\\, x_1`. At one
input row we compare the correlation matrix across horizons of

- the truth,
- four independent :class:`~skquantile.IncrementalQuantileRegressor` (one per
  horizon, sampled independently),
- the convex multivariate model (from its joint samples),

as three heatmaps, and print the mean absolute correlation error of both models.
Then we read the multivariate model's own quantiles: its diagonal
:math:`Q(t, \\dots, t)` against the per-output quantiles, and its vector ranks of
new rows as a multivariate PIT. The models are kept small so the script runs in
seconds; more epochs and a wider network fit the correlation more closely.
"""

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import chi2, norm

from skquantile import ConvexMultivariateQuantileRegressor, IncrementalQuantileRegressor
from skquantile.datasets import make_multi_horizon
from skquantile.plotting import JointSampleDisplay

# %%
# Data with a known covariance
# ----------------------------
# 1,500 training rows, four horizons. ``covariance(X)`` returns the true
# conditional covariance matrices, shape ``(n_rows, 4, 4)``.

n_horizons = 4
X, Y, covariance = make_multi_horizon(
    n_samples=1500, n_horizons=n_horizons, random_state=0, return_covariance=True
)
print("X:", X.shape, "Y:", Y.shape)


def correlation_from_covariance(cov):
    std = np.sqrt(np.diag(cov))
    return cov / np.outer(std, std)


# One input row where the horizons are strongly, positively correlated:
# x_1 = 0.9 gives rho = 0.81; x_0 sets the mean and the spread.
x_row = np.zeros((1, X.shape[1]))
x_row[0, 0], x_row[0, 1] = 0.5, 0.9
true_corr = correlation_from_covariance(covariance(x_row)[0])

# %%
# Independent univariate models
# -----------------------------
# One :class:`~skquantile.IncrementalQuantileRegressor` per horizon. Each can
# sample its own horizon, but nothing links the draws of different horizons. A
# short fit is enough here: more training sharpens the marginals, but the draws
# of different horizons stay independent.

small = dict(
    hidden_layer_sizes=(32,),
    max_epochs=5,
    batch_size=500,
    learning_rate=1e-2,
    early_stopping=False,
    random_state=0,
)
univariate = [
    IncrementalQuantileRegressor(**small).fit(X, Y[:, h]) for h in range(n_horizons)
]
n_draws = 4000
independent_draws = np.column_stack(
    [
        model.sample(x_row, n_samples=n_draws, random_state=h)[0]
        for h, model in enumerate(univariate)
    ]
)  # (n_draws, 4)
independent_corr = np.corrcoef(independent_draws, rowvar=False)

# %%
# One convex multivariate model
# -----------------------------
# ``sample(X, n_samples)`` returns joint draws of shape ``(n_rows, n_samples, d)``.
# A small network, 8 draws per training row, large batches and 25 epochs keep
# this fast.

joint = ConvexMultivariateQuantileRegressor(
    hidden_layer_sizes=(32,),
    potential_hidden=16,
    n_draws=8,
    max_epochs=25,
    batch_size=500,
    learning_rate=1e-2,
    early_stopping=False,
    random_state=0,
).fit(X, Y)
joint_draws = joint.sample(x_row, n_samples=n_draws, random_state=0)[0]  # (4000, 4)
joint_corr = np.corrcoef(joint_draws, rowvar=False)

# %%
# Three correlation matrices
# --------------------------
# The truth decays with the lag, 0.81, 0.66, 0.53; independent sampling gives
# (up to sampling noise) the identity; the convex model recovers the positive
# dependence, and how closely depends on the training budget.

off_diagonal = ~np.eye(n_horizons, dtype=bool)


def mean_abs_error(corr):
    return float(np.mean(np.abs(corr - true_corr)[off_diagonal]))


panels = [
    ("truth", true_corr),
    ("independent univariate", independent_corr),
    ("convex multivariate", joint_corr),
]
labels = [f"h={h + 1}" for h in range(n_horizons)]
fig, axes = plt.subplots(1, 3, figsize=(12, 4), layout="constrained")
for ax, (title, corr) in zip(axes, panels):
    image = ax.imshow(corr, vmin=-1, vmax=1, cmap="RdBu_r")
    for i in range(n_horizons):
        for j in range(n_horizons):
            ax.text(j, i, f"{corr[i, j]:.2f}", ha="center", va="center", fontsize=9)
    ax.set_xticks(range(n_horizons), labels)
    ax.set_yticks(range(n_horizons), labels)
    if title != "truth":
        title += f"\nmean |error| = {mean_abs_error(corr):.3f}"
    ax.set_title(title)
fig.colorbar(image, ax=axes, shrink=0.8, label="correlation")
fig.suptitle(r"Correlation across horizons at $x_0 = 0.5$, $x_1 = 0.9$")

# %%
# The diagonal is not the marginal quantiles
# ------------------------------------------
# The model's quantile map sends a latent level vector to a vector of outputs.
# Its diagonal ``predict_quantile(x, [0.9] * 4)`` is *not* the four outputs'
# 0.9-quantiles, which ``predict_marginal_quantile`` gives. On the joint draws
# below, the dashed lines are the marginal 0.9-quantiles and the green marks the
# diagonal point. With correlation 0.81 the horizons rise together, and the
# diagonal lies beyond the marginal quantiles: it is the 0.9 level of a latent
# direction, not of each output.

marginal_90 = joint.predict_marginal_quantile(x_row, 0.9)[0]  # (4,)
diagonal_90 = joint.predict_quantile(x_row, np.full(n_horizons, 0.9))[0]  # (4,)
display = JointSampleDisplay.from_predictions(joint_draws[:1000], output_names=labels)
for i in range(n_horizons):
    display.axes_[i, i].axvline(marginal_90[i], color="k", ls="--", lw=1)
    display.axes_[i, i].axvline(diagonal_90[i], color="C2", lw=2)
    for j in range(i):  # the pairwise panels are below the diagonal
        display.axes_[i, j].axvline(marginal_90[j], color="k", ls="--", lw=1)
        display.axes_[i, j].axhline(marginal_90[i], color="k", ls="--", lw=1)
        display.axes_[i, j].plot(diagonal_90[j], diagonal_90[i], "o", color="C2")
display.figure_.suptitle("Joint draws; marginal 0.9-quantiles (dashed), Q(0.9, ...)")
print("marginal 0.9-quantiles:", np.round(marginal_90, 2))
print("diagonal Q(0.9, ..., 0.9):", np.round(diagonal_90, 2))

# %%
# Ranks are a multivariate PIT
# ----------------------------
# ``predict_cdf(X, Y)`` inverts the map: the level vector whose quantile is the
# observed y. If the model is right, the ranks of new rows are i.i.d. uniform on
# :math:`(0, 1)^4`. Each coordinate's histogram (first four panels) is then flat,
# but flat histograms only test each coordinate on its own. The joint test is
# the *region level* of each row: with :math:`z = \Phi^{-1}(\text{rank})`, the
# latent that maps to y, it is :math:`\chi^2_4(\lVert z \rVert^2)`, the
# smallest coverage whose region (``predict_region``) contains y. Under a
# correct model it is uniform too, and the fraction of rows with a region level
# below 0.9 is the fraction inside the 90% region (``in_region``).
#
# Here the coordinates look flat, but the region levels pile up at both ends:
# more new rows than expected fall outside the 90% region (about 0.85 inside)
# and more sit very close to the centre. This small, briefly trained model's
# joint law is somewhat misshapen, which the per-coordinate histograms alone
# would not show.

X_new, Y_new = make_multi_horizon(n_samples=1000, n_horizons=n_horizons, random_state=1)
ranks = joint.predict_cdf(X_new, Y_new)  # (1000, 4)
latent = norm.ppf(ranks)  # the latent z that the model maps to each new y
region_level = chi2.cdf(np.sum(latent**2, axis=1), df=n_horizons)  # (1000,)
panels = [(f"rank of {label}", ranks[:, h]) for h, label in enumerate(labels)]
panels.append(("region level (joint)", region_level))
fig, axes = plt.subplots(1, len(panels), figsize=(14, 3), layout="constrained")
for ax, (title, values) in zip(axes, panels):
    ax.hist(values, bins=10, range=(0, 1), density=True, color="C0")
    ax.axhline(1.0, color="k", lw=1)
    ax.set(title=title, xlabel="level", ylim=(0, 2.5))
axes[0].set_ylabel("density")
inside = joint.in_region(X_new, Y_new, coverage=0.9).mean()

# %%
# The numbers
# -----------
# Mean absolute error of the off-diagonal correlations, and the coverage of the
# 90% region on new rows.

print(f"independent univariate models: {mean_abs_error(independent_corr):.3f}")
print(f"convex multivariate model:     {mean_abs_error(joint_corr):.3f}")
print(f"region level <= 0.9 on new rows: {np.mean(region_level <= 0.9):.3f}")
print(f"new rows inside the 90% region: {inside:.3f}")

plt.show()
