"""Quantile fan chart.

- :class:`QuantileFanDisplay`: nested central intervals and the median against a
  feature (or the row index).
- ``_check_interval``, ``_feature_column``: its argument checks and x positions.
"""

import numbers

import numpy as np

from ..utils._validation import check_coverage
from ._base import (
    _check_array,
    _check_length,
    _figure_and_ax,
    _percent,
    _style,
)

# Opacity of one band layer: the widest band has it, each narrower band one more
# layer (0.3, 0.51, 0.66 for three bands).
_BAND_LAYER_OPACITY = 0.3


def _check_vector(name, values, n_samples, other):
    """An optional finite array of shape (n_samples,)."""
    if values is None:
        return None
    arr = _check_array(name, values, 1, "(n_samples,)")
    _check_length(name, arr, n_samples, other)
    return arr


def _check_interval(y_interval, coverage, n_samples):
    """``y_interval`` as (n_samples, 2, n_coverages) with lower <= upper."""
    arr = np.asarray(y_interval, dtype=np.float64)
    if np.ndim(coverage) == 0 and arr.ndim == 2:
        arr = arr[:, :, None]
    k = np.atleast_1d(coverage).size
    shape = f"(n_samples, 2, n_coverages) = ({n_samples}, 2, {k})"
    arr = _check_array("y_interval", arr, 3, shape)
    if arr.shape != (n_samples, 2, k):
        raise ValueError(f"y_interval must have shape {shape}; got shape {arr.shape}.")
    crossed = arr[:, 0] > arr[:, 1]
    if crossed.any():
        i, j = (int(v) for v in np.argwhere(crossed)[0])
        raise ValueError(
            "y_interval must hold [lower, upper] with lower <= upper; got lower "
            f"{float(arr[i, 0, j])!r} > upper {float(arr[i, 1, j])!r} at row {i}, "
            f"coverage index {j}."
        )
    return arr


def _feature_column(estimator, X, feature):
    """The x positions of a fan chart and their axis label."""
    if feature is None:
        return np.arange(len(X), dtype=np.float64), "row index"
    columns = getattr(X, "columns", None)
    names = getattr(estimator, "feature_names_in_", None)
    names = list(columns) if columns is not None else names
    values = np.asarray(X)
    n_features = values.shape[1]
    if isinstance(feature, str):
        if names is None or feature not in list(names):
            known = "X has no column names" if names is None else f"names: {names}"
            raise ValueError(
                f"feature must be an int index or a column name of X ({known}); "
                f"got {feature!r}."
            )
        index = list(names).index(feature)
    elif isinstance(feature, numbers.Integral) and not isinstance(feature, bool):
        if not -n_features <= feature < n_features:
            raise ValueError(
                f"feature must be an int index in [0, {n_features}) or a column "
                f"name of X; got {int(feature)!r}."
            )
        index = int(feature) % n_features
    else:
        raise ValueError(
            f"feature must be None, an int index or a column name of X; "
            f"got {feature!r}."
        )
    label = f"feature {index}" if names is None else str(list(names)[index])
    return values[:, index].astype(np.float64), label


def _draw_bands(ax, x, interval, coverage, band_kwargs):
    """Draw one band per coverage, widest first; return them in coverage order.

    Each band is an opaque mix of the base colour with white, as if the narrower
    bands stacked one more translucent layer each, so the colour deepens towards
    the median and the legend shows every shade.
    """
    from matplotlib.collections import PolyCollection
    from matplotlib.colors import to_rgb

    style = _style({"color": "C0", "linewidth": 0}, band_kwargs, PolyCollection)
    base = np.asarray(to_rgb(style.pop("color")))
    bands = [None] * coverage.size
    for rank, j in enumerate(np.argsort(-coverage, kind="stable")):
        opacity = 1 - (1 - _BAND_LAYER_OPACITY) ** (rank + 1)
        shade = {"facecolor": tuple(1 - opacity * (1 - base))}
        bands[j] = ax.fill_between(
            x,
            interval[:, 0, j],
            interval[:, 1, j],
            label=f"{_percent(coverage[j])} interval",
            **{**shade, **style},
        )
    return bands


