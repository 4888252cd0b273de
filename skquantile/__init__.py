"""skquantile: whole conditional distributions for tabular regression.

- :class:`IncrementalQuantileRegressor`: univariate target, the ISQF head of
  Park et al. (2022), trained on its closed-form CRPS.
- :class:`ConvexMultivariateQuantileRegressor`: d-dimensional target, the gradient of
  a convex potential (MQF², Kan et al. 2022), trained on the energy score.
- :class:`ConformalQuantileRegressor`: conformal recalibration of every level of a
  fitted distributional regressor at once.
- :mod:`skquantile.metrics`: scoring rules and scorers (NumPy).
- :mod:`skquantile.datasets`: synthetic data with known quantile functions.
"""

from ._conformal import ConformalQuantileRegressor
from ._convex import ConvexMultivariateQuantileRegressor
from ._incremental import IncrementalQuantileRegressor

__version__ = "0.1.0.dev0"

__all__ = [
    "ConformalQuantileRegressor",
    "ConvexMultivariateQuantileRegressor",
    "IncrementalQuantileRegressor",
    "__version__",
]
