"""Calibration: do the predicted probabilities match observed frequencies?

- :func:`pit`: the probability integral transform of ensembles, uniform on [0, 1]
  when the forecasts are calibrated.
- :func:`calibration_error`: levels against the observed frequency of
  ``y <= q_alpha``, the numbers behind a level-calibration curve.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ..utils._sklearn_compat import _check_sample_weight, validate_params
from ..utils._validation import check_alpha
from ._crps import _as_quantiles, _as_rows, _as_targets
from ._quantile import MULTILEVEL

__all__ = ["calibration_error", "pit"]


@validate_params(
    {"y_true": ["array-like"], "y_pred": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def pit(y_true, y_pred):
    r"""Probability integral transform of ensemble forecasts, one value per row.

    The fraction of each row's draws below its target, ties counted half: an
    estimate of :math:`F(y \mid x)`, the predicted CDF at the observation. For a
    calibrated forecast these values are uniform on [0, 1]; a U-shaped histogram
    means too narrow forecasts, a hump too wide ones.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples, n_draws)
        Draws from each row's forecast, for example from ``sample(X, n_samples)``.

    Returns
    -------
    pit : ndarray of shape (n_samples,)
        Values in [0, 1], on the grid of multiples of ``1 / (2 n_draws)``.

    See Also
    --------
    calibration_error : Levels against observed frequencies, for quantile forecasts.

    Notes
    -----
    For draws :math:`x_1, \dots, x_m`,

    .. math::

        \mathrm{PIT}(y) = \frac{1}{m} \Big( \#\{j : x_j < y\}
        + \tfrac{1}{2} \#\{j : x_j = y\} \Big),

    the mid-point of the empirical CDF's jump at y, so that ties (discrete or
    rounded data) do not bias the histogram. It estimates :math:`F(y \mid x)` with
    a sampling error of order :math:`1 / \sqrt{m}`. A fitted estimator gives the
    exact PIT without draws: ``estimator.predict_cdf(X, y)``.

    Examples
    --------
    >>> from skquantile.metrics import pit
    >>> pit([0.0, 2.0], [[-1.0, 0.0, 1.0, 2.0], [-1.0, 0.0, 1.0, 2.0]])
    array([0.375, 0.875])
    """
    y = _as_targets(y_true)
    draws = _as_rows("y_pred", y_pred, y.shape[0])
    below = (draws < y[:, None]).mean(axis=1)
    ties = (draws == y[:, None]).mean(axis=1)
    return below + 0.5 * ties


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
def calibration_error(
    y_true, y_pred, alpha, *, sample_weight=None, multilevel="uniform_average"
):
    r"""Gap between quantile levels and the observed frequency of ``y <= q_alpha``.

    A calibrated quantile forecast at level alpha lies above the target in a
    fraction alpha of the rows. Lower is better.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_levels)
        Predicted quantiles: ``(n_samples,)`` for a scalar ``alpha``, else column j at
        level ``alpha[j]``, as ``predict_quantile(X, alpha)`` returns them.
    alpha : float or array-like of shape (n_levels,)
        Quantile levels in the open interval (0, 1).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the frequencies.
    multilevel : {"uniform_average", "raw_values"}, default="uniform_average"
        ``"uniform_average"``: the mean absolute gap over levels.
        ``"raw_values"``: the signed gap per level, ``frequency - alpha``; positive
        where the quantile is too high.

    Returns
    -------
    error : float or ndarray of shape (n_levels,)
        A float, except an array of shape (n_levels,) for a 1-d ``alpha`` with
        ``multilevel="raw_values"``. For a scalar ``alpha``, ``"raw_values"`` gives
        the signed gap and ``"uniform_average"`` its absolute value.

    See Also
    --------
    pit : The probability integral transform of ensemble forecasts.
    interval_coverage : The same check for central intervals.

    Notes
    -----
    With weights :math:`w_i` summing to one, the observed frequency at level
    :math:`\alpha_j` is :math:`\hat p_j = \sum_i w_i \, 1\{y_i \le q_{ij}\}` and

    .. math::

        \mathrm{error} = \frac{1}{k} \sum_{j=1}^{k} |\hat p_j - \alpha_j|.

    It is not a proper scoring rule: a forecast that ignores X can be perfectly
    calibrated. Use it beside :func:`mean_pinball_loss` or the CRPS.

    Examples
    --------
    >>> from skquantile.metrics import calibration_error
    >>> y_pred = [[1.5, 1.5]] * 4
    >>> calibration_error([0.0, 1.0, 2.0, 3.0], y_pred, [0.25, 0.75])
    0.25
    >>> calibration_error(
    ...     [0.0, 1.0, 2.0, 3.0], y_pred, [0.25, 0.75], multilevel="raw_values"
    ... )
    array([ 0.25, -0.25])
    """
    y = _as_targets(y_true)
    levels = check_alpha(alpha)
    pred = _as_quantiles(y_pred, levels, y.shape[0])
    w = _check_sample_weight(sample_weight, y)
    gaps = np.average(y[:, None] <= pred, axis=0, weights=w) - levels
    if multilevel == "raw_values":
        return float(gaps[0]) if levels.ndim == 0 else gaps
    return float(np.abs(gaps).mean())
