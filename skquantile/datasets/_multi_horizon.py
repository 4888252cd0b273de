"""Multi-horizon Gaussian data whose correlation depends on X, with its true law.

- :func:`make_multi_horizon`: a d-dimensional Gaussian target (one coordinate per
  forecast horizon) with a mean and spread moving with x_0 and an AR(1)-type
  correlation whose coefficient, driven by x_1, changes sign across the inputs.
- ``_mean``, ``_std``, ``_rho``, ``_correlation``, ``_covariance``: the law at each
  row of X, stated once; ``_draw_y`` samples Y given X through the Cholesky factor.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import special

from ..utils._sklearn_compat import Interval, validate_params
from ..utils._validation import check_alpha
from ._synthetic import _check_random_state, _check_rows

__all__ = ["make_multi_horizon"]

# Largest |rho(x)|: the lag-one correlation ranges over [-RHO_MAX, RHO_MAX]. Below 1
# so every correlation matrix is positive definite (its smallest eigenvalue is at
# least (1 - RHO_MAX) / (1 + RHO_MAX), about 0.05).
RHO_MAX = 0.9


def _horizons(n_horizons):
    return np.arange(1, n_horizons + 1, dtype=np.float64)


def _mean(X, n_horizons):
    """(n, d): sin(pi x_0 + h / 2) for h = 1..d."""
    return np.sin(np.pi * X[:, 0][:, None] + _horizons(n_horizons) / 2.0)


def _std(X, noise, n_horizons):
    """(n, d): noise * (0.2 + |x_0|) * sqrt(h)."""
    return noise * (0.2 + np.abs(X[:, 0]))[:, None] * np.sqrt(_horizons(n_horizons))


def _rho(X):
    """(n,): the lag-one correlation, RHO_MAX * x_1."""
    return RHO_MAX * X[:, 1]


def _correlation(X, n_horizons):
    """(n, d, d): rho(x) ** |h - h'|."""
    steps = np.arange(n_horizons)
    lag = np.abs(steps[:, None] - steps[None, :])
    return _rho(X)[:, None, None] ** lag


def _covariance(X, noise, n_horizons):
    """(n, d, d): sigma_h sigma_h' rho^|h - h'|, exactly symmetric."""
    std = _std(X, noise, n_horizons)
    return (std[:, :, None] * std[:, None, :]) * _correlation(X, n_horizons)


