"""Scorers for ``GridSearchCV(scoring=...)``: plain callables, higher is better.

- :func:`crps_scorer`, :func:`energy_scorer`: minus the estimator's own mean
  closed-form CRPS or energy score.
- :func:`make_pinball_scorer`, :func:`make_coverage_scorer`: build scorers of the
  quantiles or intervals at chosen levels, validated when built.
"""

from __future__ import annotations

import numpy as np
from sklearn.pipeline import Pipeline

from ..utils._validation import check_alpha, check_coverage
from ._interval import interval_coverage
from ._quantile import mean_pinball_loss

__all__ = [
    "crps_scorer",
    "energy_scorer",
    "make_coverage_scorer",
    "make_pinball_scorer",
]


def _final_step(estimator, X):
    """The last step of (nested) pipelines and X transformed by the steps before.

    A :class:`~sklearn.pipeline.Pipeline` exposes ``predict`` but not the
    distributional methods (``crps``, ``predict_quantile``, ...) of its last step,
    so the scorers apply the preceding transforms themselves.
    """
    while isinstance(estimator, Pipeline):
        X = estimator[:-1].transform(X) if len(estimator) > 1 else X
        estimator = estimator[-1]
    return estimator, X


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
        ``-mean(estimator.crps(X, y))``; higher is better. For a
        :class:`~sklearn.pipeline.Pipeline`, its last step scores the rows the
        earlier steps transformed.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantile import IncrementalQuantileRegressor
    >>> from skquantile.datasets import make_heteroscedastic
    >>> from skquantile.metrics import crps_scorer
    >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
    >>> model = IncrementalQuantileRegressor(
    ...     hidden_layer_sizes=(8,), max_epochs=3, early_stopping=False,
    ...     random_state=0,
    ... ).fit(X, y)
    >>> score = crps_scorer(model, X, y)
    >>> bool(np.isclose(score, -np.mean(model.crps(X, y))))
    True

    Pass it as ``scoring`` to rank models by CRPS in cross-validation or a search:

    >>> from sklearn.model_selection import cross_val_score
    >>> scores = cross_val_score(model, X, y, cv=2, scoring=crps_scorer)
    >>> scores.shape, bool(np.all(scores < 0))
    ((2,), True)
    """
    estimator, X = _final_step(estimator, X)
    return -float(np.mean(estimator.crps(X, y)))


def energy_scorer(estimator, X, y):
    """Score a fitted multivariate estimator by minus its mean energy score.

    Parameters
    ----------
    estimator : fitted estimator with an ``energy_score(X, y)`` method
        Returning one energy score per row.
    X : array-like of shape (n_samples, n_features)
        Input rows.
    y : array-like of shape (n_samples, n_outputs)
        Observed target vectors.

    Returns
    -------
    score : float
        ``-mean(estimator.energy_score(X, y))``; higher is better.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantile.metrics import energy_scorer
    >>> class Constant:
    ...     def energy_score(self, X, y):
    ...         return np.full(len(y), 2.0)
    >>> energy_scorer(Constant(), np.zeros((3, 1)), np.zeros((3, 2)))
    -2.0
    """
    estimator, X = _final_step(estimator, X)
    return -float(np.mean(estimator.energy_score(X, y)))


class _PinballScorer:
    """Minus the mean pinball loss of ``predict_quantile(X, alpha)``."""

    def __init__(self, alpha):
        self.alpha = alpha

    def __call__(self, estimator, X, y):
        estimator, X = _final_step(estimator, X)
        quantiles = estimator.predict_quantile(X, self.alpha)
        return -mean_pinball_loss(y, quantiles, alpha=self.alpha)

    def __repr__(self):
        return f"make_pinball_scorer(alpha={self.alpha!r})"


class _CoverageScorer:
    """Minus the mean gap between observed and nominal interval coverage."""

    def __init__(self, coverage):
        self.coverage = coverage

    def __call__(self, estimator, X, y):
        estimator, X = _final_step(estimator, X)
        observed = interval_coverage(y, estimator.predict_interval(X, self.coverage))
        return -float(np.mean(np.abs(observed - np.asarray(self.coverage))))

    def __repr__(self):
        return f"make_coverage_scorer(coverage={self.coverage!r})"


def make_pinball_scorer(alpha):
    """Make a scorer: minus the mean pinball loss of the quantiles at ``alpha``.

    Parameters
    ----------
    alpha : float or array-like of shape (n_levels,)
        Quantile levels in the open interval (0, 1), checked here, not at scoring.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)`` returns
        ``-mean_pinball_loss(y, estimator.predict_quantile(X, alpha), alpha=alpha)``,
        averaged over the levels; higher is better.

    See Also
    --------
    mean_pinball_loss : The loss it negates.

    Examples
    --------
    >>> from skquantile import IncrementalQuantileRegressor
    >>> from skquantile.datasets import make_heteroscedastic
    >>> from skquantile.metrics import make_pinball_scorer
    >>> X, y = make_heteroscedastic(n_samples=100, random_state=0)
    >>> model = IncrementalQuantileRegressor(
    ...     hidden_layer_sizes=(8,), max_epochs=2, random_state=0
    ... ).fit(X, y)
    >>> scorer = make_pinball_scorer([0.1, 0.9])
    >>> scorer
    make_pinball_scorer(alpha=[0.1, 0.9])
    >>> scorer(model, X, y) < 0
    True
    """
    return _PinballScorer(check_alpha(alpha).tolist())


def make_coverage_scorer(coverage):
    """Make a scorer: minus the gap between observed and nominal interval coverage.

    Parameters
    ----------
    coverage : float or array-like of shape (n_levels,)
        Nominal mass of the central intervals, in the open interval (0, 1), checked
        here, not at scoring.

    Returns
    -------
    scorer : callable
        ``scorer(estimator, X, y)`` returns ``-|observed - coverage|`` for the
        intervals of ``estimator.predict_interval(X, coverage)``, averaged over the
        levels of a 1-d ``coverage``; higher is better, 0 is best.

    See Also
    --------
    interval_coverage : The observed coverage.

    Notes
    -----
    Coverage alone is not a proper score: an interval that ignores X can cover
    exactly. Select models on a proper score (``refit="crps"``) and report this
    one beside it.

    Examples
    --------
    >>> from skquantile import IncrementalQuantileRegressor
    >>> from skquantile.datasets import make_heteroscedastic
    >>> from skquantile.metrics import make_coverage_scorer
    >>> X, y = make_heteroscedastic(n_samples=100, random_state=0)
    >>> model = IncrementalQuantileRegressor(
    ...     hidden_layer_sizes=(8,), max_epochs=2, random_state=0
    ... ).fit(X, y)
    >>> scorer = make_coverage_scorer(0.8)
    >>> scorer
    make_coverage_scorer(coverage=0.8)
    >>> -1 <= scorer(model, X, y) <= 0
    True
    """
    return _CoverageScorer(check_coverage(coverage).tolist())
