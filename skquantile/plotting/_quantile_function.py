"""Quantile function plot.

- :class:`QuantileFunctionDisplay`: the quantile function q(alpha | x) against
  alpha for a few rows, with the model's knots marked.
"""

import numpy as np

from ._base import _check_array, _check_length, _check_levels, _figure_and_ax, _style

# A fine level grid for the whole quantile function, tails included.
_FINE_LEVELS = np.linspace(0.005, 0.995, 199)


def _rows(name, values, shape_text, n_columns):
    """A finite (n_rows, n_columns) array; a 1-d input is one row."""
    arr = np.asarray(values, dtype=np.float64)
    arr = _check_array(name, arr[None] if arr.ndim == 1 else arr, 2, shape_text)
    if arr.shape[1] != n_columns:
        raise ValueError(
            f"{name} must have shape {shape_text} with {n_columns} columns, one per "
            f"level; got shape {arr.shape}."
        )
    return arr


class QuantileFunctionDisplay:
    """The quantile function q(alpha | x) against alpha for a few rows.

    One line per row; markers show the model's knots, the levels where the
    incremental spline changes slope. Beyond the first and last knot the tails
    take over. Create one with :meth:`from_estimator` or :meth:`from_predictions`.

    .. versionadded:: 0.1

    Parameters
    ----------
    levels : ndarray of shape (n_levels,)
        Quantile levels, strictly increasing in (0, 1).
    quantiles : ndarray of shape (n_rows, n_levels)
        ``quantiles[i, j]`` is row i's quantile at ``levels[j]``.
    knot_levels : ndarray of shape (n_knots,), default=None
        Levels of the knots; no markers when None.
    knot_values : ndarray of shape (n_rows, n_knots), default=None
        Each row's quantiles at ``knot_levels``.
    row_labels : list of str, default=None
        Legend label of each row; ``"row 0"``, ``"row 1"``, ... when None.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        One quantile-function line per row.
    knots_ : list of matplotlib Line2D or None
        One set of knot markers per row; None without knots.
    ax_ : matplotlib Axes
        Axes holding the plot.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    QuantileFanDisplay : Intervals over many rows.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skquantile.plotting import QuantileFunctionDisplay
    >>> levels = np.linspace(0.01, 0.99, 99)
    >>> quantiles = np.log(levels / (1 - levels)) * np.array([[1.0], [2.0]])
    >>> display = QuantileFunctionDisplay.from_predictions(levels, quantiles)
    >>> len(display.lines_)
    2
    >>> plt.close(display.figure_)
    """

    def __init__(
        self, *, levels, quantiles, knot_levels=None, knot_values=None, row_labels=None
    ):
        self.levels = levels
        self.quantiles = quantiles
        self.knot_levels = knot_levels
        self.knot_values = knot_values
        self.row_labels = row_labels

    def plot(self, ax=None, *, line_kwargs=None, knot_kwargs=None):
        """Draw one quantile function per row, knots marked.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        line_kwargs : dict, default=None
            Keywords for every row's ``plot`` call.
        knot_kwargs : dict, default=None
            Keywords for the knot markers' ``plot`` calls.

        Returns
        -------
        display : QuantileFunctionDisplay
            This object, with the artists stored.

        Examples
        --------
        One row with its knots marked, on an axes of your own:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import QuantileFunctionDisplay
        >>> levels = np.linspace(0.05, 0.95, 19)
        >>> knot_levels = np.array([0.25, 0.5, 0.75])
        >>> display = QuantileFunctionDisplay(
        ...     levels=levels,
        ...     quantiles=np.log(levels / (1 - levels))[None],  # shape (1, 19)
        ...     knot_levels=knot_levels,
        ...     knot_values=np.log(knot_levels / (1 - knot_levels))[None],
        ...     row_labels=["x = 0"],
        ... )
        >>> fig, ax = plt.subplots()
        >>> display = display.plot(ax=ax, knot_kwargs={"marker": "s"})
        >>> len(display.lines_), len(display.knots_), display.lines_[0].get_label()
        (1, 1, 'x = 0')
        >>> plt.close(fig)
        """
        self.figure_, self.ax_ = _figure_and_ax(ax, "QuantileFunctionDisplay.plot")
        from matplotlib.lines import Line2D

        quantiles = np.atleast_2d(self.quantiles)
        labels = self.row_labels
        if labels is None:
            labels = [f"row {i}" for i in range(quantiles.shape[0])]
        self.lines_, self.knots_ = [], None
        for row, label in zip(quantiles, labels):
            style = _style({"label": label}, line_kwargs, Line2D)
            self.lines_.extend(self.ax_.plot(self.levels, row, **style))
        handles = list(self.lines_)
        if self.knot_levels is not None:
            self.knots_ = self._draw_knots(knot_kwargs)
            # One neutral legend entry for the knots of all rows.
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=self.knots_[0].get_marker(),
                    color="0.3",
                    markerfacecolor="white",
                    label="knots",
                )
            )
        self.ax_.set_xlim(0, 1)
        self.ax_.set_xlabel(r"quantile level $\alpha$")
        self.ax_.set_ylabel(r"$q(\alpha \mid x)$")
        self.ax_.legend(handles=handles, loc="best", fontsize="small")
        return self

    def _draw_knots(self, knot_kwargs):
        """Mark each row's knots in the colour of its line."""
        from matplotlib.lines import Line2D

        knots = []
        for line, row in zip(self.lines_, np.atleast_2d(self.knot_values)):
            defaults = {
                "linestyle": "none",
                "marker": "o",
                "markersize": 4,
                "color": line.get_color(),
                "markerfacecolor": "white",
            }
            style = _style(defaults, knot_kwargs, Line2D)
            knots.extend(self.ax_.plot(self.knot_levels, row, **style))
        return knots

    @classmethod
    def from_estimator(cls, estimator, X, *, levels=None, ax=None, **kwargs):
        """Quantile functions of a fitted estimator for a few rows of ``X``.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator with ``predict_quantile``, such as
            :class:`~skquantile.IncrementalQuantileRegressor`; its
            ``knot_levels_``, if any, are marked.
        X : array-like of shape (n_rows, n_features)
            A few input rows, one line each.
        levels : array-like of shape (n_levels,), default=None
            Levels to draw, strictly increasing in (0, 1); when None 199 levels
            from 0.005 to 0.995, so the tails show.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot` (``line_kwargs``, ``knot_kwargs``).

        Returns
        -------
        display : QuantileFunctionDisplay
            The drawn display.

        Examples
        --------
        Quantile functions of a tiny fitted model for three rows; the model's knot
        levels are marked:

        >>> import matplotlib.pyplot as plt
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> from skquantile.plotting import QuantileFunctionDisplay
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> model = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,),
        ...     max_epochs=3,
        ...     early_stopping=False,
        ...     random_state=0,
        ... ).fit(X[:150], y[:150])  # rows 150 to 199 held out
        >>> display = QuantileFunctionDisplay.from_estimator(model, X[:3])
        >>> [text.get_text() for text in display.ax_.get_legend().get_texts()]
        ['row 0', 'row 1', 'row 2', 'knots']
        >>> plt.close(display.figure_)
        """
        levels = _FINE_LEVELS if levels is None else levels
        levels = _check_levels("levels", levels, increasing=True)
        quantiles = estimator.predict_quantile(X, levels)
        knot_levels = getattr(estimator, "knot_levels_", None)
        knot_values = None
        if knot_levels is not None:
            knot_values = estimator.predict_quantile(X, knot_levels)
        index = getattr(X, "index", None)
        row_labels = None if index is None else [f"row {i}" for i in index]
        return cls.from_predictions(
            levels,
            quantiles,
            knot_levels=knot_levels,
            knot_values=knot_values,
            row_labels=row_labels,
            ax=ax,
            **kwargs,
        )

    @classmethod
    def from_predictions(
        cls,
        levels,
        quantiles,
        *,
        knot_levels=None,
        knot_values=None,
        row_labels=None,
        ax=None,
        **kwargs,
    ):
        """Quantile functions from given quantiles.

        Parameters
        ----------
        levels : array-like of shape (n_levels,)
            Quantile levels, strictly increasing in (0, 1).
        quantiles : array-like of shape (n_rows, n_levels)
            Each row's quantiles at ``levels``; ``(n_levels,)`` for one row.
        knot_levels : array-like of shape (n_knots,), default=None
            Knot levels to mark; give ``knot_values`` with them.
        knot_values : array-like of shape (n_rows, n_knots), default=None
            Each row's quantiles at ``knot_levels``.
        row_labels : list of str, default=None
            Legend label of each row; ``"row 0"``, ``"row 1"``, ... when None.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : QuantileFunctionDisplay
            The drawn display.

        Examples
        --------
        Logistic quantile functions of two rows, with a scale of 1 and 2:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import QuantileFunctionDisplay
        >>> levels = np.linspace(0.05, 0.95, 19)
        >>> quantiles = np.log(levels / (1 - levels)) * np.array([[1.0], [2.0]])
        >>> display = QuantileFunctionDisplay.from_predictions(
        ...     levels, quantiles, row_labels=["scale 1", "scale 2"]
        ... )
        >>> [line.get_label() for line in display.lines_], display.knots_ is None
        (['scale 1', 'scale 2'], True)
        >>> plt.close(display.figure_)
        """
        levels = _check_levels("levels", levels, increasing=True)
        quantiles = _rows("quantiles", quantiles, "(n_rows, n_levels)", levels.size)
        n_rows = quantiles.shape[0]
        if (knot_levels is None) != (knot_values is None):
            raise ValueError(
                "knot_levels and knot_values must be given together; got "
                f"knot_levels={'None' if knot_levels is None else 'an array'} and "
                f"knot_values={'None' if knot_values is None else 'an array'}."
            )
        if knot_levels is not None:
            knot_levels = _check_levels("knot_levels", knot_levels, increasing=True)
            knot_values = _rows(
                "knot_values", knot_values, "(n_rows, n_knots)", knot_levels.size
            )
            _check_length("knot_values", knot_values, n_rows, "quantiles")
        if row_labels is not None and len(row_labels) != n_rows:
            raise ValueError(
                f"row_labels must hold one label per row of quantiles ({n_rows}); "
                f"got {len(row_labels)}."
            )
        display = cls(
            levels=levels,
            quantiles=quantiles,
            knot_levels=knot_levels,
            knot_values=knot_values,
            row_labels=row_labels,
        )
        return display.plot(ax=ax, **kwargs)
