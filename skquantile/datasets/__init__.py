"""Synthetic data sets with known conditional quantile functions."""

from ._multi_horizon import make_multi_horizon
from ._multimodal import make_multimodal
from ._synthetic import make_heteroscedastic

__all__ = ["make_heteroscedastic", "make_multi_horizon", "make_multimodal"]
