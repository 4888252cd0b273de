"""The energy score of multivariate ensembles, its reference and its D² skill.

Targets are (n_samples, n_outputs), ensembles (n_samples, n_draws, n_outputs), as the
multivariate estimators' ``sample`` returns them. Distances are Euclidean, in the
units of y.

- :func:`energy_score`: ``E||X - y|| - E||X - X'|| / 2``, ``"nrg"`` or ``"fair"``.
- :func:`energy_reference`: per-row energy score of the weighted empirical joint
  distribution of ``y_true`` itself, the reference of :func:`d2_energy_score`.
- :func:`d2_energy_score`: skill of an ensemble forecast against that reference.

Memory stays linear in the input: the pair term loops over draws, never building
(n, m, m, d), and the reference works on blocks of rows.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import cdist

from ..utils._sklearn_compat import StrOptions, _check_sample_weight, validate_params
from ._crps import _check_finite, _d2_from_scores

__all__ = ["d2_energy_score", "energy_reference", "energy_score"]

# Entries of one block of pairwise distances in energy_reference: 2**22 float64 are
# 32 MiB, small beside the data sets it is meant for yet large enough that numpy's
# per-call overhead is negligible.
_CHUNK_ELEMENTS = 2**22


def _as_vector_targets(y_true):
    y = np.asarray(y_true, dtype=np.float64)
    if y.ndim != 2:
        raise ValueError(
            f"y_true must be a 2-d array of shape (n_samples, n_outputs); "
            f"got shape {y.shape}."
        )
    return _check_finite("y_true", y)


def _as_ensembles(y_pred, y):
    pred = np.asarray(y_pred, dtype=np.float64)
    n, d = y.shape
    if pred.ndim != 3 or pred.shape[0] != n or pred.shape[2] != d:
        raise ValueError(
            "y_pred must have shape (n_samples, n_draws, n_outputs) with "
            f"n_samples = {n} and n_outputs = {d}; got shape {pred.shape}."
        )
    return _check_finite("y_pred", pred)


def _mean_pair_distance(draws, fair):
    """Mean ||X - X'|| over pairs of each row's draws (all m² or the distinct ones)."""
    n, m, _ = draws.shape
    total = np.zeros(n)
    for j in range(m - 1):  # draw j against the later ones: at most (n, m, d) at once
        gaps = draws[:, j + 1 :] - draws[:, j, None]
        total += np.linalg.norm(gaps, axis=-1).sum(axis=-1)
    return 2 * total / (m * (m - 1) if fair else m * m)


def energy_score_rows(y_true, y_pred, estimator="nrg"):
    """Per-row energy score (no validation): E||X - y|| - E||X - X'|| / 2."""
    first = np.linalg.norm(y_pred - y_true[:, None], axis=-1).mean(axis=-1)
    if y_pred.shape[1] < 2:
        return first
    return first - 0.5 * _mean_pair_distance(y_pred, estimator == "fair")


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "estimator": [StrOptions({"nrg", "fair"})],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def energy_score(y_true, y_pred, *, estimator="nrg", sample_weight=None):
    r"""Mean energy score of multivariate ensemble forecasts; lower is better.

    The multivariate generalisation of the CRPS: with one output it equals
    :func:`crps_ensemble`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_outputs)
        Observed target vectors.
    y_pred : array-like of shape (n_samples, n_draws, n_outputs)
        Draws from each row's joint forecast.
    estimator : {"nrg", "fair"}, default="nrg"
        ``"nrg"`` averages ``||X - X'||`` over all m² pairs of draws (the plain
        definition over the empirical ensemble); ``"fair"`` over the m (m - 1)
        distinct pairs, unbiased for the score of the law the draws come from.
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights of the mean.

    Returns
    -------
    score : float
        Weighted mean energy score in the units of y.

    See Also
    --------
    d2_energy_score : The skill against the unconditional forecast.
    variogram_score : A score more sensitive to the dependence between outputs.

    Notes
    -----
    For draws :math:`x_1, \dots, x_m` and the Euclidean norm,

    .. math::

        \mathrm{ES}(y) = \frac{1}{m} \sum_{j} \|x_j - y\|
        - \frac{1}{2 c} \sum_{j, k} \|x_j - x_k\|,

    with :math:`c = m^2` (``"nrg"``) or :math:`c = m (m - 1)` (``"fair"``). Scale
    the outputs to comparable units first: the norm adds them as they are.

    References
    ----------
    .. [1] T. Gneiting and A. E. Raftery, "Strictly proper scoring rules,
       prediction, and estimation", Journal of the American Statistical Association
       102(477), 359-378, 2007.

    Examples
    --------
    >>> from skquantile.metrics import energy_score
    >>> energy_score([[0.0, 0.0]], [[[3.0, 4.0], [-3.0, -4.0]]])
    2.5
    """
    y = _as_vector_targets(y_true)
    pred = _as_ensembles(y_pred, y)
    if estimator == "fair" and pred.shape[1] < 2:
        raise ValueError("estimator='fair' needs at least 2 draws per row; got 1.")
    w = _check_sample_weight(sample_weight, y)
    return float(np.average(energy_score_rows(y, pred, estimator), weights=w))


