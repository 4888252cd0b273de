"""Scoring rules and scorers for distributional forecasts (NumPy only).

Metrics follow scikit-learn's signatures ``(y_true, prediction, *, ...,
sample_weight=None)``; scorers are callables ``(estimator, X, y) -> float``, higher is
better.

- ``_crps``: CRPS of ensembles and quantile grids, its reference and D² skill.
- ``_quantile``: the pinball loss at one or several levels.
- ``_interval``: interval score and observed coverage of central intervals.
- ``_calibration``: PIT of ensembles and the level-calibration error.
- ``_energy``, ``_variogram``: multivariate scores of joint ensembles.
- ``_scorers``: callables for ``GridSearchCV(scoring=...)``.
"""

from ._calibration import calibration_error, pit
from ._crps import crps_ensemble, crps_quantile_grid, crps_reference, d2_crps_score
from ._energy import d2_energy_score, energy_reference, energy_score
from ._interval import interval_coverage, interval_score
from ._quantile import mean_pinball_loss
from ._scorers import (
    crps_scorer,
    energy_scorer,
    make_coverage_scorer,
    make_pinball_scorer,
)
from ._variogram import variogram_score

__all__ = [
    "calibration_error",
    "crps_ensemble",
    "crps_quantile_grid",
    "crps_reference",
    "crps_scorer",
    "d2_crps_score",
    "d2_energy_score",
    "energy_reference",
    "energy_score",
    "energy_scorer",
    "interval_coverage",
    "interval_score",
    "make_coverage_scorer",
    "make_pinball_scorer",
    "mean_pinball_loss",
    "pit",
    "variogram_score",
]
