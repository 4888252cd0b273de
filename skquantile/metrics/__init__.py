"""Scoring rules and scorers for distributional forecasts (NumPy only).

Metrics follow scikit-learn's signatures ``(y_true, prediction, *, ...,
sample_weight=None)``; scorers are callables ``(estimator, X, y) -> float``, higher is
better.
"""

from ._crps import crps_ensemble, crps_quantile_grid, crps_reference, d2_crps_score
from ._scorers import crps_scorer

__all__ = [
    "crps_ensemble",
    "crps_quantile_grid",
    "crps_reference",
    "crps_scorer",
    "d2_crps_score",
]
