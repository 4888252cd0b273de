"""Three-peaked regression data with its true quantile function and density.

- :func:`make_multimodal`: y given x is a mixture of three normals whose centres,
  spread and weights move with x.
- ``_components``: the mixture's parameters at each row of X, the one place that
  states the law; ``_draw_y`` samples y given X with them.
- ``_mixture_cdf``, ``_mixture_pdf`` and ``_mixture_quantile``: the mixture's CDF,
  density and quantile function (Newton's method safeguarded by bisection,
  vectorised over rows and levels), all in float64.
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy import special

from ..utils._sklearn_compat import Interval, validate_params
from ..utils._validation import check_alpha, check_targets
from ._synthetic import _check_random_state, _check_rows

__all__ = ["make_multimodal"]

# Offsets j of the three centres mu(x) + j * delta(x), in units of delta(x).
_OFFSETS = np.array([-1.0, 0.0, 1.0])
_SQRT_2PI = np.sqrt(2.0 * np.pi)
# Newton stops once the residual in level is below LEVEL_RTOL times the tail mass
# min(alpha, 1 - alpha). The lower half is solved on the CDF and the upper half on
# the survival function, each a sum of three float64 normal tails accurate to a
# few ulps of its value, so this bound (at most 5e-13 absolute, at alpha = 0.5)
# is reachable with a wide margin.
LEVEL_RTOL = 1e-12
# Bisection alone shrinks the starting bracket (2 * delta(x) wide) to one float64
# spacing in about 60 halvings; safeguarded Newton needs far fewer steps.
MAX_ITER = 200


def _components(X, noise):
    """Centres (n, 3), common component scale (n,) and weights (n, 3) of each row."""
    spread = 1.5 + 0.5 * X[:, 0]
    means = np.sin(np.pi * X[:, 0])[:, None] + _OFFSETS * spread[:, None]
    scale = noise * spread / 4.0
    weights = special.softmax(_OFFSETS * X[:, 1][:, None], axis=1)
    return means, scale, weights


def _draw_y(X, noise, rng):
    """One draw of y given each row of X: pick a component, then add its noise."""
    means, scale, weights = _components(X, noise)
    u = rng.uniform(size=X.shape[0])
    component = (u[:, None] > np.cumsum(weights, axis=1)[:, :-1]).sum(axis=1)
    centre = np.take_along_axis(means, component[:, None], axis=1)[:, 0]
    return centre + scale * rng.standard_normal(X.shape[0])


def _standardised(y, means, scale):
    """(y - centre) / scale for y of shape (n, m): shape (n, m, 3)."""
    return (y[..., None] - means[:, None, :]) / scale[:, None, None]


def _mixture_cdf(y, means, scale, weights):
    """P(Y <= y | x) for y of shape (n, m)."""
    t = _standardised(y, means, scale)
    return np.sum(weights[:, None, :] * special.ndtr(t), axis=-1)


def _mixture_pdf(y, means, scale, weights):
    """Density of Y given x at y of shape (n, m)."""
    t = _standardised(y, means, scale)
    kernel = np.exp(-0.5 * t * t) / (_SQRT_2PI * scale[:, None, None])
    return np.sum(weights[:, None, :] * kernel, axis=-1)


def _mixture_quantile(levels, means, scale, weights):
    """Quantiles (n, k) at the 1-d levels (k,), by Newton safeguarded by bisection.

    The residual g is F(q) - alpha for alpha <= 1/2 and 1 - alpha - S(q) above, with
    S the survival function, so both tails keep their relative accuracy; g increases
    with q. All centres share one scale, so F <= alpha at the lowest centre's normal
    quantile and F >= alpha at the highest one's: that bracket holds the root.
    """
    sign = np.where(levels > 0.5, -1.0, 1.0)  # +1: solve on F; -1: on S
    tail = np.minimum(levels, 1.0 - levels)
    z = special.ndtri(levels)
    lo = means.min(axis=1)[:, None] + scale[:, None] * z
    hi = means.max(axis=1)[:, None] + scale[:, None] * z
    q = 0.5 * (lo + hi)
    step = np.full_like(q, np.inf)
    for _ in range(MAX_ITER):
        t = sign[:, None] * _standardised(q, means, scale)
        mass = np.sum(weights[:, None, :] * special.ndtr(t), axis=-1)
        g = sign * (mass - tail)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton_step = g / _mixture_pdf(q, means, scale, weights)
        ulp = np.spacing(np.abs(q))  # float64 resolution of q: it cannot move less
        done = (
            (np.abs(g) <= LEVEL_RTOL * tail)
            | (hi - lo <= 4 * ulp)
            | (np.abs(newton_step) < ulp)
        )
        if done.all():
            break
        lo = np.where(g < 0, q, lo)
        hi = np.where(g > 0, q, hi)
        newton = q - newton_step
        # Newton only if it stays inside the bracket and at least halves the last
        # step; otherwise bisect. Either way the search contracts.
        accept = (newton > lo) & (newton < hi) & (np.abs(newton_step) <= 0.5 * step)
        new = np.where(accept, newton, 0.5 * (lo + hi))
        step = np.abs(new - q)
        q = np.where(done, q, new)
    return q


@validate_params(
    {
        "n_samples": [Interval(numbers.Integral, 1, None, closed="left")],
        "n_features": [Interval(numbers.Integral, 2, None, closed="left")],
        "noise": [Interval(numbers.Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "return_quantile_function": ["boolean"],
        "return_density": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def make_multimodal(
    n_samples=1000,
    n_features=5,
    *,
    noise=1.0,
    random_state=None,
    return_quantile_function=False,
    return_density=False,
):
    r"""Three-peaked regression data with its true quantiles and density.

    X is uniform on [-1, 1]^n_features; only the first two columns matter. Given x,
    y is a mixture of three normals with a common scale:

    .. math::

        y \mid x \sim \sum_{j \in \{-1, 0, 1\}} w_j(x)\,
        \mathcal{N}\bigl(\mu(x) + j\,\delta(x),\ \sigma(x)^2\bigr),

    .. math::

        \mu(x) = \sin(\pi x_0), \quad \delta(x) = 1.5 + x_0 / 2, \quad
        \sigma(x) = \text{noise} \cdot \delta(x) / 4, \quad
        w_j(x) = \frac{e^{j x_1}}{e^{-x_1} + 1 + e^{x_1}}.

    The centres lie ``4 / noise`` component standard deviations apart, and x_1
    tilts the weights from the lower peak to the upper one (each weight stays
    above 0.09). Up to ``noise=1.4`` the density has three peaks at every x; they
    merge as ``noise`` grows, into a single peak at every x from about
    ``noise=2.2``.

    Parameters
    ----------
    n_samples : int, default=1000
        Number of rows.
    n_features : int, default=5
        Number of columns, at least 2 (the others are pure noise features).
    noise : float, default=1.0
        Multiplier of the component scale; larger values blur the peaks together.
    random_state : int, RandomState instance or None, default=None
        Seed of X and of y. None draws a fresh seed from OS entropy; numpy's
        global random state is never used.
    return_quantile_function : bool, default=False
        Also return the true conditional quantile function.
    return_density : bool, default=False
        Also return the true conditional density.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Inputs.
    y : ndarray of shape (n_samples,)
        Targets.
    quantile_function : callable, only if ``return_quantile_function``
        ``quantile_function(X, alpha)`` gives the true quantiles: shape
        ``(n_rows,)`` for a scalar ``alpha`` and ``(n_rows, n_levels)`` for a 1-d one.
    density : callable, only if ``return_density``
        ``density(X, y)`` gives the true conditional density at ``y``: a scalar
        or an array of shape ``(n_rows,)`` gives ``(n_rows,)`` (one value per
        row), an array of shape ``(n_rows, m)`` gives ``(n_rows, m)``; for a grid
        shared by all rows pass ``np.broadcast_to(grid, (n_rows, len(grid)))``.

    See Also
    --------
    make_heteroscedastic : Unimodal, right-skewed data.
    make_multi_horizon : Multi-output Gaussian data with an X-dependent correlation.

    Notes
    -----
    The mixture's quantile function has no closed form. ``quantile_function``
    solves :math:`F(q \mid x) = \alpha` for every row and level at once, in
    float64: Newton's method on the CDF (on the survival function above the
    median, so both tails keep their relative accuracy), safeguarded by
    bisection inside the bracket

    .. math::

        \mu(x) - \delta(x) + \sigma(x)\,\Phi^{-1}(\alpha) \le q(\alpha \mid x)
        \le \mu(x) + \delta(x) + \sigma(x)\,\Phi^{-1}(\alpha),

    until the level residual is below :math:`10^{-12} \min(\alpha, 1 - \alpha)`
    or the bracket is a few float64 spacings wide.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantile.datasets import make_multimodal
    >>> X, y, qf, density = make_multimodal(
    ...     n_samples=100,
    ...     random_state=0,
    ...     return_quantile_function=True,
    ...     return_density=True,
    ... )
    >>> X.shape, y.shape, qf(X, [0.1, 0.5, 0.9]).shape, qf(X, 0.5).shape
    ((100, 5), (100,), (100, 3), (100,))
    >>> grid = np.broadcast_to(np.linspace(-5.0, 5.0, 201), (100, 201))
    >>> density(X, y).shape, density(X, grid).shape
    ((100,), (100, 201))
    """
    rng = _check_random_state(random_state)
    X = rng.uniform(-1.0, 1.0, size=(n_samples, n_features))
    y = _draw_y(X, noise, rng)
    result = [X, y]

    def quantile_function(X, alpha):
        levels = check_alpha(alpha)
        X = _check_rows(X, n_features)
        q = _mixture_quantile(np.atleast_1d(levels), *_components(X, noise))
        return q[:, 0] if levels.ndim == 0 else q

    def density(X, y):
        X = _check_rows(X, n_features)
        values = check_targets("y", y, X.shape[0])
        pdf = _mixture_pdf(values, *_components(X, noise))
        return pdf if np.ndim(y) == 2 else pdf[:, 0]

    if return_quantile_function:
        result.append(quantile_function)
    if return_density:
        result.append(density)
    return tuple(result)
