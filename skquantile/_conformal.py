r"""Conformal recalibration of every quantile level at once.

:class:`ConformalQuantileRegressor` wraps a distributional regressor (by default an
:class:`~skquantile.IncrementalQuantileRegressor`). On held-out calibration rows it
computes the probability integral transform (PIT) values
:math:`u_i = \hat F(y_i \mid x_i)` and maps every nominal level :math:`\alpha`
through their empirical quantile function :math:`G` before asking the wrapped model:
:math:`\tilde q(\alpha \mid x) = \hat q(G(\alpha) \mid x)`, and
:math:`\tilde F(y \mid x) = G^{-1}(\hat F(y \mid x))`. The map is piecewise linear
and increasing, so the recalibrated quantiles still never cross.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import train_test_split
from sklearn.utils import check_array, column_or_1d
from sklearn.utils.validation import check_is_fitted

from ._base import _central_interval
from ._incremental import IncrementalQuantileRegressor
from .distributions import open_uniform
from .metrics._crps import _d2_from_scores, pinball_loss_rows
from .utils._sklearn_compat import (
    HasMethods,
    Interval,
    _check_sample_weight,
    _fit_context,
    _num_samples,
    validate_data,
)
from .utils._validation import (
    check_alpha_rows,
    check_n_draws,
    check_targets,
    seed_from,
)

__all__ = ["ConformalQuantileRegressor"]

# PIT values are kept inside [MIN_LEVEL, 1 - MIN_LEVEL]: a calibration row far in a
# tail can have F(y | x) round to 0 or 1, and the wrapped model's quantile at level
# 0 or 1 is infinite. 1e-15 is far below any level a calibration set can resolve.
MIN_LEVEL = 1e-15
# Largest float64 below 1: mapped levels stay inside the open interval (0, 1).
BELOW_ONE = float(np.nextafter(1.0, 0.0))
# Levels of the quantile grid that scores the recalibrated law (``score``).
SCORE_LEVELS = np.arange(1, 100) / 100


class ConformalQuantileRegressor(RegressorMixin, BaseEstimator):
    r"""Recalibrate every quantile level of a distributional regressor at once.

    Split conformal calibration through the probability integral transform: the
    wrapped model's CDF values at held-out rows, :math:`u_i = \hat F(y_i \mid x_i)`,
    would be uniform if the model were calibrated. Their empirical quantile function
    :math:`G` says which level of the model actually covers :math:`\alpha`; the
    recalibrated quantile is :math:`\hat q(G(\alpha) \mid x)`.

    Parameters
    ----------
    estimator : estimator instance, default=None
        A distributional regressor with ``fit``, ``predict_quantile`` and
        ``predict_cdf``; None means ``IncrementalQuantileRegressor()``. Its
        ``predict_quantile`` must accept levels per row (a 2-d ``alpha`` of shape
        ``(n_samples, m)``), as :class:`IncrementalQuantileRegressor`'s does, for
        per-row levels and :meth:`sample` here. It is cloned
        and fitted on part of the rows, unless it is wrapped in
        :class:`sklearn.frozen.FrozenEstimator`: then it is used as fitted and
        every row given to ``fit`` calibrates.
    calibration_size : float or int, default=0.25
        Rows held out for calibration (a fraction in (0, 1) or a count) when the
        estimator is fitted here. More rows give a finer level map (see Notes).
    random_state : int, RandomState instance, Generator or None, default=None
        Seeds the train / calibration split and the draws of ``sample``.

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted wrapped model.
    calibration_levels_ : ndarray of shape (n_calibration + 2,)
        Nominal levels :math:`0, c_1, ..., c_n, 1` of the map's breakpoints:
        :math:`c_k = k / (n + 1)` for unit weights.
    calibration_pit_ : ndarray of shape (n_calibration + 2,)
        The sorted calibration PIT values, framed by 0 and 1: :math:`G(c_k)`.
    n_calibration_ : int
        Number of calibration rows.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, when X has string column names.

    See Also
    --------
    IncrementalQuantileRegressor : The default wrapped model.
    sklearn.frozen.FrozenEstimator : Wrap an already fitted model to calibrate it
        on new rows without refitting.

    Notes
    -----
    **What is guaranteed.** Let :math:`u_{(1)} \le \dots \le u_{(n)}` be the sorted
    PIT values of n calibration rows and :math:`G` the piecewise-linear map through
    :math:`(k / (n + 1), u_{(k)})`, :math:`k = 0, \dots, n + 1`, with
    :math:`u_{(0)} = 0` and :math:`u_{(n+1)} = 1`. If the calibration rows and a new
    row are exchangeable (for example i.i.d.) and the model's CDF is continuous, the
    new row's PIT has the same rank distribution as the others, so for every level
    at once

    .. math::

        \left| P\big(Y \le \tilde q(\alpha \mid X)\big) - \alpha \right|
        \le \frac{1}{n + 1},

    with equality :math:`P = \alpha` at the levels :math:`k / (n + 1)`; central
    intervals cover within :math:`2 / (n + 1)` of their nominal mass. The
    probability is over the calibration rows and the new row together, whatever the
    wrapped model, however misspecified.

    **What is not guaranteed.** Coverage conditional on x: the correction is the
    same for every row, so a model whose intervals are too narrow where the noise is
    large and too wide where it is small stays so, with the right coverage only on
    average over X. It also needs exchangeability: under drift between calibration
    and new rows the guarantee does not hold. With ``sample_weight`` the map uses
    the weighted PIT distribution (breakpoints at cumulative weights), for which the
    finite-sample bound is not claimed: row i counts ``n w_i / sum(w)`` times
    (zero weights drop the row), so the breakpoints are the cumulative normalised
    weights over ``n + 1``, and an integer weight is not the same as repeating the
    row.

    Examples
    --------
    >>> import numpy as np
    >>> from skquantile import ConformalQuantileRegressor, IncrementalQuantileRegressor
    >>> from skquantile.datasets import make_heteroscedastic
    >>> X, y = make_heteroscedastic(n_samples=400, random_state=0)
    >>> base = IncrementalQuantileRegressor(max_epochs=3, random_state=0)
    >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
    >>> model.n_calibration_
    100
    >>> q = model.predict_quantile(X[:5], [0.05, 0.5, 0.95])
    >>> q.shape, bool(np.all(np.diff(q, axis=1) >= 0))
    ((5, 3), True)
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict_quantile", "predict_cdf"]), None],
        "calibration_size": [
            Interval(numbers.Real, 0, 1, closed="neither"),
            Interval(numbers.Integral, 1, None, closed="left"),
        ],
        "random_state": ["random_state"],
    }

    def __init__(self, estimator=None, *, calibration_size=0.25, random_state=None):
        self.estimator = estimator
        self.calibration_size = calibration_size
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the wrapped model (unless frozen) and calibrate its levels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows (a pandas DataFrame is passed on as is).
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, for the wrapped model's fit and for the calibration map.

        Returns
        -------
        self : ConformalQuantileRegressor
            The fitted meta-estimator.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> model.n_calibration_
        50
        >>> model.calibration_levels_.shape, model.calibration_pit_.shape
        ((52,), (52,))
        >>> model.estimator_ is base  # a fitted clone
        False

        A model fitted elsewhere is calibrated as is, on every row given to ``fit``:

        >>> from sklearn.frozen import FrozenEstimator
        >>> fitted = base.fit(X[:100], y[:100])
        >>> frozen = ConformalQuantileRegressor(FrozenEstimator(fitted))
        >>> frozen.fit(X[100:], y[100:]).n_calibration_
        100
        """
        validate_data(self, X, y, skip_check_array=True)
        y = column_or_1d(
            check_array(y, ensure_2d=False, dtype=np.float64, input_name="y"),
            warn=True,
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, y, ensure_non_negative=True
            )
        if isinstance(self.estimator, FrozenEstimator):
            check_is_fitted(self.estimator)
            self.estimator_ = self.estimator
            X_cal, y_cal, w_cal = X, y, sample_weight
        else:
            X_cal, y_cal, w_cal = self._fit_estimator(X, y, sample_weight)
        self._calibrate(self.estimator_.predict_cdf(X_cal, y_cal), w_cal)
        return self

    def _fit_estimator(self, X, y, sample_weight):
        """Fit a clone on the training part; return the calibration part."""
        n = _num_samples(X)
        if n < 2:
            raise ValueError(
                f"ConformalQuantileRegressor needs at least 2 rows, to fit and to "
                f"calibrate; got {n} sample."
            )
        base = (
            IncrementalQuantileRegressor() if self.estimator is None else self.estimator
        )
        self.estimator_ = clone(base)
        arrays = (X, y) if sample_weight is None else (X, y, sample_weight)
        parts = train_test_split(
            *arrays,
            test_size=self.calibration_size,
            random_state=seed_from(self.random_state) % 2**32,
        )
        X_fit, X_cal, y_fit, y_cal = parts[:4]
        if sample_weight is None:
            self.estimator_.fit(X_fit, y_fit)
            return X_cal, y_cal, None
        self.estimator_.fit(X_fit, y_fit, sample_weight=parts[4])
        return X_cal, y_cal, parts[5]

    def _calibrate(self, pit, sample_weight):
        """The level map G through (cumulative weight / (total + 1), sorted PIT)."""
        pit = np.clip(np.asarray(pit, dtype=np.float64), MIN_LEVEL, 1 - MIN_LEVEL)
        weights = np.ones_like(pit) if sample_weight is None else sample_weight
        keep = weights > 0
        pit, weights = pit[keep], weights[keep]
        order = np.argsort(pit, kind="stable")
        n = pit.shape[0]
        # Unit weights give the conformal breakpoints k / (n + 1) exactly.
        cumulative = np.cumsum(weights[order] * (n / weights.sum()))
        self.calibration_levels_ = np.concatenate([[0.0], cumulative / (n + 1), [1.0]])
        self.calibration_pit_ = np.concatenate([[0.0], pit[order], [1.0]])
        self.n_calibration_ = n

    # ------------------------------------------------------------ level maps
    def _to_model_level(self, alpha):
        """G(alpha): the wrapped model's level that covers the nominal alpha."""
        mapped = np.interp(alpha, self.calibration_levels_, self.calibration_pit_)
        return np.clip(mapped, np.finfo(np.float64).tiny, BELOW_ONE)

    def _to_nominal_level(self, u):
        """G^{-1}(u), right-continuous where G is flat (tied PIT values)."""
        pit, levels = self.calibration_pit_, self.calibration_levels_
        j = np.clip(np.searchsorted(pit, u, side="right") - 1, 0, pit.size - 2)
        lo, hi = pit[j], pit[j + 1]
        frac = np.where(hi > lo, (u - lo) / np.where(hi > lo, hi - lo, 1.0), 1.0)
        return levels[j] + np.clip(frac, 0.0, 1.0) * (levels[j + 1] - levels[j])

    # --------------------------------------------------------------- methods
    def predict(self, X):
        """Recalibrated conditional median.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The recalibrated 0.5-quantile of each row.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> median = model.predict(X[:5])
        >>> median.shape
        (5,)
        >>> bool(np.allclose(median, model.predict_quantile(X[:5], 0.5)))
        True
        """
        return self.predict_quantile(X, 0.5)

    def predict_quantile(self, X, alpha):
        """Recalibrated quantiles; they never cross.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.
        alpha : float or array-like of shape (n_levels,) or (n_samples, n_levels)
            Nominal levels in the open interval (0, 1), shared by all rows or per
            row (2-d).

        Returns
        -------
        quantiles : ndarray of shape (n_samples,) or (n_samples, n_levels)
            The wrapped model's quantiles at the mapped levels :math:`G(\\alpha)`.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> q = model.predict_quantile(X[:5], [0.05, 0.5, 0.95])
        >>> q.shape, bool(np.all(np.diff(q, axis=1) >= 0))
        ((5, 3), True)
        >>> model.predict_quantile(X[:5], 0.5).shape
        (5,)
        >>> per_row = np.linspace(0.1, 0.9, 5)[:, None]  # one level per row
        >>> model.predict_quantile(X[:5], per_row).shape
        (5, 1)
        """
        check_is_fitted(self)
        levels = check_alpha_rows(alpha, _num_samples(X))
        return self.estimator_.predict_quantile(X, self._to_model_level(levels))

    def predict_interval(self, X, coverage=0.9):
        """Recalibrated central intervals.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.
        coverage : float or array-like of shape (k,), default=0.9
            Nominal mass of each interval, in the open interval (0, 1).

        Returns
        -------
        intervals : ndarray of shape (n_samples, 2) or (n_samples, 2, k)
            Lower and upper bounds, a third axis for a 1-d ``coverage``.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> interval = model.predict_interval(X[:5], coverage=0.9)
        >>> interval.shape, bool(np.all(interval[:, 0] <= interval[:, 1]))
        ((5, 2), True)
        >>> both = model.predict_interval(X[:5], coverage=[0.5, 0.9])
        >>> both.shape
        (5, 2, 2)
        >>> width = both[:, 1] - both[:, 0]
        >>> bool(np.all(width[:, 0] <= width[:, 1]))
        True
        """
        check_is_fitted(self)
        return _central_interval(self.predict_quantile, X, coverage)

    def predict_cdf(self, X, y):
        """Recalibrated conditional CDF, the inverse of :meth:`predict_quantile`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.
        y : float or array-like of shape (n_samples,) or (n_samples, m)
            Where to evaluate, as in the wrapped model's ``predict_cdf``.

        Returns
        -------
        cdf : ndarray of shape (n_samples,) or (n_samples, m)
            :math:`G^{-1}(\\hat F(y \\mid x))`, in [0, 1]. On new rows these
            recalibrated PIT values are close to uniform.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> levels = [0.1, 0.5, 0.9]
        >>> cdf = model.predict_cdf(X[:5], model.predict_quantile(X[:5], levels))
        >>> cdf.shape, bool(np.allclose(cdf, levels))
        ((5, 3), True)
        >>> pit = model.predict_cdf(X[:5], y[:5])
        >>> pit.shape, bool(np.all((pit >= 0) & (pit <= 1)))
        ((5,), True)
        """
        check_is_fitted(self)
        check_targets("y", y, _num_samples(X))
        return self._to_nominal_level(self.estimator_.predict_cdf(X, y))

    def sample(self, X, n_samples=1, random_state=None):
        """Draw from each row's recalibrated distribution (inverse transform).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.
        n_samples : int, default=1
            Number of draws per row (written n_draws in shapes).
        random_state : int, RandomState instance, Generator or None, default=None
            Seed of the draws; global RNG states are not touched.

        Returns
        -------
        draws : ndarray of shape (n_samples, n_draws)
            Independent draws, levels drawn strictly inside (0, 1) per row.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> draws = model.sample(X[:5], n_samples=100, random_state=0)
        >>> draws.shape
        (5, 100)
        >>> again = model.sample(X[:5], n_samples=100, random_state=0)
        >>> bool(np.array_equal(draws, again))
        True
        """
        check_is_fitted(self)
        n_draws = check_n_draws(n_samples)
        generator = torch.Generator().manual_seed(seed_from(random_state))
        shape = (_num_samples(X), n_draws)
        levels = open_uniform(shape, torch.float64, generator=generator).numpy()
        return self.predict_quantile(X, levels)

    def score(self, X, y, sample_weight=None):
        """D² skill of the recalibrated quantiles over 99 levels; higher is better.

        ``1 - sum of pinball losses / sum of the pinball losses of the empirical
        quantiles of y``, over the levels 0.01, ..., 0.99: the quantile-grid CRPS
        skill (the recalibrated law has no closed-form CRPS).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.
        y : array-like of shape (n_samples,)
            Observed targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, also of the empirical reference quantiles.

        Returns
        -------
        score : float
            1 is perfect; 0 is no better than the unconditional quantiles of y.

        Examples
        --------
        >>> import numpy as np
        >>> from skquantile import ConformalQuantileRegressor
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> base = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,), max_epochs=3, batch_size=100,
        ...     early_stopping=False, random_state=0,
        ... )
        >>> model = ConformalQuantileRegressor(base, random_state=0).fit(X, y)
        >>> skill = model.score(X, y)
        >>> isinstance(skill, float), bool(skill <= 1)
        (True, True)
        """
        check_is_fitted(self)
        y = column_or_1d(check_array(y, ensure_2d=False, input_name="y"))
        w = _check_sample_weight(sample_weight, y)
        model = self.predict_quantile(X, SCORE_LEVELS)
        # Weighted empirical quantiles of y: the smallest y whose cumulative weight
        # reaches the level.
        order = np.argsort(y, kind="stable")
        cumulative = np.cumsum(w[order]) / w.sum()
        index = np.searchsorted(cumulative, SCORE_LEVELS, side="left")
        reference = y[order][np.minimum(index, y.size - 1)]
        scores = pinball_loss_rows(y, model, SCORE_LEVELS).sum(axis=1)
        reference = pinball_loss_rows(y, reference[None], SCORE_LEVELS).sum(axis=1)
        return _d2_from_scores(scores, reference, w)