class QuantileFanDisplay:
    """Quantile fan chart: nested central intervals and the median against x.

    Each band is a central prediction interval (for example the 50%, 80% and 95%
    intervals); the narrower bands lie on top of the wider ones, so the colour
    deepens towards the median. Rows are drawn in increasing order of ``x``.
    Create one with :meth:`from_estimator` or :meth:`from_predictions`.

    .. versionadded:: 0.1

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
        Horizontal positions: a feature column or the row index.
    y_interval : ndarray of shape (n_samples, 2, n_coverages)
        ``[:, 0, j]`` lower and ``[:, 1, j]`` upper bounds of the interval holding
        ``coverage[j]``.
    coverage : ndarray of shape (n_coverages,)
        Mass of each interval, in the open interval (0, 1).
    y_median : ndarray of shape (n_samples,), default=None
        The median line; not drawn when None.
    y_true : ndarray of shape (n_samples,), default=None
        Observed targets, drawn as points; not drawn when None.
    x_label : str, default=None
        Label of the horizontal axis; ``"x"`` when None.

    Attributes
    ----------
    bands_ : list of matplotlib PolyCollection
        One band per coverage, in the order of ``coverage``.
    line_ : matplotlib Line2D or None
        The median line.
    scatter_ : matplotlib PathCollection or None
        The observed targets.
    ax_ : matplotlib Axes
        Axes holding the chart.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    QuantileFunctionDisplay : The quantile function of a few rows.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skquantile.plotting import QuantileFanDisplay
    >>> x = np.linspace(-1, 1, 30)
    >>> coverage = np.array([0.5, 0.9])
    >>> half_width = np.array([0.67, 1.64]) * (0.2 + np.abs(x))[:, None]
    >>> y_interval = np.stack([x[:, None] - half_width, x[:, None] + half_width], 1)
    >>> display = QuantileFanDisplay.from_predictions(
    ...     x, y_interval, coverage, y_median=x
    ... )
    >>> len(display.bands_)
    2
    >>> plt.close(display.figure_)

    From a fitted model, against the first feature:

    >>> from skquantile import IncrementalQuantileRegressor
    >>> from skquantile.datasets import make_heteroscedastic
    >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
    >>> model = IncrementalQuantileRegressor(max_epochs=3, random_state=0).fit(X, y)
    >>> display = QuantileFanDisplay.from_estimator(model, X, y, feature=0)
    >>> len(display.bands_), display.ax_.get_xlabel()
    (3, 'feature 0')
    >>> plt.close(display.figure_)
    """

    def __init__(
        self, *, x, y_interval, coverage, y_median=None, y_true=None, x_label=None
    ):
        self.x = x
        self.y_interval = y_interval
        self.coverage = coverage
        self.y_median = y_median
        self.y_true = y_true
        self.x_label = x_label

    def plot(self, ax=None, *, band_kwargs=None, line_kwargs=None, scatter_kwargs=None):
        """Draw the fan chart.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        band_kwargs : dict, default=None
            Keywords for ``fill_between``, applied to every band: ``color`` is the
            base of the shades, ``facecolor`` one colour for all bands.
        line_kwargs : dict, default=None
            Keywords for the median's ``plot`` call.
        scatter_kwargs : dict, default=None
            Keywords for the observed targets' ``scatter`` call.

        Returns
        -------
        display : QuantileFanDisplay
            This object, with the artists stored.

        Examples
        --------
        Draw a display built by hand on an axes of your own:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import QuantileFanDisplay
        >>> x = np.linspace(0, 1, 20)
        >>> y_interval = np.stack([x - 1, x + 1], axis=1)[:, :, None]  # one band
        >>> display = QuantileFanDisplay(
        ...     x=x, y_interval=y_interval, coverage=np.array([0.8]), y_median=x
        ... )
        >>> fig, ax = plt.subplots()
        >>> display = display.plot(ax=ax, band_kwargs={"color": "C2"})
        >>> display.ax_ is ax, len(display.bands_), display.scatter_ is None
        (True, 1, True)
        >>> plt.close(fig)
        """
        self.figure_, self.ax_ = _figure_and_ax(ax, "QuantileFanDisplay.plot")
        from matplotlib.collections import PathCollection
        from matplotlib.lines import Line2D

        ax = self.ax_
        order = np.argsort(self.x, kind="stable")
        x = np.asarray(self.x)[order]
        interval = np.asarray(self.y_interval)[order]
        coverage = np.atleast_1d(self.coverage)
        self.bands_ = _draw_bands(ax, x, interval, coverage, band_kwargs)
        self.line_ = self.scatter_ = None
        if self.y_median is not None:
            style = _style({"color": "C0", "label": "median"}, line_kwargs, Line2D)
            (self.line_,) = ax.plot(x, np.asarray(self.y_median)[order], **style)
        if self.y_true is not None:
            defaults = {"color": "k", "s": 8, "alpha": 0.6, "label": "observed"}
            style = _style(defaults, scatter_kwargs, PathCollection)
            self.scatter_ = ax.scatter(x, np.asarray(self.y_true)[order], **style)
        ax.set_xlabel("x" if self.x_label is None else self.x_label)
        ax.set_ylabel("y")
        bands = [self.bands_[j] for j in np.argsort(coverage, kind="stable")]
        handles = [h for h in [self.line_, *bands, self.scatter_] if h is not None]
        ax.legend(handles=handles, loc="best", fontsize="small")
        return self

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        feature=None,
        coverage=(0.5, 0.8, 0.95),
        ax=None,
        **kwargs,
    ):
        """Fan chart of a fitted estimator's intervals on the rows of ``X``.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator with ``predict_interval`` and ``predict``, such as
            :class:`~skquantile.IncrementalQuantileRegressor`.
        X : array-like of shape (n_samples, n_features)
            Input rows.
        y : array-like of shape (n_samples,), default=None
            Observed targets, drawn as points when given.
        feature : int or str, default=None
            Column of ``X`` (index, or name for pandas input or a model fitted on
            named columns) on the horizontal axis; the row index when None.
        coverage : float or array-like of shape (n_coverages,), \
default=(0.5, 0.8, 0.95)
            Mass of each central interval, in the open interval (0, 1).
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot` (``band_kwargs``, ``line_kwargs``,
            ``scatter_kwargs``).

        Returns
        -------
        display : QuantileFanDisplay
            The drawn display.

        Examples
        --------
        Central 50% and 90% intervals of a tiny fitted model on held-out rows:

        >>> import matplotlib.pyplot as plt
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> from skquantile.plotting import QuantileFanDisplay
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> model = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,),
        ...     max_epochs=3,
        ...     early_stopping=False,
        ...     random_state=0,
        ... ).fit(X[:150], y[:150])  # rows 150 to 199 held out
        >>> display = QuantileFanDisplay.from_estimator(
        ...     model, X[150:], y[150:], coverage=(0.5, 0.9)
        ... )
        >>> len(display.bands_), display.ax_.get_xlabel()  # against the row index
        (2, 'row index')
        >>> plt.close(display.figure_)
        """
        mass = np.atleast_1d(check_coverage(coverage))
        y_interval = estimator.predict_interval(X, mass)
        y_median = estimator.predict(X)
        x, x_label = _feature_column(estimator, X, feature)
        return cls.from_predictions(
            x,
            y_interval,
            mass,
            y_median=y_median,
            y_true=y,
            x_label=x_label,
            ax=ax,
            **kwargs,
        )

    @classmethod
    def from_predictions(
        cls,
        x,
        y_interval,
        coverage,
        *,
        y_median=None,
        y_true=None,
        x_label=None,
        ax=None,
        **kwargs,
    ):
        """Fan chart of given central intervals.

        Parameters
        ----------
        x : array-like of shape (n_samples,)
            Horizontal positions.
        y_interval : array-like of shape (n_samples, 2, n_coverages)
            Lower (``[:, 0]``) and upper (``[:, 1]``) bounds, as
            ``predict_interval`` returns them; ``(n_samples, 2)`` for a scalar
            ``coverage``.
        coverage : float or array-like of shape (n_coverages,)
            Mass of each interval, in the open interval (0, 1).
        y_median : array-like of shape (n_samples,), default=None
            The median line; not drawn when None.
        y_true : array-like of shape (n_samples,), default=None
            Observed targets, drawn as points when given.
        x_label : str, default=None
            Label of the horizontal axis; ``"x"`` when None.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : QuantileFanDisplay
            The drawn display.

        Examples
        --------
        One 90% interval of a N(x, 0.5^2) forecast, with the observed targets:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import QuantileFanDisplay
        >>> rng = np.random.default_rng(0)
        >>> x = rng.uniform(-1, 1, size=50)
        >>> y_true = x + rng.normal(scale=0.5, size=50)
        >>> y_interval = np.column_stack([x - 0.82, x + 0.82])  # shape (50, 2)
        >>> display = QuantileFanDisplay.from_predictions(
        ...     x, y_interval, 0.9, y_median=x, y_true=y_true
        ... )
        >>> display.bands_[0].get_label(), display.scatter_.get_offsets().shape
        ('90% interval', (50, 2))
        >>> plt.close(display.figure_)
        """
        x = _check_array("x", x, 1, "(n_samples,)")
        mass = check_coverage(coverage)
        display = cls(
            x=x,
            y_interval=_check_interval(y_interval, mass, x.size),
            coverage=np.atleast_1d(mass),
            y_median=_check_vector("y_median", y_median, x.size, "x"),
            y_true=_check_vector("y_true", y_true, x.size, "x"),
            x_label=x_label,
        )
        return display.plot(ax=ax, **kwargs)
