"""Scorers for ``GridSearchCV(scoring=...)``: plain callables, higher is better."""

from __future__ import annotations

import numpy as np

__all__ = ["crps_scorer"]


def crps_scorer(estimator, X, y):
    """Score a fitted distributional estimator by minus its mean closed-form CRPS.

    Parameters
    ----------
    estimator : fitted estimator with a ``crps(X, y)`` method
        For example an :class:`~skquantile.IncrementalQuantileRegressor`.
    X : array-like of shape (n_samples, n_features)
        Input rows.
    y : array-like of shape (n_samples,)
        Observed targets.

    Returns
    -------
    score : float
        ``-mean(estimator.crps(X, y))``; higher is better.
    """
    return -float(np.mean(estimator.crps(X, y)))
