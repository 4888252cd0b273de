"""Synthetic regression data with a known conditional quantile function.

- :func:`make_heteroscedastic`: a smooth mean, a noise scale that grows with |x_0|,
  and right-skewed (Gumbel) noise.
- ``_check_random_state`` and ``_check_rows``: the seeding and the feature-count
  check that every generator of this package shares.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import stats
from sklearn.utils import check_random_state

from ..utils._sklearn_compat import Interval, validate_params
from ..utils._validation import check_alpha

__all__ = ["make_heteroscedastic"]


def _check_random_state(random_state):
    """A RandomState from None, an int or a RandomState; never numpy's global one.

    None seeds a fresh RandomState from OS entropy, so the global state is neither
    read nor changed (scikit-learn's ``check_random_state`` would return it).
    """
    if random_state is None:
        return np.random.RandomState(np.random.SeedSequence().generate_state(4))
    return check_random_state(random_state)


def _check_rows(X, n_features):
    """X as a float64 array of shape (n_rows, n_features), else a ValueError."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"X must be a 2-d array with {n_features} columns, as the generated X "
            f"has; got an array of shape {X.shape}."
        )
    return X


def _mean(X):
    return np.sin(np.pi * X[:, 0]) + 0.5 * X[:, 1]


def _scale(X, noise):
    return noise * (0.2 + np.abs(X[:, 0]))


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_features": [Interval(numbers.Integral, 2, None, closed="left")],
        "noise": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "return_quantile_function": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_heteroscedastic(
    n_samples=1000,
    n_features=5,
    *,
    noise=1.0,
    random_state=None,
    return_quantile_function=False,
):
    r"""Heteroscedastic, right-skewed regression data with its true quantiles.

    X is uniform on [-1, 1]^n_features; only the first two columns matter:

    .. math::

        y = \sin(\pi x_0) + x_1 / 2 + \sigma(x) (G - \gamma), \qquad
        \sigma(x) = \text{noise} \cdot (0.2 + |x_0|),

    with G standard Gumbel (right-skewed) and :math:`\gamma` its mean (Euler's
    constant), so the noise has mean zero, and the true quantile function is
    :math:`q(\alpha | x) = \mu(x) + \sigma(x)(-\ln(-\ln \alpha) - \gamma)`.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows.
    n_features : int, default=5
        Number of columns, at least 2 (the others are pure noise features).
    noise : float, default=1.0
        Multiplier of the noise scale.
    random_state : int, RandomState instance or None, default=None
        Seed of X and of the noise. None draws a fresh seed from OS entropy;
        numpy's global random state is never used.
    return_quantile_function : bool, default=False
        Also return the true conditional quantile function.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples,)
        Targets.
    quantile_function : callable, only if ``return_quantile_function``
        ``quantile_function(X, alpha)`` gives the true quantiles: shape
        ``(n_rows,)`` for a scalar ``alpha`` and ``(n_rows, n_levels)`` for a 1-d one.

    Examples
    --------
    >>> from skquantile.datasets import make_heteroscedastic
    >>> X, y, qf = make_heteroscedastic(
    ...     n_samples=100, random_state=0, return_quantile_function=True
    ... )
    >>> X.shape, y.shape, qf(X, [0.1, 0.9]).shape
    ((100, 5), (100,), (100, 2))
    """
    rng = _check_random_state(random_state)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_features))
    gumbel = stats.gumbel_r.rvs(size=n_samples, random_state=rng)
    y = _mean(X) + _scale(X, noise) * (gumbel - np.euler_gamma)
    if not return_quantile_function:
        return X, y

    def quantile_function(X, alpha):
        levels = check_alpha(alpha)
        X = _check_rows(X, n_features)
        z = stats.gumbel_r.ppf(np.atleast_1d(levels)) - np.euler_gamma
        q = _mean(X)[:, None] + _scale(X, noise)[:, None] * z
        return q[:, 0] if levels.ndim == 0 else q

    return X, y, quantile_function