def energy_reference(y_true, sample_weight=None):
    """Per-row energy score of the weighted empirical distribution of ``y_true``.

    The unconditional ("climatological") joint forecast that ignores X: the
    reference of :func:`d2_energy_score`. Costs O(n² d) time but only blocks of
    about 2**22 distances in memory, so 10,000 rows take seconds and 32 MiB.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_outputs)
        Observed target vectors; also the reference ensemble.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the reference ensemble's members.

    Returns
    -------
    score : ndarray of shape (n_samples,)
        ``E||Y - y_i|| - E||Y - Y'|| / 2`` under the weighted empirical law of y.

    See Also
    --------
    crps_reference : The univariate counterpart.

    Examples
    --------
    >>> from skquantile.metrics import energy_reference
    >>> energy_reference([[0.0, 0.0], [3.0, 4.0]])
    array([1.25, 1.25])
    """
    y = _as_vector_targets(y_true)
    w = _check_sample_weight(sample_weight, y)
    p = w / w.sum()
    step = max(1, _CHUNK_ELEMENTS // y.shape[0])
    blocks = [cdist(y[i : i + step], y) @ p for i in range(0, y.shape[0], step)]
    mean_distance = np.concatenate(blocks)
    return mean_distance - 0.5 * np.dot(p, mean_distance)


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def d2_energy_score(y_true, y_pred, *, sample_weight=None):
    """D² energy skill of multivariate ensemble forecasts; higher is better.

    ``1 - sum_i ES(forecast_i, y_i) / sum_i ES(empirical law of y, y_i)``: the
    fraction of the unconditional forecast's energy score that the forecasts
    remove, as :func:`d2_crps_score` is for the CRPS.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, n_outputs)
        Observed target vectors.
    y_pred : array-like of shape (n_samples, n_draws, n_outputs)
        Draws from each row's joint forecast (energy score with ``estimator="nrg"``).
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights, also of the reference distribution.

    Returns
    -------
    score : float
        The skill score; 1 is perfect, 0 means no better than ignoring X.

    See Also
    --------
    energy_reference : The per-row scores of the reference forecast.

    Examples
    --------
    >>> from skquantile.metrics import d2_energy_score
    >>> d2_energy_score([[0.0, 0.0], [3.0, 4.0]], [[[0.0, 0.0]], [[3.0, 4.0]]])
    1.0
    """
    y = _as_vector_targets(y_true)
    pred = _as_ensembles(y_pred, y)
    scores = energy_score_rows(y, pred)
    return _d2_from_scores(scores, energy_reference(y, sample_weight), sample_weight)
