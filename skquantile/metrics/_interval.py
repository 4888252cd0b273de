"""Central prediction intervals: their interval score and their coverage.

Intervals come as ``predict_interval`` returns them: ``y_pred[:, 0]`` the lower and
``y_pred[:, 1]`` the upper bound, shape (n_samples, 2) for one coverage or
(n_samples, 2, n_levels) for several.

- :func:`interval_score`: Gneiting & Raftery's proper score of an interval.
- :func:`interval_coverage`: the fraction of rows inside their interval.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ..utils._sklearn_compat import validate_params
from ..utils._validation import check_coverage
from ._crps import _as_targets, _check_finite
from ._quantile import MULTILEVEL, _level_means

__all__ = ["interval_coverage", "interval_score"]


def _as_intervals(y_pred, n):
    """Lower and upper bounds, each (n, k), from (n, 2) or (n, 2, k) intervals."""
    pred = np.asarray(y_pred, dtype=np.float64)
    if pred.ndim not in (2, 3) or pred.shape[:2] != (n, 2):
        raise ValueError(
            "y_pred must have shape (n_samples, 2) or (n_samples, 2, n_levels) with "
            f"n_samples = {n}; got shape {pred.shape}."
        )
    _check_finite("y_pred", pred)
    lower, upper = pred[:, 0], pred[:, 1]
    crossed = lower > upper
    if crossed.any():
        index = tuple(int(i) for i in np.argwhere(crossed)[0])
        where = f"row {index[0]}" + (f", level {index[1]}" if pred.ndim == 3 else "")
        raise ValueError(
            f"y_pred must have lower <= upper; got lower {float(lower[index])!r} > "
            f"upper {float(upper[index])!r} at {where}. Pass [lower, upper] as "
            "predict_interval returns them."
        )
    return lower.reshape(n, -1), upper.reshape(n, -1)


def _check_levels(pred_shape, mass):
    """y_pred (n, 2) goes with a scalar coverage, (n, 2, k) with k coverages."""
    if mass.ndim == 0 and len(pred_shape) != 2:
        raise ValueError(
            f"y_pred must have shape (n_samples, 2) for a scalar coverage; "
            f"got shape {pred_shape}."
        )
    if mass.ndim == 1 and pred_shape[2:] != mass.shape:
        raise ValueError(
            f"y_pred must have shape (n_samples, 2, {mass.shape[0]}) for "
            f"{mass.shape[0]} coverage levels; got shape {pred_shape}."
        )


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "coverage": [Real, "array-like"],
        "sample_weight": ["array-like", None],
        "multilevel": [MULTILEVEL],
    },
    prefer_skip_nested_validation=True,
)
def interval_score(
    y_true, y_pred, *, coverage=0.9, sample_weight=None, multilevel="uniform_average"
):
    r"""Mean interval score of central prediction intervals; lower is better.

    The width of the interval plus a penalty ``2 / (1 - coverage)`` times the
    distance by which y falls outside it (Gneiting & Raftery, 2007).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples, 2) or (n_samples, 2, n_levels)
        ``[:, 0]`` the lower and ``[:, 1]`` the upper bounds, as
        ``predict_interval(X, coverage)`` returns them: ``(n_samples, 2)`` for a
        scalar ``coverage``, a third axis for a 1-d ``coverage``.
    coverage : float or array-like of shape (n_levels,), default=0.9
        Nominal mass of each interval, in the open interval (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean.
    multilevel : {"uniform_average", "raw_values"}, default="uniform_average"
        ``"uniform_average"`` averages the per-level scores; ``"raw_values"`` returns
        them. Ignored for a scalar ``coverage``.

    Returns
    -------
    score : float or ndarray of shape (n_levels,)
        A float, except an array of shape (n_levels,) for a 1-d ``coverage`` with
        ``multilevel="raw_values"``; in the units of y.

    See Also
    --------
    interval_coverage : The fraction of rows inside their interval.

    Notes
    -----
    With :math:`a = 1 - \mathrm{coverage}` and the interval :math:`[l, u]`,

    .. math::

        \mathrm{IS}_a(l, u; y) = (u - l) + \frac{2}{a} (l - y)_+
        + \frac{2}{a} (y - u)_+,

    which is proper for the central interval whose bounds are the :math:`a / 2` and
    :math:`1 - a / 2` quantiles. It equals :math:`2 / a` times the sum of the
    pinball losses of :math:`l` and :math:`u` at those levels. scoringrules'
    ``interval_score`` takes :math:`a` as its ``alpha``.

    References
    ----------
    .. [1] T. Gneiting and A. E. Raftery, "Strictly proper scoring rules,
       prediction, and estimation", Journal of the American Statistical Association
       102(477), 359-378, 2007.

    Examples
    --------
    >>> from skquantile.metrics import interval_score
    >>> interval_score([0.0, 3.0], [[-1.0, 1.0], [-1.0, 1.0]], coverage=0.5)
    6.0
    """
    y = _as_targets(y_true)
    mass = check_coverage(coverage)
    lower, upper = _as_intervals(y_pred, y.shape[0])
    _check_levels(np.shape(y_pred), mass)
    penalty = 2 / (1 - np.atleast_1d(mass))
    below = np.maximum(lower - y[:, None], 0.0)
    above = np.maximum(y[:, None] - upper, 0.0)
    scores = upper - lower + penalty * (below + above)
    return _level_means(scores, y, sample_weight, mass.ndim == 0, multilevel)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def interval_coverage(y_true, y_pred, *, sample_weight=None):
    """Observed coverage: the weighted fraction of rows with lower <= y <= upper.

    Compare it with the nominal ``coverage`` the intervals were predicted for; in a
    calibrated model the two agree up to sampling noise.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples, 2) or (n_samples, 2, n_levels)
        ``[:, 0]`` the lower and ``[:, 1]`` the upper bounds, as
        ``predict_interval`` returns them.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the fraction.

    Returns
    -------
    coverage : float or ndarray of shape (n_levels,)
        A float for ``y_pred`` of shape (n_samples, 2), an array with one fraction per
        level for shape (n_samples, 2, n_levels); closed bounds count as inside.

    See Also
    --------
    interval_score : A proper score of the intervals themselves.

    Examples
    --------
    >>> from skquantile.metrics import interval_coverage
    >>> interval_coverage([0.0, 1.0, 3.0, 4.0], [[-1.0, 1.0]] * 4)
    0.5
    """
    y = _as_targets(y_true)
    lower, upper = _as_intervals(y_pred, y.shape[0])
    inside = (lower <= y[:, None]) & (y[:, None] <= upper)
    scalar = np.ndim(y_pred) == 2
    return _level_means(inside, y, sample_weight, scalar, "raw_values")
