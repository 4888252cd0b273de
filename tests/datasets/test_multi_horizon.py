"""make_multi_horizon: its marginal quantiles and covariance are the truth.

Statistical tests use fixed seeds; each tolerance is Z_TOL = 4.5 standard errors, a
two-sided false-failure rate of 6.8e-6 per compared number (below 1e-3 for a whole
test, by the union bound).
"""

import re

import numpy as np
import pytest
from scipy import stats

from skquantile.datasets import make_multi_horizon
from skquantile.datasets._multi_horizon import _draw_y

Z_TOL = 4.5
LEVELS = np.array([0.02, 0.1, 0.5, 0.9, 0.98])


def _row(x0, x1, n_features=5):
    x = np.zeros((1, n_features))
    x[0, :2] = x0, x1
    return x


@pytest.fixture(scope="module")
def data():
    return make_multi_horizon(
        n_samples=200_000,
        n_horizons=4,
        random_state=0,
        return_quantile_function=True,
        return_covariance=True,
    )


@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize(
    "alpha, shape",
    [(0.5, (7, "d")), ([0.5], (7, 1, "d")), (np.array([0.1, 0.5, 0.9]), (7, 3, "d"))],
)
def test_shapes(d, alpha, shape):
    X, y, qf, cov = make_multi_horizon(
        n_samples=7,
        n_horizons=d,
        random_state=0,
        return_quantile_function=True,
        return_covariance=True,
    )
    assert X.shape == (7, 5) and y.shape == (7, d)
    assert qf(X, alpha).shape == tuple(d if s == "d" else s for s in shape)
    assert cov(X).shape == (7, d, d)


def test_return_order():
    assert len(make_multi_horizon(n_samples=3, random_state=0)) == 2
    X, y, cov = make_multi_horizon(n_samples=3, random_state=0, return_covariance=True)
    assert cov(X).shape == (3, 4, 4)  # a quantile function would need alpha
    X, y, qf = make_multi_horizon(
        n_samples=3, random_state=0, return_quantile_function=True
    )
    assert qf(X, 0.5).shape == (3, 4)


def test_reproducible_and_global_rng_untouched():
    state = np.random.get_state()
    X, y = make_multi_horizon(n_samples=50, n_features=3, random_state=0)
    X2, y2 = make_multi_horizon(n_samples=50, n_features=3, random_state=0)
    X3, y3 = make_multi_horizon(
        n_samples=50, n_features=3, random_state=np.random.RandomState(0)
    )
    X4, y4 = make_multi_horizon(n_samples=50, n_features=3)
    after = np.random.get_state()
    assert X.shape == (50, 3) and y.shape == (50, 4)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(y, y3)
    assert not np.array_equal(y, y4)
    assert state[0] == after[0] and state[2:] == after[2:]
    np.testing.assert_array_equal(state[1], after[1])


def test_hand_values():
    """At x = (0.5, 0.5, 0, ...): sigma_h = 0.7 sqrt(h), rho = 0.45, mean sin(pi/2 + h/2).

    So Cov(Y_2, Y_4) = 0.7^2 sqrt(2) sqrt(4) 0.45^2, Var(Y_3) = 0.49 * 3, and the
    Phi(1)-quantile of Y_h is its mean plus sigma_h = cos(h / 2) + 0.7 sqrt(h).
    """
    _, _, qf, cov = make_multi_horizon(
        n_samples=1,
        random_state=0,
        return_quantile_function=True,
        return_covariance=True,
    )
    x = _row(0.5, 0.5)
    c = cov(x)[0]
    np.testing.assert_allclose(c[1, 3], 0.49 * np.sqrt(8) * 0.45**2, rtol=1e-14)
    np.testing.assert_allclose(c[2, 2], 0.49 * 3, rtol=1e-14)
    h = np.arange(1, 5)
    np.testing.assert_allclose(qf(x, 0.5)[0], np.cos(h / 2), rtol=1e-14)
    np.testing.assert_allclose(
        qf(x, stats.norm.cdf(1.0))[0], np.cos(h / 2) + 0.7 * np.sqrt(h), rtol=1e-14
    )


def test_covariance_is_symmetric_positive_definite(data):
    X, _, _, cov = data
    X = np.vstack([X[:500], _row(-1, -1), _row(1, 1), _row(0, 0)])
    c = cov(X)
    np.testing.assert_array_equal(c, np.swapaxes(c, 1, 2))
    assert np.all(np.linalg.eigvalsh(c) > 0)


