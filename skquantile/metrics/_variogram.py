"""The variogram score of multivariate ensembles (Scheuerer & Hamill, 2015).

It compares, for each pair of outputs, the observed ``|y_i - y_j|^p`` with its
expectation under the forecast, so unlike the energy score it reacts strongly to a
wrong dependence between outputs.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ..utils._sklearn_compat import Interval, _check_sample_weight, validate_params
from ._crps import _check_finite
from ._energy import _as_ensembles, _as_vector_targets

__all__ = ["variogram_score"]


def _as_pair_weights(weights, d):
    if weights is None:
        return np.ones((d, d))
    pair = np.asarray(weights, dtype=np.float64)
    if pair.shape != (d, d):
        raise ValueError(
            f"weights must have shape (n_outputs, n_outputs) = ({d}, {d}); "
            f"got shape {pair.shape}."
        )
    _check_finite("weights", pair)
    bad = pair < 0
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"weights must be non-negative; got {float(pair[index])!r} at index "
            f"{index}."
        )
    return pair


def _variogram(points, p):
    """``|v_i - v_j|^p`` for every pair of the last axis: (..., d) -> (..., d, d)."""
    return np.abs(points[..., :, None] - points[..., None, :]) ** p


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "p": [Interval(Real, 0, None, closed="neither")],
        "weights": ["array-like", None],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def variogram_score(y_true, y_pred, *, p=0.5, weights=None, sample_weight=None):
    r"""Mean variogram score of order p of multivariate ensembles; lower is better.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_outputs)
        Observed target vectors.
    y_pred : array-like of shape (n_samples, n_draws, n_outputs)
        Draws from each row's joint forecast.
    p : float, default=0.5
        Order of the variogram, > 0; 0.5 is the usual choice, robust to outliers.
    weights : array-like of shape (n_outputs, n_outputs), default=None
        Non-negative weight of each ordered pair of outputs; ``None`` weighs all
        pairs 1. Down-weighting distant pairs (in time or space) reduces noise.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean.

    Returns
    -------
    score : float
        Weighted mean variogram score, in the units of y to the power 2 p.

    See Also
    --------
    energy_score : The multivariate CRPS.

    Notes
    -----
    For draws :math:`x_1, \dots, x_m` and pair weights :math:`w_{ij}`,

    .. math::

        \mathrm{VS}_p(y) = \sum_{i=1}^{d} \sum_{j=1}^{d} w_{ij} \Big(
        |y_i - y_j|^p - \frac{1}{m} \sum_{k=1}^{m} |x_{ki} - x_{kj}|^p \Big)^2,

    the sum over all ordered pairs, as in Scheuerer & Hamill (2015) and
    scoringrules' ``vs_ensemble`` (with its default ``estimator="nrg"``): with unit
    weights each unordered pair counts twice and the diagonal contributes nothing.
    It is proper, not strictly: it only sees the distribution of differences
    between outputs, so it is blind to a shift of all outputs together.

    References
    ----------
    .. [1] M. Scheuerer and T. M. Hamill, "Variogram-based proper scoring rules for
       probabilistic forecasts of multivariate quantities", Monthly Weather Review
       143(4), 1321-1334, 2015.

    Examples
    --------
    >>> from skquantile.metrics import variogram_score
    >>> variogram_score([[0.0, 4.0]], [[[0.0, 1.0], [1.0, 0.0]]])
    2.0
    """
    y = _as_vector_targets(y_true)
    pred = _as_ensembles(y_pred, y)
    pair = _as_pair_weights(weights, y.shape[1])
    expected = np.zeros(y.shape + y.shape[1:])
    for k in range(pred.shape[1]):  # one draw at a time: (n, d, d), never (n, m, d, d)
        expected += _variogram(pred[:, k], p)
    gaps = _variogram(y, p) - expected / pred.shape[1]
    scores = (pair * gaps**2).sum(axis=(-2, -1))
    w = _check_sample_weight(sample_weight, y)
    return float(np.average(scores, weights=w))
