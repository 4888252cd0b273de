"""make_multimodal: its quantile function and density are the truth.

The oracle below restates the documented law with scipy.stats, independently of the
module. Statistical tests use fixed seeds; each level's tolerance is Z_TOL = 4.5
binomial standard errors, a two-sided false-failure rate of 6.8e-6 per level (below
1e-4 for a whole test, by the union bound).
"""

import re

import numpy as np
import pytest
from scipy import integrate, stats

from skquantile.datasets import make_multimodal
from skquantile.datasets._multimodal import _draw_y

Z_TOL = 4.5
LEVELS = np.array([0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98])


def _law(X, noise=1.0):
    """Centres (n, 3), scale (n,) and weights (n, 3), from the docstring's formulas."""
    j = np.array([-1.0, 0.0, 1.0])
    delta = 1.5 + X[:, 0] / 2
    means = np.sin(np.pi * X[:, 0])[:, None] + j * delta[:, None]
    weights = np.exp(j * X[:, 1][:, None])
    return means, noise * delta / 4, weights / weights.sum(axis=1, keepdims=True)


def _cdf(X, y, upper=False):
    """F(y | x), or the survival function if ``upper``, for y of shape (n, m)."""
    means, scale, weights = _law(X)
    t = (y[..., None] - means[:, None, :]) / scale[:, None, None]
    tail = stats.norm.sf(t) if upper else stats.norm.cdf(t)
    return np.sum(weights[:, None, :] * tail, axis=-1)


def _corners(n_features=5):
    """Rows at the corners and the centre of (x_0, x_1), the rest zero."""
    pairs = [(-1, -1), (-1, 1), (1, -1), (1, 1), (0, 0), (0.5, -0.3)]
    X = np.zeros((len(pairs), n_features))
    X[:, :2] = pairs
    return X


@pytest.fixture(scope="module")
def data():
    X, y, qf, density = make_multimodal(
        n_samples=40_000,
        random_state=0,
        return_quantile_function=True,
        return_density=True,
    )
    return X, y, qf, density


@pytest.mark.parametrize(
    "alpha, shape", [(0.5, (7,)), ([0.5], (7, 1)), (np.array([0.1, 0.5, 0.9]), (7, 3))]
)
def test_quantile_function_shapes(data, alpha, shape):
    _, _, qf, _ = data
    assert qf(data[0][:7], alpha).shape == shape


@pytest.mark.parametrize(
    "y, shape", [(0.0, (7,)), (np.zeros(7), (7,)), (np.zeros((7, 4)), (7, 4))]
)
def test_density_shapes(data, y, shape):
    _, _, _, density = data
    assert density(data[0][:7], y).shape == shape


def test_return_order():
    assert len(make_multimodal(n_samples=3, random_state=0)) == 2
    X, y, density = make_multimodal(n_samples=3, random_state=0, return_density=True)
    assert X.shape == (3, 5) and y.shape == (3,)
    assert density(X, 0.0).shape == (3,)  # a quantile function would reject level 0
    X, y, qf = make_multimodal(
        n_samples=3, random_state=0, return_quantile_function=True
    )
    assert qf(X, 0.5).shape == (3,)


def test_reproducible_and_global_rng_untouched():
    state = np.random.get_state()
    X, y = make_multimodal(n_samples=50, n_features=3, random_state=0)
    X2, y2 = make_multimodal(n_samples=50, n_features=3, random_state=0)
    X3, y3 = make_multimodal(
        n_samples=50, n_features=3, random_state=np.random.RandomState(0)
    )
    X4, y4 = make_multimodal(n_samples=50, n_features=3)
    after = np.random.get_state()
    assert X.shape == (50, 3) and y.shape == (50,)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(y, y3)
    assert not np.array_equal(y, y4)
    assert state[0] == after[0] and state[2:] == after[2:]
    np.testing.assert_array_equal(state[1], after[1])


def test_hand_values_at_the_centre():
    """At x = 0: mu = 0, delta = 1.5, sigma = 0.375, weights 1/3 each.

    The law is symmetric about 0, so the median is 0 and q(1 - a) = -q(a). The
    density at 0 is (1 + 2 exp(-8)) / (3 sigma sqrt(2 pi)): the outer centres sit
    1.5 / 0.375 = 4 standard deviations away.
    """
    X, _, qf, density = make_multimodal(
        n_samples=1, random_state=0, return_quantile_function=True, return_density=True
    )
    x = np.zeros((1, 5))
    assert abs(qf(x, 0.5)[0]) <= 1e-12
    q = qf(x, [0.05, 0.95])[0]
    np.testing.assert_allclose(q[0], -q[1], rtol=1e-12)
    expected = (1 + 2 * np.exp(-8.0)) / (3 * 0.375 * np.sqrt(2 * np.pi))
    np.testing.assert_allclose(density(x, 0.0), [expected], rtol=1e-13)


