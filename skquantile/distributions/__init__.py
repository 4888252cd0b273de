"""Torch distributions behind the estimators (pure torch, no scikit-learn).

- :class:`ISQF`: the incremental spline quantile function of Park et al. (2022).
- :func:`open_uniform`: uniform draws strictly inside (0, 1).
"""

from ._isqf import ISQF, open_uniform

__all__ = ["ISQF", "open_uniform"]
