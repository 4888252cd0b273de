"""
Service levels: how much stock is one point of service worth?
=============================================================

If ``y`` is tomorrow's demand for a product, stocking the ``alpha``-quantile
``q(alpha | x)`` meets all demand with probability ``alpha``: the service level.
One fitted :class:`~skquantile.IncrementalQuantileRegressor` answers every
question about that trade-off without a refit:

- the stock for 95% and for 94% service (``predict_quantile``), and the saving
  ``q(0.95) - q(0.94)`` of giving up one point,
- the marginal stock per point of service, ``0.01 * dq/dalpha``, across levels
  (``predict_quantile_slope``),
- the expected lost sales at the chosen stock (``predict_expected_excess``),
- the newsvendor stock, the quantile at ``c_u / (c_u + c_o)``.

The demand is :func:`~skquantile.datasets.make_heteroscedastic` shifted and
scaled to look like unit sales: right-skewed, with a spread that depends on x.
The script ends by printing the average stock saved by going from 95% to 94%.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import train_test_split

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.plotting import ServiceLevelDisplay

# %%
# Demand data and one model
# -------------------------
# 2,500 rows (2,000 to train on, 500 "products" to plan for). Demand is
# ``100 + 20 y``, so it is positive and in units.

X, y = make_heteroscedastic(n_samples=2500, random_state=0)
demand = 100 + 20 * y
X_train, X_plan, d_train, d_plan = train_test_split(
    X, demand, test_size=500, random_state=0
)
model = IncrementalQuantileRegressor(
    hidden_layer_sizes=(64,),
    max_epochs=100,
    early_stopping=False,
    batch_size=64,
    learning_rate=3e-3,
    random_state=0,
).fit(X_train, d_train)

# %%
# 95% or 94% service?
# -------------------
# Two quantiles of the same fitted distribution. They never cross, so the saving
# is never negative.

stock = model.predict_quantile(X_plan, [0.94, 0.95])  # (500, 2)
saving = stock[:, 1] - stock[:, 0]
print(f"mean stock for 95% service: {stock[:, 1].mean():8.2f} units")
print(f"mean stock for 94% service: {stock[:, 0].mean():8.2f} units")
print(f"saving per product: min {saving.min():.2f}, max {saving.max():.2f} units")

# %%
# Did the stock deliver the promised service on the held-out demand? The share
# of products whose demand did not exceed their stock should be near 0.94 and
# 0.95.

for j, level in enumerate([0.94, 0.95]):
    achieved = np.mean(d_plan <= stock[:, j])
    print(f"target {level:.0%} service: achieved {achieved:.3f}")

# %%
# The marginal stock per point of service
# ---------------------------------------
# ``0.01 * predict_quantile_slope`` is about the extra stock one more point of
# service costs. It grows steeply in the upper tail: the last points of service
# are the most expensive. Between two knots (every 0.05 by default) the quantile
# function is linear, so the slope is constant there and jumps at each knot; at
# a knot level it is the slope just above the knot. The saving
# ``q(0.95) - q(0.94)`` above is 0.01 times the slope of the piece from 0.90 to
# 0.95, the value printed at 90%; the value at 95% is already the upper tail's.

levels = np.linspace(0.5, 0.99, 50)
per_point = 0.01 * model.predict_quantile_slope(X_plan, levels)  # (500, 50)
for level in (0.5, 0.8, 0.9, 0.95, 0.99):
    j = int(np.argmin(np.abs(levels - level)))
    print(f"one more point of service at {level:.0%}: {per_point[:, j].mean():6.2f}")

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.fill_between(
    levels,
    *np.percentile(per_point, [10, 90], axis=0),
    alpha=0.3,
    label="10-90% of products",
)
ax.plot(levels, per_point.mean(axis=0), label="mean over products")
ax.set(
    xlabel=r"service level $\alpha$",
    ylabel="extra stock for one more point",
    title=r"Marginal stock $0.01\,dq/d\alpha$",
)
ax.legend()

# %%
# Expected lost sales
# -------------------
# At a stock ``t`` the expected unmet demand is ``E[(y - t)_+ | x]``, in closed
# form. Going from 95% to 94% saves stock and costs some extra lost sales.

lost = model.predict_expected_excess(X_plan, stock)  # (500, 2), stock per row
print(f"expected lost sales at 95%: {lost[:, 1].mean():.3f} units per product")
print(f"expected lost sales at 94%: {lost[:, 0].mean():.3f} units per product")
actual = np.maximum(d_plan[:, None] - stock, 0).mean(axis=0)
print(f"observed lost sales (95%, 94%): {actual[1]:.3f}, {actual[0]:.3f}")

# %%
# The newsvendor stock
# --------------------
# With a cost ``c_u`` per unit of unmet demand and ``c_o`` per unit left over,
# the stock that minimises the expected cost is the quantile at the critical
# ratio ``c_u / (c_u + c_o)``. Here a lost sale costs 9 and a leftover 1, so the
# best service level is 90%.

c_u, c_o = 9.0, 1.0
ratio = c_u / (c_u + c_o)
newsvendor = model.predict_quantile(X_plan, ratio)
mean_demand = model.predict_mean(X_plan)
excess = model.predict_expected_excess(X_plan, newsvendor)
leftover = excess - mean_demand + newsvendor  # E[(t - y)_+] = E[(y - t)_+] - E[y] + t
cost = c_u * excess + c_o * leftover
print(f"newsvendor level {ratio:.2f}: mean stock {newsvendor.mean():.2f} units")
print(f"expected cost per product: {cost.mean():.3f}")

# %%
# One product's trade-off
# -----------------------
# :class:`~skquantile.plotting.ServiceLevelDisplay` draws the stock against the
# service level for one row, with the marginal stock on a second axis and the
# chosen levels annotated.

display = ServiceLevelDisplay.from_estimator(
    model, X_plan[:1], highlight=[ratio, 0.94, 0.95]
)
display.ax_.set_title("Stock against service level, product 0")

# %%
# The number to compare
# ---------------------
# Giving up one point of service, from 95% to 94%, frees on average this much
# stock per product:

print(f"average stock saving q(0.95) - q(0.94): {saving.mean():.3f} units")

plt.show()
