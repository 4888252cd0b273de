"""The service-level trade-off of one forecast.

- :class:`ServiceLevelDisplay`: for one row, the stock q(alpha | x) needed for a
  service level alpha (the probability that demand y does not exceed the stock),
  with the marginal stock dq/dalpha on a twin axis, and chosen levels annotated.
"""

import numpy as np

from ._base import (
    _check_array,
    _check_length,
    _check_levels,
    _figure_and_ax,
    _one_row,
    _percent,
    _style,
)

# Service levels of the default curve: 50 levels from 0.5 to 0.99.
_SERVICE_LEVELS = np.linspace(0.5, 0.99, 50)


def _check_highlight(highlight, levels):
    """Highlighted levels inside the plotted range of ``levels``."""
    if highlight is None:
        return None
    highlight = _check_levels("highlight", highlight)
    outside = (highlight < levels[0]) | (highlight > levels[-1])
    if outside.any():
        i = int(np.argwhere(outside)[0, 0])
        raise ValueError(
            f"highlight must lie within the plotted levels [{float(levels[0])!r}, "
            f"{float(levels[-1])!r}]; got {float(highlight[i])!r} at index {i}."
        )
    return highlight


class ServiceLevelDisplay:
    """Service-level trade-off: stock against service level for one row.

    If y is demand, stocking the alpha-quantile q(alpha | x) meets all demand
    with probability alpha (the service level). The left axis shows that stock;
    the right axis shows the marginal stock dq/dalpha, the extra stock per unit of
    service level, which grows steeply in the upper tail: the last percent of
    service is the most expensive. Create one with :meth:`from_estimator` or
    :meth:`from_predictions`.

    .. versionadded:: 0.1

    Parameters
    ----------
    levels : ndarray of shape (n_levels,)
        Service levels, strictly increasing in (0, 1).
    stock : ndarray of shape (n_levels,)
        The quantile q(alpha | x) at each level.
    slope : ndarray of shape (n_levels,)
        The marginal stock dq/dalpha at each level.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The stock curve, on ``ax_``.
    slope_line_ : matplotlib Line2D
        The marginal-stock curve, on ``ax2_``.
    points_ : matplotlib Line2D or None
        Markers at the highlighted levels.
    annotations_ : list of matplotlib Annotation
        One label per highlighted level (empty without ``highlight``).
    ax_ : matplotlib Axes
        Axes of the stock curve.
    ax2_ : matplotlib Axes
        Twin axes (shared horizontal axis) of the marginal stock.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    QuantileFunctionDisplay : The whole quantile function of a few rows.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skquantile.plotting import ServiceLevelDisplay
    >>> levels = np.linspace(0.5, 0.99, 50)
    >>> stock = 100 - 20 * np.log(1 - levels)  # exponential demand around 100
    >>> display = ServiceLevelDisplay.from_predictions(
    ...     levels, stock, highlight=(0.9, 0.95)
    ... )
    >>> len(display.annotations_)
    2
    >>> plt.close(display.figure_)
    """

    def __init__(self, *, levels, stock, slope):
        self.levels = levels
        self.stock = stock
        self.slope = slope

    def plot(self, ax=None, *, highlight=None, line_kwargs=None, slope_kwargs=None):
        """Draw stock and marginal stock against the service level.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes of the stock curve; a new figure and axes when None. A twin axes
            is added for the marginal stock.
        highlight : array-like of shape (n_highlight,), default=None
            Service levels to mark and annotate with their stock (interpolated
            linearly between ``levels``), and from the second on with the extra
            stock over the previous one.
        line_kwargs : dict, default=None
            Keywords for the stock curve's ``plot`` call.
        slope_kwargs : dict, default=None
            Keywords for the marginal-stock curve's ``plot`` call.

        Returns
        -------
        display : ServiceLevelDisplay
            This object, with the artists stored.

        Examples
        --------
        Exponential demand with its exact marginal stock, 95% annotated:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import ServiceLevelDisplay
        >>> levels = np.linspace(0.5, 0.99, 50)
        >>> display = ServiceLevelDisplay(
        ...     levels=levels,
        ...     stock=100 - 20 * np.log(1 - levels),
        ...     slope=20 / (1 - levels),
        ... )
        >>> fig, ax = plt.subplots()
        >>> display = display.plot(ax=ax, highlight=[0.95])
        >>> display.ax_ is ax, display.ax2_ is ax, len(display.annotations_)
        (True, False, 1)
        >>> plt.close(fig)
        """
        levels = np.asarray(self.levels)
        highlight = _check_highlight(highlight, levels)
        self.figure_, self.ax_ = _figure_and_ax(ax, "ServiceLevelDisplay.plot")
        from matplotlib.lines import Line2D

        ax = self.ax_
        defaults = {"color": "C0", "label": "stock"}
        (self.line_,) = ax.plot(
            levels, self.stock, **_style(defaults, line_kwargs, Line2D)
        )
        self.ax2_ = ax.twinx()
        defaults = {"color": "C1", "linestyle": "--", "label": "marginal stock"}
        style = _style(defaults, slope_kwargs, Line2D)
        (self.slope_line_,) = self.ax2_.plot(levels, self.slope, **style)
        self.points_, self.annotations_ = None, []
        if highlight is not None:
            self._annotate(highlight)
        ax.set_xlabel(r"service level $\alpha$")
        ax.set_ylabel(r"stock $q(\alpha \mid x)$", color=self.line_.get_color())
        self.ax2_.set_ylabel(
            r"marginal stock $dq / d\alpha$", color=self.slope_line_.get_color()
        )
        ax.legend(handles=[self.line_, self.slope_line_], loc="upper left")
        return self

    def _annotate(self, highlight):
        """Mark and label the stock at each highlighted level."""
        stock = np.interp(highlight, self.levels, self.stock)
        (self.points_,) = self.ax_.plot(
            highlight, stock, linestyle="none", marker="o", color="C3"
        )
        for i, (level, value) in enumerate(zip(highlight, stock)):
            text = f"{_percent(level)}: {value:.4g}"
            if i > 0:
                text += f" ({stock[i] - stock[i - 1]:+.3g})"
            self.annotations_.append(
                self.ax_.annotate(
                    text,
                    (level, value),
                    xytext=(-8, 0),
                    textcoords="offset points",
                    ha="right",
                    va="bottom",
                    fontsize="small",
                    color="C3",
                )
            )

    @classmethod
    def from_estimator(
        cls, estimator, X, *, levels=_SERVICE_LEVELS, highlight=None, ax=None, **kwargs
    ):
        """Service-level trade-off of a fitted estimator for one row.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator with ``predict_quantile`` and
            ``predict_quantile_slope``, such as
            :class:`~skquantile.IncrementalQuantileRegressor`.
        X : array-like of shape (1, n_features)
            Exactly one input row.
        levels : array-like of shape (n_levels,), \
default=np.linspace(0.5, 0.99, 50)
            Service levels, strictly increasing in (0, 1).
        highlight : array-like of shape (n_highlight,), default=None
            Service levels to annotate; they join the grid, so their stock is the
            model's exact quantile.
        ax : matplotlib Axes, default=None
            Axes of the stock curve; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot` (``line_kwargs``, ``slope_kwargs``).

        Returns
        -------
        display : ServiceLevelDisplay
            The drawn display.

        Examples
        --------
        The trade-off for the first row, 90% and 95% service annotated:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> from skquantile.plotting import ServiceLevelDisplay
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> model = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,),
        ...     max_epochs=3,
        ...     early_stopping=False,
        ...     random_state=0,
        ... ).fit(X[:150], y[:150])  # rows 150 to 199 held out
        >>> display = ServiceLevelDisplay.from_estimator(
        ...     model, X[:1], highlight=(0.9, 0.95)
        ... )
        >>> len(display.annotations_), bool(np.isin([0.9, 0.95], display.levels).all())
        (2, True)
        >>> plt.close(display.figure_)
        """
        _one_row(X, "ServiceLevelDisplay.from_estimator")
        levels = _check_levels("levels", levels, increasing=True)
        if highlight is not None:
            levels = np.union1d(levels, _check_levels("highlight", highlight))
        stock = estimator.predict_quantile(X, levels)[0]
        slope = estimator.predict_quantile_slope(X, levels)[0]
        return cls.from_predictions(
            levels, stock, slope=slope, highlight=highlight, ax=ax, **kwargs
        )

    @classmethod
    def from_predictions(
        cls, levels, stock, *, slope=None, highlight=None, ax=None, **kwargs
    ):
        """Service-level trade-off from given quantiles of one row.

        Parameters
        ----------
        levels : array-like of shape (n_levels,)
            Service levels, strictly increasing in (0, 1).
        stock : array-like of shape (n_levels,)
            The quantile at each level.
        slope : array-like of shape (n_levels,), default=None
            The marginal stock dq/dalpha at each level; when None, estimated from
            ``stock`` with ``np.gradient`` (needs at least 2 levels).
        highlight : array-like of shape (n_highlight,), default=None
            Service levels to annotate, within the range of ``levels``.
        ax : matplotlib Axes, default=None
            Axes of the stock curve; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ServiceLevelDisplay
            The drawn display.

        Examples
        --------
        Logistic demand around 50; without ``slope`` the marginal stock is estimated
        with ``np.gradient``:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import ServiceLevelDisplay
        >>> levels = np.linspace(0.5, 0.99, 50)
        >>> stock = 50 + 10 * np.log(levels / (1 - levels))
        >>> display = ServiceLevelDisplay.from_predictions(levels, stock)
        >>> display.slope.shape, bool(display.slope[-1] > display.slope[0])
        ((50,), True)
        >>> plt.close(display.figure_)
        """
        levels = _check_levels("levels", levels, increasing=True)
        stock = _check_array("stock", stock, 1, "(n_levels,)")
        _check_length("stock", stock, levels.size, "levels")
        if slope is None:
            if levels.size < 2:
                raise ValueError(
                    "levels must hold at least 2 levels to estimate the slope with "
                    f"np.gradient; got {levels.size}. Pass slope instead."
                )
            slope = np.gradient(stock, levels)
        slope = _check_array("slope", slope, 1, "(n_levels,)")
        _check_length("slope", slope, levels.size, "levels")
        display = cls(levels=levels, stock=stock, slope=slope)
        return display.plot(ax=ax, highlight=highlight, **kwargs)
