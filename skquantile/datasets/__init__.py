"""Synthetic data sets with known conditional quantile functions."""

from ._synthetic import make_heteroscedastic

__all__ = ["make_heteroscedastic"]
