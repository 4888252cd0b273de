"""CRPS of ensembles, quantile grids and the empirical (climatological) forecast.

NumPy only, written independently of the torch losses so each can test the other.

- :func:`crps_ensemble`: an ensemble of draws per row, ``"nrg"`` or ``"fair"``.
- :func:`crps_quantile_grid`: 2 x mean pinball loss over a grid of levels.
- :func:`crps_reference`: per-row CRPS of the weighted empirical distribution of
  ``y_true`` itself, the reference of the D² skill scores.
- :func:`d2_crps_score`: skill of an ensemble forecast against that reference.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_consistent_length

from ..utils._sklearn_compat import StrOptions, _check_sample_weight, validate_params
from ..utils._validation import check_alpha

__all__ = ["crps_ensemble", "crps_quantile_grid", "crps_reference", "d2_crps_score"]


def _check_finite(name, values):
    """Raise on the first non-finite entry, echoing it and its index."""
    bad = ~np.isfinite(values)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = index[0] if len(index) == 1 else index
        raise ValueError(
            f"{name} must be finite; got {float(values[index])!r} at index {where}."
        )
    return values


def _as_targets(y_true):
    y = np.asarray(y_true, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"y_true must be a 1-d array; got shape {y.shape}.")
    return _check_finite("y_true", y)


def _as_rows(name, y_pred, n):
    pred = np.asarray(y_pred, dtype=np.float64)
    if pred.ndim != 2 or pred.shape[0] != n:
        raise ValueError(
            f"{name} must have shape (n_samples, m) with n_samples = {n}; "
            f"got shape {pred.shape}."
        )
    return _check_finite(name, pred)


def _as_quantiles(y_pred, levels, n):
    """Predicted quantiles as (n, k): (n,) for a scalar level, (n, k) for k levels."""
    if levels.ndim == 0:
        pred = np.asarray(y_pred, dtype=np.float64)
        if pred.shape != (n,):
            raise ValueError(
                f"y_pred must have shape (n_samples,) with n_samples = {n} for a "
                f"scalar alpha; got shape {pred.shape}."
            )
        return _check_finite("y_pred", pred)[:, None]
    pred = _as_rows("y_pred", y_pred, n)
    if pred.shape[1] != levels.shape[0]:
        raise ValueError(
            f"y_pred must have one column per level ({levels.shape[0]}); "
            f"got {pred.shape[1]}."
        )
    return pred


def pinball_loss_rows(y_true, quantiles, levels):
    """Pinball loss of each row and level (no validation), shape (n, k).

    ``max(a (y - q), (a - 1) (y - q))`` for quantiles (n, k) at levels (k,).
    """
    diff = y_true[:, None] - quantiles
    return np.maximum(levels * diff, (levels - 1) * diff)


def _pairwise_mean_abs(sorted_draws, fair):
    """Mean |X - X'| over pairs of each row's sorted draws (all or distinct pairs)."""
    m = sorted_draws.shape[-1]
    coef = 2 * np.arange(m) - m + 1
    total = 2 * (sorted_draws * coef).sum(axis=-1)
    return total / (m * (m - 1) if fair else m * m)


def crps_ensemble_rows(y_true, y_pred, estimator="nrg"):
    """Per-row CRPS of ensembles (no validation): E|X - y| - E|X - X'| / 2."""
    draws = np.sort(y_pred, axis=-1)
    first = np.abs(draws - y_true[:, None]).mean(axis=-1)
    if draws.shape[-1] < 2:
        return first
    return first - 0.5 * _pairwise_mean_abs(draws, estimator == "fair")


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "estimator": [StrOptions({"nrg", "fair"})],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def crps_ensemble(y_true, y_pred, *, estimator="nrg", sample_weight=None):
    """Mean CRPS of ensemble forecasts; lower is better.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples, n_draws)
        Draws from each row's forecast.
    estimator : {"nrg", "fair"}, default="nrg"
        ``"nrg"`` averages ``|X - X'|`` over all m² pairs (the plain definition over the
        empirical ensemble, as properscoring computes it); ``"fair"`` over the
        m (m - 1) distinct pairs, unbiased for the CRPS of the law the draws come from.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean.

    Returns
    -------
    crps : float
        Weighted mean CRPS in the units of y.

    Examples
    --------
    >>> from skquantile.metrics import crps_ensemble
    >>> crps_ensemble([0.0], [[-1.0, 1.0]])
    0.5
    """
    y = _as_targets(y_true)
    pred = _as_rows("y_pred", y_pred, y.shape[0])
    if estimator == "fair" and pred.shape[1] < 2:
        raise ValueError("estimator='fair' needs at least 2 draws per row; got 1.")
    w = _check_sample_weight(sample_weight, y)
    return float(np.average(crps_ensemble_rows(y, pred, estimator), weights=w))


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "alpha": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def crps_quantile_grid(y_true, y_pred, alpha, *, sample_weight=None):
    """CRPS approximated by 2 x the mean pinball loss over a grid of levels.

    Comparable across any quantile model, including those that cross: on the grid
    0.01, ..., 0.99 it approaches the CRPS as the grid gets finer.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples, n_levels)
        Predicted quantiles, column j at level ``alpha[j]``.
    alpha : array-like of shape (n_levels,)
        Levels in the open interval (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean.

    Returns
    -------
    crps : float
        ``2 * mean over rows and levels of the pinball loss``; lower is better.

    Examples
    --------
    >>> from skquantile.metrics import crps_quantile_grid
    >>> crps_quantile_grid([0.0], [[-1.0, 1.0]], [0.25, 0.75])
    0.5
    """
    y = _as_targets(y_true)
    levels = np.atleast_1d(check_alpha(alpha))
    pred = _as_quantiles(y_pred, levels, y.shape[0])
    pinball = pinball_loss_rows(y, pred, levels)
    w = _check_sample_weight(sample_weight, y)
    return float(2 * np.average(pinball.mean(axis=1), weights=w))


