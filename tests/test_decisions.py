"""Decision methods of IncrementalQuantileRegressor against quadrature and Monte Carlo.

``predict_expected_excess`` and ``predict_expected_shortfall`` are checked against
Gauss-Legendre quadrature of the fitted model's own ``predict_quantile`` (to 1e-8
relative) and against 10**6 draws from its ``sample`` (within 4 standard errors);
``predict_quantile_slope`` against central differences of ``predict_quantile`` away
from the knots. The maths itself is checked against the float64 reference in
``tests/distributions/test_isqf.py`` (oracle 9).
"""

import re

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic

GL_NODES, GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
# Tail grids: 2**-i times the tail mass, i = 0..TAIL_HALVINGS. Beyond the last one
# the right tail holds at most 2**-40 (1 - x_K) ~ 5e-14 of mass, whose integral of
# |q| is below 1e-11: far under the 1e-8 tolerance.
TAIL_HALVINGS = 40


@pytest.fixture(scope="module")
def model():
    X, y = make_heteroscedastic(n_samples=300, random_state=0)
    y = 10.0 + 3.0 * y  # away from 0 and unit scale, so y_loc_ and y_scale_ matter
    est = IncrementalQuantileRegressor(
        knots=5, hidden_layer_sizes=(16,), max_epochs=20, random_state=0
    )
    return est.fit(X, y), X[:4]


def _nodes(lo, hi):
    half = (hi - lo)[:, None] / 2
    return ((lo + hi)[:, None] / 2 + half * GL_NODES).ravel(), (
        half * GL_WEIGHTS
    ).ravel()


def _split(lo, hi, at):
    """Split every interval [lo, hi] that strictly contains ``at`` in two."""
    inside = (lo < at) & (at < hi)
    lo = np.concatenate([lo, np.full(inside.sum(), at)])
    return lo, np.concatenate([np.where(inside, at, hi), hi[inside]])


def level_rule(knots, split):
    """Nodes and weights over (0, 1): the pieces between knots and geometric grids in
    both tails (the right one built in v = 1 - alpha), split at the level ``split``."""
    halvings = 2.0 ** -np.arange(TAIL_HALVINGS + 1)
    x1, xK = knots[0], knots[-1]
    lo = np.concatenate([x1 * halvings[1:], knots[:-1]])
    hi = np.concatenate([x1 * halvings[:-1], knots[1:]])
    nodes, weights = _nodes(*_split(lo, hi, split))
    right = (1 - xK) * halvings
    v, w_right = _nodes(*_split(right[1:], right[:-1], 1 - split))
    return np.concatenate([nodes, 1 - v]), np.concatenate([weights, w_right])


def quadrature(est, x_row, split, g):
    """Integral over alpha of g(alpha, q(alpha | x_row)), the pieces split at split."""
    alpha, weights = level_rule(est.knot_levels_, split)
    alpha = np.clip(alpha, 1e-300, 1 - 2**-53)
    q = est.predict_quantile(x_row[None], alpha)[0]
    return float(np.sum(weights * g(alpha, q)))


def thresholds(est, x_row):
    """Thresholds in both tails, at every knot value and between knots."""
    q = est.predict_quantile(x_row[None], est.knot_levels_)[0]
    spread = q[-1] - q[0]
    mids = (q[:-1] + q[1:]) / 2
    return np.concatenate([[q[0] - 3 * spread, q[0] - 0.1], q, mids, [q[-1] + spread]])


def test_expected_excess_against_quadrature(model):
    est, X = model
    for x_row in X:
        t = thresholds(est, x_row)
        excess = est.predict_expected_excess(
            x_row[None], np.broadcast_to(t, (1, t.size))
        )[0]
        level = est.predict_cdf(x_row[None], np.broadcast_to(t, (1, t.size)))[0]
        for t_k, level_k, got in zip(t, level, excess):
            expected = quadrature(
                est, x_row, level_k, lambda a, q, t_k=t_k: np.maximum(q - t_k, 0.0)
            )
            assert abs(got - expected) <= 1e-8 * abs(expected) + 1e-12, (t_k, got)


def test_expected_shortfall_against_quadrature(model):
    est, X = model
    alpha = np.array([1e-6, 0.01, 0.1, 1 / 6, 0.3, 0.5, 0.77, 5 / 6, 0.9, 0.999])
    shortfall = est.predict_expected_shortfall(X, alpha)
    for x_row, row in zip(X, shortfall):
        for a_k, got in zip(alpha, row):
            upper = quadrature(
                est, x_row, a_k, lambda a, q, a_k=a_k: np.where(a >= a_k, q, 0.0)
            )
            expected = upper / (1 - a_k)
            assert abs(got - expected) <= 1e-8 * abs(expected), (a_k, got, expected)


def test_decisions_against_monte_carlo(model):
    # 10**6 draws per row. Each comparison fails with probability ~6e-5 (4 standard
    # errors, normal approximation) for a random seed; the seed here is fixed.
    est, X = model
    n_draws = 10**6
    draws = est.sample(X[:2], n_samples=n_draws, random_state=0)
    t = est.predict_quantile(X[:2], 0.8)
    excess = est.predict_expected_excess(X[:2], t)
    alpha = 0.9
    q = est.predict_quantile(X[:2], alpha)
    shortfall = est.predict_expected_shortfall(X[:2], alpha)
    for i in range(2):
        lost = np.maximum(draws[i] - t[i], 0.0)
        se = lost.std() / np.sqrt(n_draws)
        assert abs(lost.mean() - excess[i]) < 4 * se
        # ES = E[Y 1{Y >= q}] / (1 - alpha), with q the exact quantile.
        tail = np.where(draws[i] >= q[i], draws[i], 0.0) / (1 - alpha)
        se = tail.std() / np.sqrt(n_draws)
        assert abs(tail.mean() - shortfall[i]) < 4 * se