def _draw_y(X, noise, n_horizons, rng):
    """(n, d) draws: mean + std * (L eps), L the Cholesky factor of the correlation."""
    lower = np.linalg.cholesky(_correlation(X, n_horizons))
    eps = rng.standard_normal((X.shape[0], n_horizons))
    standardised = np.einsum("nij,nj->ni", lower, eps)
    return _mean(X, n_horizons) + _std(X, noise, n_horizons) * standardised


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_features": [Interval(numbers.Integral, 2, None, closed="left")],
        "n_horizons": [Interval(numbers.Integral, 1, None, closed="left")],
        "noise": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "return_quantile_function": ["boolean"],
        "return_covariance": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_multi_horizon(
    n_samples=1000,
    n_features=5,
    n_horizons=4,
    *,
    noise=1.0,
    random_state=None,
    return_quantile_function=False,
    return_covariance=False,
):
    r"""Multi-horizon Gaussian data with an X-dependent correlation.

    X is uniform on [-1, 1]^n_features; only the first two columns matter. Given
    x, the target :math:`Y = (Y_1, \dots, Y_d)`, one coordinate per horizon
    :math:`h = 1, \dots, d` (``d = n_horizons``), is Gaussian:

    .. math::

        Y \mid x \sim \mathcal{N}\bigl(m(x),\ D(x) R(x) D(x)\bigr), \qquad
        m_h(x) = \sin(\pi x_0 + h / 2), \qquad
        D(x) = \operatorname{diag}_h\bigl(\sigma_h(x)\bigr),

    .. math::

        \sigma_h(x) = \text{noise} \cdot (0.2 + |x_0|) \sqrt{h}, \qquad
        R_{hh'}(x) = \rho(x)^{|h - h'|}, \qquad \rho(x) = 0.9\, x_1.

    The spread grows with the horizon as in a random walk, and the correlation is
    that of an AR(1) process whose coefficient runs from -0.9 to 0.9 with x_1:
    the dependence between horizons changes strength and sign across X, which a
    model with a fixed correlation cannot fit: a test bed for multivariate
    quantile forecasters such as MQF² [1]_.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows.
    n_features : int, default=5
        Number of columns, at least 2 (the others are pure noise features).
    n_horizons : int, default=4
        Dimension d of the target, at least 1.
    noise : float, default=1.0
        Multiplier of every standard deviation; the correlation does not depend
        on it.
    random_state : int, RandomState instance or None, default=None
        Seed of X and of y. None draws a fresh seed from OS entropy; numpy's
        global random state is never used.
    return_quantile_function : bool, default=False
        Also return the true conditional *marginal* quantile function.
    return_covariance : bool, default=False
        Also return the true conditional covariance.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples, n_horizons)
        Targets, two-dimensional also when ``n_horizons=1``.
    quantile_function : callable, only if ``return_quantile_function``
        ``quantile_function(X, alpha)`` gives the true marginal quantiles
        :math:`m_h(x) + \sigma_h(x) \Phi^{-1}(\alpha)` of each horizon on its
        own, not vector quantiles of the joint law: shape ``(n_rows, d)`` for a
        scalar ``alpha`` and ``(n_rows, n_levels, d)`` for a 1-d one.
    covariance : callable, only if ``return_covariance``
        ``covariance(X)`` gives the true conditional covariance matrices
        :math:`D(x) R(x) D(x)`, shape ``(n_rows, d, d)``.

    See Also
    --------
    make_heteroscedastic : Univariate, right-skewed data.
    make_multimodal : Univariate, three-peaked data.

    Notes
    -----
    Y is drawn as :math:`m(x) + D(x) L(x) \varepsilon` with
    :math:`\varepsilon \sim \mathcal{N}(0, I_d)` and :math:`L(x)` the lower
    Cholesky factor of :math:`R(x)`. Since :math:`|\rho(x)| \le 0.9`, every
    :math:`R(x)` is positive definite, with eigenvalues at least
    :math:`(1 - 0.9) / (1 + 0.9) \approx 0.05`.

    The rank (Spearman) correlation of two coordinates of a Gaussian with
    Pearson correlation :math:`r` does not depend on the means and scales:

    .. math::

        \rho_S = \frac{6}{\pi} \arcsin\frac{r}{2},

    so horizons h and h' of one row have the Spearman correlation
    :math:`\frac{6}{\pi} \arcsin\bigl(\rho(x)^{|h - h'|} / 2\bigr)`, the target for
    a model's predicted joint samples at that x.

    References
    ----------
    .. [1] Kan, K., Aubet, F.-X., Januschowski, T., Park, Y., Benidis, K.,
       Ruthotto, L. and Gasthaus, J. (2022). Multivariate Quantile Function
       Forecaster. AISTATS 2022.

    Examples
    --------
    >>> from skquantile.datasets import make_multi_horizon
    >>> X, y, qf, cov = make_multi_horizon(
    ...     n_samples=100,
    ...     n_horizons=3,
    ...     random_state=0,
    ...     return_quantile_function=True,
    ...     return_covariance=True,
    ... )
    >>> X.shape, y.shape, qf(X, 0.5).shape, qf(X, [0.1, 0.9]).shape, cov(X).shape
    ((100, 5), (100, 3), (100, 3), (100, 2, 3), (100, 3, 3))
    """
    rng = _check_random_state(random_state)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_features))
    y = _draw_y(X, noise, n_horizons, rng)
    result = [X, y]

    def quantile_function(X, alpha):
        levels = check_alpha(alpha)
        X = _check_rows(X, n_features)
        z = special.ndtri(np.atleast_1d(levels))
        mean = _mean(X, n_horizons)[:, None, :]
        std = _std(X, noise, n_horizons)[:, None, :]
        q = mean + std * z[None, :, None]
        return q[:, 0, :] if levels.ndim == 0 else q

    def covariance(X):
        X = _check_rows(X, n_features)
        return _covariance(X, noise, n_horizons)

    if return_quantile_function:
        result.append(quantile_function)
    if return_covariance:
        result.append(covariance)
    return tuple(result)