def test_marginal_quantiles_are_calibrated(data):
    """Frequency of y_h <= q_h(alpha | x) over 200,000 rows, per horizon and level."""
    X, y, qf, _ = data
    observed = (y[:, None, :] <= qf(X, LEVELS)).mean(axis=0)  # (levels, horizons)
    se = np.sqrt(LEVELS * (1 - LEVELS) / y.shape[0])[:, None]
    np.testing.assert_array_less(
        np.abs(observed - LEVELS[:, None]), Z_TOL * np.broadcast_to(se, observed.shape)
    )


@pytest.mark.parametrize("centre", [-0.7, 0.0, 0.7])
def test_correlation_in_a_band_of_x1(data, centre):
    """Mean of standardised-residual products (y_h - m_h)(y_h' - m_h') / s_h s_h'.

    Over the rows with |x_1 - centre| < 0.05 (about 5,000) it estimates the band
    average of the closed form rho(x)^|h - h'|; its standard error is the sample sd
    of the products over sqrt(rows).
    """
    X, y, qf, cov = data
    band = np.abs(X[:, 1] - centre) < 0.05
    X, y = X[band], y[band]
    c = cov(X)
    std = np.sqrt(np.diagonal(c, axis1=1, axis2=2))
    r = (y - qf(X, 0.5)) / std
    products = r[:, :, None] * r[:, None, :]
    truth = (c / (std[:, :, None] * std[:, None, :])).mean(axis=0)
    rho = 0.9 * X[:, 1]
    lag = np.abs(np.subtract.outer(np.arange(4), np.arange(4)))
    np.testing.assert_allclose(truth, (rho[:, None, None] ** lag).mean(axis=0))
    se = products.std(axis=0) / np.sqrt(X.shape[0])
    np.testing.assert_array_less(np.abs(products.mean(axis=0) - truth), Z_TOL * se)


def test_correlation_changes_sign_with_x1(data):
    X, _, _, cov = data
    c = cov(X[:1000])
    assert np.array_equal(np.sign(c[:, 0, 1]), np.sign(X[:1000, 1]))
    for x1, rho in [(-1.0, -0.9), (1.0, 0.9)]:
        c = cov(_row(0.3, x1))[0]
        np.testing.assert_allclose(c[0, 1] / np.sqrt(c[0, 0] * c[1, 1]), rho)


def test_spearman_correlation_at_a_fixed_x():
    """Spearman of 50,000 draws at one x against 6/pi arcsin(r / 2).

    Its standard error is sqrt((1 - rho_s^2)^2 (1 + rho_s^2 / 2) / (n - 3)), the
    Bonett-Wright approximation (through Fisher's z), about 0.0025 here, while
    6/pi arcsin(r / 2) and r differ by 0.017 at r = -0.72.
    """
    x = _row(0.3, -0.8)
    y = _draw_y(np.repeat(x, 50_000, axis=0), 1.0, 3, np.random.RandomState(2))
    for h, h2 in [(0, 1), (0, 2)]:
        r = (0.9 * -0.8) ** (h2 - h)
        expected = 6 / np.pi * np.arcsin(r / 2)
        observed = stats.spearmanr(y[:, h], y[:, h2]).statistic
        se = np.sqrt((1 - expected**2) ** 2 * (1 + expected**2 / 2) / (y.shape[0] - 3))
        assert abs(observed - expected) < Z_TOL * se


def test_bad_parameters_and_inputs(data):
    X, _, qf, cov = data
    with pytest.raises(ValueError, match="n_horizons"):
        make_multi_horizon(n_horizons=0)
    with pytest.raises(ValueError, match="n_features"):
        make_multi_horizon(n_features=1)
    with pytest.raises(ValueError, match="noise"):
        make_multi_horizon(noise=-1.0)
    msg = "X must be a 2-d array with 5 columns, as the generated X has; got an array"
    with pytest.raises(ValueError, match=re.escape(msg + " of shape (3, 6).")):
        cov(np.zeros((3, 6)))
    with pytest.raises(ValueError, match=re.escape(msg + " of shape (3, 4).")):
        qf(X[:3, :4], 0.5)
    with pytest.raises(ValueError, match=re.escape("got 0.0")):
        qf(X[:3], [0.5, 0.0])
