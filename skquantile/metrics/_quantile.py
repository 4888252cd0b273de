"""The pinball (quantile) loss at one or several levels.

- :func:`mean_pinball_loss`: scikit-learn's metric of the same name for a scalar level,
  extended to a 1-d array of levels with one column of ``y_pred`` per level.

The pinball formula itself lives in ``_crps.pinball_loss_rows``, shared with
:func:`~skquantile.metrics.crps_quantile_grid`; :func:`_level_means` averages any
(n_samples, n_levels) losses the way every multi-level metric here does.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ..utils._sklearn_compat import StrOptions, _check_sample_weight, validate_params
from ..utils._validation import check_alpha
from ._crps import _as_quantiles, _as_targets, pinball_loss_rows

__all__ = ["mean_pinball_loss"]

MULTILEVEL = StrOptions({"uniform_average", "raw_values"})


def _level_means(losses, y, sample_weight, scalar, multilevel):
    """Weighted mean over rows of (n, k) losses, then over levels unless raw.

    A float for a scalar level (no level axis); else the mean over levels for
    ``"uniform_average"`` or the (k,) array for ``"raw_values"``.
    """
    w = _check_sample_weight(sample_weight, y)
    per_level = np.average(losses, axis=0, weights=w)
    if scalar:
        return float(per_level[0])
    if multilevel == "raw_values":
        return per_level
    return float(per_level.mean())


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "alpha": [Real, "array-like"],
        "sample_weight": ["array-like", None],
        "multilevel": [MULTILEVEL],
    },
    prefer_skip_nested_validation=True,
)
def mean_pinball_loss(
    y_true, y_pred, *, alpha=0.5, sample_weight=None, multilevel="uniform_average"
):
    r"""Mean pinball loss of predicted quantiles at one or several levels.

    For a scalar ``alpha`` it equals :func:`sklearn.metrics.mean_pinball_loss`; a 1-d
    ``alpha`` scores one column of ``y_pred`` per level, as
    ``predict_quantile(X, alpha)`` returns them. Lower is better.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_levels)
        Predicted quantiles: ``(n_samples,)`` for a scalar ``alpha``, else column j at
        level ``alpha[j]``.
    alpha : float or array-like of shape (n_levels,), default=0.5
        Quantile levels in the open interval (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean.
    multilevel : {"uniform_average", "raw_values"}, default="uniform_average"
        ``"uniform_average"`` averages the per-level losses; ``"raw_values"`` returns
        them. Ignored for a scalar ``alpha``.

    Returns
    -------
    loss : float or ndarray of shape (n_levels,)
        A float, except an array of shape (n_levels,) for a 1-d ``alpha`` with
        ``multilevel="raw_values"``; in the units of y.

    See Also
    --------
    crps_quantile_grid : Twice this loss averaged over a grid of levels.

    Notes
    -----
    The pinball loss of a quantile :math:`q` at level :math:`\alpha` is

    .. math::

        \rho_\alpha(y, q) = \max(\alpha (y - q), (\alpha - 1)(y - q)),

    a proper scoring rule for the :math:`\alpha`-quantile. scikit-learn's
    :class:`~sklearn.linear_model.QuantileRegressor` calls the level ``quantile``;
    here it is ``alpha``, as everywhere in skquantile.

    Examples
    --------
    >>> from skquantile.metrics import mean_pinball_loss
    >>> mean_pinball_loss([0.0, 2.0], [1.0, 1.0], alpha=0.5)
    0.5
    >>> mean_pinball_loss(
    ...     [0.0], [[-1.0, 1.0]], alpha=[0.25, 0.75], multilevel="raw_values"
    ... )
    array([0.25, 0.25])
    """
    y = _as_targets(y_true)
    levels = check_alpha(alpha)
    pred = _as_quantiles(y_pred, levels, y.shape[0])
    losses = pinball_loss_rows(y, pred, np.atleast_1d(levels))
    return _level_means(losses, y, sample_weight, levels.ndim == 0, multilevel)