def test_quantile_function_inverts_the_cdf(data):
    """F(q(alpha | x) | x) = alpha to 1e-10, and to 1e-9 relative in both tails."""
    X, _, qf, _ = data
    X = np.vstack([X[:300], _corners()])
    levels = np.array([1e-9, 1e-4, 0.01, 0.25, 0.5, 0.75, 0.99, 1 - 1e-4, 1 - 1e-9])
    q = qf(X, levels)
    np.testing.assert_allclose(_cdf(X, q), np.broadcast_to(levels, q.shape), atol=1e-10)
    lower = levels < 0.5
    np.testing.assert_allclose(_cdf(X, q[:, lower]) / levels[lower], 1, rtol=1e-9)
    upper_mass = _cdf(X, q[:, ~lower], upper=True)
    np.testing.assert_allclose(upper_mass / (1 - levels[~lower]), 1, rtol=1e-9)


def test_quantiles_nondecreasing_in_alpha(data):
    X, _, qf, _ = data
    q = qf(np.vstack([X[:50], _corners()]), np.linspace(0.001, 0.999, 999))
    assert np.all(np.diff(q, axis=1) >= 0)


def test_density_integrates_to_one(data):
    X, _, _, density = data
    for x in np.vstack([X[:3], _corners()[:2]]):
        total, _ = integrate.quad(
            lambda t, x=x: density(x[None], t)[0], -np.inf, np.inf, limit=200
        )
        assert abs(total - 1) <= 1e-8


def test_density_is_the_derivative_of_the_cdf(data):
    """Central differences with step h = 1e-5 err by about h^2 f''' / 6 < 1e-9."""
    X, _, qf, density = data
    X = np.vstack([X[:100], _corners()])
    y = qf(X, np.linspace(0.01, 0.99, 25))
    h = 1e-5
    slope = (_cdf(X, y + h) - _cdf(X, y - h)) / (2 * h)
    np.testing.assert_allclose(density(X, y), slope, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("x01", [(0.0, 0.0), (0.6, -0.8), (-0.9, 0.95)])
def test_coverage_of_draws_at_a_fixed_x(data, x01):
    """20,000 draws of y at one x: frequency of y <= q(alpha | x) per level."""
    _, _, qf, _ = data
    x = np.zeros((1, 5))
    x[0, :2] = x01
    y = _draw_y(np.repeat(x, 20_000, axis=0), 1.0, np.random.RandomState(1))
    observed = (y[:, None] <= qf(x, LEVELS)).mean(axis=0)
    se = np.sqrt(LEVELS * (1 - LEVELS) / y.size)
    np.testing.assert_array_less(np.abs(observed - LEVELS), Z_TOL * se)


def test_coverage_over_rows(data):
    """The public draws: frequency of y_i <= q(alpha | x_i) over 40,000 rows."""
    X, y, qf, _ = data
    observed = (y[:, None] <= qf(X, LEVELS)).mean(axis=0)
    se = np.sqrt(LEVELS * (1 - LEVELS) / y.size)
    np.testing.assert_array_less(np.abs(observed - LEVELS), Z_TOL * se)


def _count_modes(density, x, grid):
    f = density(x[None], np.broadcast_to(grid, (1, grid.size)))[0]
    return int(np.sum((f[1:-1] > f[:-2]) & (f[1:-1] > f[2:])))


def test_three_peaks_at_every_typical_x(data):
    X, _, _, density = data
    grid = np.linspace(-8.0, 8.0, 8001)
    counts = [_count_modes(density, x, grid) for x in np.vstack([X[:40], _corners()])]
    assert counts == [3] * len(counts)


@pytest.mark.parametrize("noise, n_peaks", [(1.4, 3), (2.5, 1)])
def test_noise_merges_the_peaks(noise, n_peaks):
    """The docstring's claim: three peaks up to noise 1.4, one from about 2.2."""
    X, _, density = make_multimodal(
        n_samples=20, noise=noise, random_state=0, return_density=True
    )
    grid = np.linspace(-12.0, 12.0, 8001)
    counts = [_count_modes(density, x, grid) for x in np.vstack([X, _corners()])]
    assert counts == [n_peaks] * len(counts)


def test_bad_parameters_and_inputs(data):
    X, _, qf, density = data
    with pytest.raises(ValueError, match="n_features"):
        make_multimodal(n_features=1)
    with pytest.raises(ValueError, match="noise"):
        make_multimodal(noise=0.0)
    msg = "X must be a 2-d array with 5 columns, as the generated X has; got an array"
    with pytest.raises(ValueError, match=re.escape(msg + " of shape (3, 4).")):
        qf(X[:3, :4], 0.5)
    with pytest.raises(ValueError, match=re.escape(msg + " of shape (5,).")):
        density(X[0], 0.0)
    with pytest.raises(ValueError, match=re.escape("got 1.0")):
        qf(X[:3], 1.0)
    with pytest.raises(ValueError, match=re.escape("got shape (4,)")):
        density(X[:3], np.zeros(4))