def crps_reference(y_true, sample_weight=None):
    """Per-row CRPS of the weighted empirical distribution of ``y_true`` itself.

    This is the unconditional ("climatological") forecast that ignores X: the
    reference of :func:`d2_crps_score` and of the estimators' ``score``. Computed in
    O(n log n) by sorting.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets; also the reference ensemble.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the reference ensemble's members.

    Returns
    -------
    crps : ndarray of shape (n_samples,)
        ``E|Y - y_i| - E|Y - Y'| / 2`` under the weighted empirical law of y.

    Examples
    --------
    >>> from skquantile.metrics import crps_ensemble, crps_reference
    >>> y = [0.0, 1.0, 2.0, 3.0]
    >>> crps_reference(y)
    array([0.875, 0.375, 0.375, 0.875])
    >>> crps_reference([0.0, 1.0], sample_weight=[3.0, 1.0])
    array([0.0625, 0.5625])

    Its mean is the CRPS of the ensemble made of all of ``y``, given to every row:

    >>> crps_ensemble(y, [y] * 4)
    0.625
    """
    y = _as_targets(y_true)
    w = _check_sample_weight(sample_weight, y)
    # The CRPS is shift-invariant: centre y so the prefix sums below do not cancel
    # when the location is large against the spread.
    y = y - np.median(y)
    order = np.argsort(y, kind="stable")
    ys, ws = y[order], w[order] / w.sum()
    cum_w, cum_wy = np.cumsum(ws), np.cumsum(ws * ys)
    below = np.searchsorted(ys, y, side="right") - 1
    w_below = np.where(below >= 0, cum_w[below], 0.0)
    wy_below = np.where(below >= 0, cum_wy[below], 0.0)
    mean_abs = y * w_below - wy_below + (cum_wy[-1] - wy_below) - y * (1 - w_below)
    return mean_abs - 0.5 * np.dot(w / w.sum(), mean_abs)


def _d2_from_scores(scores, reference, sample_weight=None):
    """1 - weighted sum of scores / weighted sum of reference scores.

    As in scikit-learn's D² scores: 1.0 when both sums are 0, 0.0 when only the
    reference sum is 0.
    """
    w = _check_sample_weight(sample_weight, np.asarray(scores))
    num = float(np.dot(w, scores))
    den = float(np.dot(w, reference))
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def d2_crps_score(y_true, y_pred, *, sample_weight=None):
    """D² CRPS skill of ensemble forecasts; higher is better, 1 is perfect.

    ``1 - sum_i CRPS(forecast_i, y_i) / sum_i CRPS(empirical law of y, y_i)``: the
    fraction of the unconditional forecast's CRPS that the forecasts remove. It is to
    the CRPS what :func:`sklearn.metrics.d2_pinball_score` is to the pinball loss.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples, n_draws)
        Draws from each row's forecast (CRPS with ``estimator="nrg"``).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights, also of the reference distribution.

    Returns
    -------
    score : float
        The skill score; 0 means no better than ignoring X.

    Examples
    --------
    >>> from skquantile.metrics import d2_crps_score
    >>> d2_crps_score([0.0, 1.0], [[0.0, 0.0], [1.0, 1.0]])
    1.0
    """
    y = _as_targets(y_true)
    pred = _as_rows("y_pred", y_pred, y.shape[0])
    check_consistent_length(y, pred)
    scores = crps_ensemble_rows(y, pred)
    return _d2_from_scores(scores, crps_reference(y, sample_weight), sample_weight)
