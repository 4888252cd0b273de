"""Torch distributions behind the estimators (pure torch, no scikit-learn).

- :class:`ISQF`: the incremental spline quantile function of Park et al. (2022).
- :func:`open_uniform`: uniform draws strictly inside (0, 1).
- :class:`ConvexQuantileMap`: the gradient of a convex potential as a multivariate
  quantile map, with its Newton inverse (the rank).
- :func:`energy_score_draws`: the unbiased energy score of sampled forecasts.
"""

from ._convex_map import ConvexQuantileMap, NewtonResult
from ._isqf import ISQF, open_uniform
from ._scoring import energy_score_draws

__all__ = [
    "ISQF",
    "ConvexQuantileMap",
    "NewtonResult",
    "energy_score_draws",
    "open_uniform",
]
