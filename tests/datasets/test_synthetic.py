"""make_heteroscedastic: its quantile function is the truth."""

import re

import numpy as np
import pytest

from skquantile.datasets import make_heteroscedastic


def test_shapes_and_reproducibility():
    X, y = make_heteroscedastic(n_samples=50, n_features=3, random_state=0)
    X2, y2 = make_heteroscedastic(n_samples=50, n_features=3, random_state=0)
    assert X.shape == (50, 3) and y.shape == (50,)
    np.testing.assert_array_equal(y, y2)
    np.testing.assert_array_equal(X, X2)


def test_true_quantile_function_is_calibrated():
    """Frequency of y <= q(alpha | x) on 100,000 rows within 5 standard errors.

    The binomial standard error is at most 0.0016; 5 of them give a false-failure
    rate below 1e-5 per level.
    """
    X, y, qf = make_heteroscedastic(
        n_samples=100_000, random_state=1, return_quantile_function=True
    )
    levels = np.array([0.01, 0.1, 0.5, 0.9, 0.99])
    observed = (y[:, None] <= qf(X, levels)).mean(axis=0)
    se = np.sqrt(levels * (1 - levels) / y.size)
    np.testing.assert_array_less(np.abs(observed - levels), 5 * se)
    assert qf(X[:4], 0.5).shape == (4,)


def test_noise_is_skewed_and_heteroscedastic():
    X, y, qf = make_heteroscedastic(
        n_samples=10, random_state=2, return_quantile_function=True
    )
    q = qf(X, [0.1, 0.5, 0.9])
    assert np.all(q[:, 2] - q[:, 1] > q[:, 1] - q[:, 0])  # right skew
    width = q[:, 2] - q[:, 0]
    np.testing.assert_allclose(
        width / (0.2 + np.abs(X[:, 0])), width[0] / (0.2 + abs(X[0, 0]))
    )


def test_bad_parameters():
    with pytest.raises(ValueError, match="n_features"):
        make_heteroscedastic(n_features=1)


def test_global_rng_untouched_and_feature_count_checked():
    state = np.random.get_state()
    X, _, qf = make_heteroscedastic(n_samples=5, return_quantile_function=True)
    after = np.random.get_state()
    np.testing.assert_array_equal(state[1], after[1])
    assert state[2:] == after[2:]
    msg = "X must be a 2-d array with 5 columns, as the generated X has; got an array"
    with pytest.raises(ValueError, match=re.escape(msg + " of shape (5, 3).")):
        qf(X[:, :3], 0.5)