def test_quantile_slope_against_central_differences(model):
    est, X = model
    knots = est.knot_levels_
    mids = (knots[:-1] + knots[1:]) / 2
    alpha = np.concatenate([[1e-4, 0.05, knots[0] / 2], mids, [0.9, 0.99, 1 - 1e-4]])
    h = 1e-4 * np.minimum(alpha, 1 - alpha)
    slope = est.predict_quantile_slope(X, alpha)
    diff = (est.predict_quantile(X, alpha + h) - est.predict_quantile(X, alpha - h)) / (
        2 * h
    )
    np.testing.assert_allclose(slope, diff, rtol=1e-6)
    # The exact stock change between two levels is the integral of the slope.
    q = est.predict_quantile(X, [0.94, 0.95])
    grid = np.linspace(0.94, 0.95, 2001)
    integral = np.trapezoid(est.predict_quantile_slope(X, grid), grid, axis=1)
    np.testing.assert_allclose(integral, q[:, 1] - q[:, 0], rtol=1e-5)


def test_newsvendor_stock_is_the_critical_fractile(model):
    # Expected cost of stock t: c_u E[(Y - t)+] + c_o E[(t - Y)+], with
    # E[(t - Y)+] = E[(Y - t)+] - E[Y] + t. It is minimised at q(c_u / (c_u + c_o)).
    est, X = model
    c_u, c_o = 4.0, 1.0
    stock = est.predict_quantile(X, c_u / (c_u + c_o))
    mean = est.predict_mean(X)
    offsets = np.linspace(-1.0, 1.0, 41)
    t = stock[:, None] + offsets
    excess = est.predict_expected_excess(X, t)
    cost = c_u * excess + c_o * (excess - mean[:, None] + t)
    assert (np.argmin(cost, axis=1) == 20).all()


def test_shapes(model):
    est, X = model
    n = X.shape[0]
    assert est.predict_expected_excess(X, 10.0).shape == (n,)
    assert est.predict_expected_excess(X, np.full(n, 10.0)).shape == (n,)
    assert est.predict_expected_excess(X, np.zeros((n, 3))).shape == (n, 3)
    for method in (est.predict_expected_shortfall, est.predict_quantile_slope):
        assert method(X, 0.9).shape == (n,)
        assert method(X, [0.9]).shape == (n, 1)
        assert method(X, [0.5, 0.9, 0.99]).shape == (n, 3)
        assert method(X, 0.9).dtype == np.float64
    # One value per row and a broadcast scalar agree.
    np.testing.assert_array_equal(
        est.predict_expected_excess(X, 10.0),
        est.predict_expected_excess(X, np.full(n, 10.0)),
    )


def test_limits(model):
    est, X = model
    # Far below the support Pi(t) = E[Y] - t; far above it is 0 (and at +inf).
    mean = est.predict_mean(X)
    np.testing.assert_allclose(
        est.predict_expected_excess(X, -1e4), mean + 1e4, rtol=1e-12
    )
    np.testing.assert_array_equal(est.predict_expected_excess(X, np.inf), 0.0)
    # ES at a tiny level is the mean; it is at least the quantile.
    np.testing.assert_allclose(
        est.predict_expected_shortfall(X, 1e-12), mean, rtol=1e-9
    )
    alpha = np.linspace(0.01, 0.99, 50)
    es = est.predict_expected_shortfall(X, alpha)
    assert (es >= est.predict_quantile(X, alpha)).all()
    assert (np.diff(es, axis=1) > 0).all()


def test_errors(model):
    est, X = model
    msg = (
        "alpha must lie in the open interval (0, 1); got 1.0. Use a level such as "
        "0.001 or 0.999 for an extreme quantile."
    )
    for method in (est.predict_expected_shortfall, est.predict_quantile_slope):
        with pytest.raises(ValueError, match=re.escape(msg)):
            method(X, 1.0)
    msg = "threshold must not contain NaN; got NaN at index (1,)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.predict_expected_excess(X, [0.0, np.nan, 0.0, 0.0])
    msg = (
        "threshold must be a scalar, or have one value per row of X (4); "
        "got shape (3,)."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.predict_expected_excess(X, [0.0, 1.0, 2.0])
    unfitted = IncrementalQuantileRegressor()
    for method, arg in [
        (unfitted.predict_expected_excess, 0.0),
        (unfitted.predict_expected_shortfall, 0.5),
        (unfitted.predict_quantile_slope, 0.5),
    ]:
        with pytest.raises(NotFittedError):
            method(X, arg)


def test_per_row_levels(model):
    # A 2-d alpha gives each row its own levels (e.g. a service level per product):
    # the same values as the shared levels, row by row.
    est, X = model
    service = np.array([0.9, 0.5, 0.99, 1e-6])
    per_row = est.predict_quantile(X, service[:, None])
    assert per_row.shape == (4, 1)
    np.testing.assert_array_equal(
        per_row[:, 0], np.diag(est.predict_quantile(X, service))
    )
    for method in (est.predict_expected_shortfall, est.predict_quantile_slope):
        np.testing.assert_array_equal(
            method(X, service[:, None])[:, 0], np.diag(method(X, service))
        )
    msg = (
        "alpha of shape (n_samples, m) gives levels per row and must have "
        "n_samples = 4 rows, as X has; got shape (2, 1). For levels shared by all "
        "rows pass a 1-d array."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.predict_quantile(X, service[:2, None])
    msg = "alpha must lie in the open interval (0, 1); got 0.0 at index (1, 0)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        est.predict_quantile(X, np.array([[0.5], [0.0], [0.5], [0.5]]))
