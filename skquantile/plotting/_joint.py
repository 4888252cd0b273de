"""Pairwise plot of joint draws from a multivariate forecast.

- :class:`JointSampleDisplay`: a d x d grid for one row: histograms of each
  output on the diagonal, scatter plots of each pair below it, the observed
  target (if given) marked in red.
"""

import numpy as np

from ._base import _check_array, _check_int, _one_row, _pyplot, _style


def _check_axes(axes, n_outputs):
    """``axes`` as a (d, d) object array of Axes."""
    grid = np.asarray(axes, dtype=object)
    if grid.ndim == 0:
        grid = grid.reshape(1, 1)
    if grid.shape != (n_outputs, n_outputs):
        raise ValueError(
            f"axes must be a ({n_outputs}, {n_outputs}) array of matplotlib Axes, "
            f"one per pair of outputs; got shape {grid.shape}."
        )
    return grid


class JointSampleDisplay:
    """Pairwise plot of joint draws for one row of a multivariate forecast.

    The diagonal shows a histogram of each output's draws (its marginal law);
    below the diagonal each pair of outputs is a scatter plot of the draws (their
    dependence); the axes above the diagonal are switched off. An observed target,
    if given, is a red line on the histograms and a red star on the scatter plots.
    Create one with :meth:`from_estimator` or :meth:`from_predictions`.

    .. versionadded:: 0.1

    Parameters
    ----------
    samples : ndarray of shape (n_draws, n_outputs)
        Joint draws from one row's predicted distribution.
    y_true : ndarray of shape (n_outputs,), default=None
        The observed target of that row; not marked when None.
    output_names : list of str, default=None
        Name of each output; ``"y[0]"``, ``"y[1]"``, ... when None.

    Attributes
    ----------
    hists_ : list of matplotlib BarContainer
        The histogram of each output, diagonal order.
    scatters_ : list of matplotlib PathCollection
        The scatter plots below the diagonal, row by row: (1, 0), (2, 0), (2, 1),
        ...; a pair (i, j) draws output j horizontally and output i vertically.
    truth_ : list of matplotlib Artist or None
        The markers of ``y_true``, in the order of ``hists_`` then ``scatters_``.
    axes_ : ndarray of matplotlib Axes of shape (n_outputs, n_outputs)
        The grid of axes.
    ax_ : ndarray of matplotlib Axes of shape (n_outputs, n_outputs)
        The same grid, under the name the other Displays use.
    figure_ : matplotlib Figure
        Figure holding the grid.

    See Also
    --------
    QuantileFanDisplay : Marginal intervals of a univariate forecast.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skquantile.plotting import JointSampleDisplay
    >>> rng = np.random.default_rng(0)
    >>> samples = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=200)
    >>> display = JointSampleDisplay.from_predictions(samples, y_true=[0.5, 0.2])
    >>> display.axes_.shape
    (2, 2)
    >>> plt.close(display.figure_)
    """

    def __init__(self, *, samples, y_true=None, output_names=None):
        self.samples = samples
        self.y_true = y_true
        self.output_names = output_names

    def plot(self, axes=None, *, n_bins=30, hist_kwargs=None, scatter_kwargs=None):
        """Draw the grid of histograms and pairwise scatter plots.

        Parameters
        ----------
        axes : array-like of matplotlib Axes of shape (n_outputs, n_outputs), \
default=None
            Axes to draw on; a new figure with a grid of axes when None.
        n_bins : int, default=30
            Number of bins of each histogram.
        hist_kwargs : dict, default=None
            Keywords for the diagonal's ``hist`` calls.
        scatter_kwargs : dict, default=None
            Keywords for the ``scatter`` calls below the diagonal.

        Returns
        -------
        display : JointSampleDisplay
            This object, with the artists stored.

        Examples
        --------
        Three outputs on a grid of axes of your own:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import JointSampleDisplay
        >>> samples = np.random.default_rng(0).normal(size=(100, 3))
        >>> display = JointSampleDisplay(samples=samples, output_names=["a", "b", "c"])
        >>> fig, axes = plt.subplots(3, 3)
        >>> display = display.plot(axes=axes, n_bins=10)
        >>> len(display.hists_), len(display.scatters_), display.truth_ is None
        (3, 3, True)
        >>> display.axes_[0, 2].axison  # above the diagonal: switched off
        False
        >>> plt.close(fig)
        """
        n_bins = _check_int("n_bins", n_bins, 1)
        samples = np.asarray(self.samples)
        d = samples.shape[1]
        if axes is None:
            plt = _pyplot("JointSampleDisplay.plot")
            size = 1.0 + 2.2 * d
            _, axes = plt.subplots(
                d, d, figsize=(size, size), squeeze=False, layout="constrained"
            )
        self.axes_ = self.ax_ = _check_axes(axes, d)
        self.figure_ = self.axes_[0, 0].figure
        from matplotlib.collections import PathCollection
        from matplotlib.patches import Rectangle

        names = self.output_names or [f"y[{j}]" for j in range(d)]
        hist_style = _style({"bins": n_bins, "color": "C0"}, hist_kwargs, Rectangle)
        defaults = {"s": 4, "alpha": 0.3, "color": "C0", "linewidths": 0}
        scatter_style = _style(defaults, scatter_kwargs, PathCollection)
        self.hists_, self.scatters_ = [], []
        for i in range(d):
            for j in range(d):
                ax = self.axes_[i, j]
                if i == j:
                    self.hists_.append(ax.hist(samples[:, i], **hist_style)[2])
                    ax.set_title(names[i], fontsize="medium")
                elif i > j:
                    scatter = ax.scatter(samples[:, j], samples[:, i], **scatter_style)
                    self.scatters_.append(scatter)
                    ax.set_ylabel(names[i] if j == 0 else "")
                else:
                    ax.set_axis_off()
                if i == d - 1:
                    ax.set_xlabel(names[j])
        self.truth_ = None if self.y_true is None else self._mark_truth(d)
        return self

    def _mark_truth(self, d):
        """Mark ``y_true`` on every histogram and scatter plot."""
        y = np.asarray(self.y_true)
        marks = [self.axes_[i, i].axvline(y[i], color="C3") for i in range(d)]
        for i in range(d):
            for j in range(i):
                (star,) = self.axes_[i, j].plot(
                    y[j], y[i], marker="*", markersize=12, color="C3", linestyle="none"
                )
                marks.append(star)
        return marks

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y=None,
        *,
        n_samples=500,
        random_state=None,
        output_names=None,
        axes=None,
        **kwargs,
    ):
        """Pairwise plot of a fitted estimator's joint draws for one row.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator whose ``sample(X, n_samples=m, random_state=...)``
            returns draws of shape (1, m, n_outputs) for one row (a univariate
            model's (1, m) draws give a single histogram).
        X : array-like of shape (1, n_features)
            Exactly one input row.
        y : array-like of shape (n_outputs,) or (1, n_outputs), default=None
            That row's observed target, marked when given.
        n_samples : int, default=500
            Number of draws (written n_draws in shapes).
        random_state : int, RandomState instance, Generator or None, default=None
            Seed of the draws, passed to ``estimator.sample``.
        output_names : list of str, default=None
            Name of each output; ``"y[0]"``, ``"y[1]"``, ... when None.
        axes : array-like of matplotlib Axes of shape (n_outputs, n_outputs), \
default=None
            Axes to draw on; a new figure with a grid of axes when None.
        **kwargs : dict
            Passed to :meth:`plot` (``n_bins``, ``hist_kwargs``,
            ``scatter_kwargs``).

        Returns
        -------
        display : JointSampleDisplay
            The drawn display.

        Examples
        --------
        Joint draws of a two-horizon forecast for the first row:

        >>> import matplotlib.pyplot as plt
        >>> from skquantile import ConvexMultivariateQuantileRegressor
        >>> from skquantile.datasets import make_multi_horizon
        >>> from skquantile.plotting import JointSampleDisplay
        >>> X, Y = make_multi_horizon(n_samples=200, n_horizons=2, random_state=0)
        >>> model = ConvexMultivariateQuantileRegressor(
        ...     hidden_layer_sizes=(8,),
        ...     potential_hidden=8,
        ...     n_draws=8,
        ...     max_epochs=3,
        ...     early_stopping=False,
        ...     random_state=0,
        ... ).fit(X, Y)
        >>> display = JointSampleDisplay.from_estimator(
        ...     model, X[:1], Y[:1], n_samples=100, random_state=0
        ... )
        >>> display.axes_.shape, len(display.scatters_), len(display.truth_)
        ((2, 2), 1, 3)
        >>> plt.close(display.figure_)
        """
        _one_row(X, "JointSampleDisplay.from_estimator")
        draws = np.asarray(
            estimator.sample(X, n_samples=n_samples, random_state=random_state),
            dtype=np.float64,
        )
        samples = draws[0] if draws.ndim == 3 else draws[0][:, None]
        if y is not None:
            y = np.asarray(y, dtype=np.float64)
            y = y[0] if y.ndim == 2 and y.shape[0] == 1 else np.atleast_1d(y)
        return cls.from_predictions(
            samples, y_true=y, output_names=output_names, axes=axes, **kwargs
        )

    @classmethod
    def from_predictions(
        cls, samples, *, y_true=None, output_names=None, axes=None, **kwargs
    ):
        """Pairwise plot of given joint draws.

        Parameters
        ----------
        samples : array-like of shape (n_draws, n_outputs)
            Joint draws from one row's predicted distribution; a 1-d array is one
            output.
        y_true : array-like of shape (n_outputs,), default=None
            The observed target, marked when given.
        output_names : list of str, default=None
            Name of each output; ``"y[0]"``, ``"y[1]"``, ... when None.
        axes : array-like of matplotlib Axes of shape (n_outputs, n_outputs), \
default=None
            Axes to draw on; a new figure with a grid of axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : JointSampleDisplay
            The drawn display.

        Examples
        --------
        A 1-d array of draws is one output: a single histogram.

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import JointSampleDisplay
        >>> samples = np.random.default_rng(0).normal(size=300)
        >>> display = JointSampleDisplay.from_predictions(
        ...     samples, y_true=0.3, output_names=["demand"], n_bins=15
        ... )
        >>> display.axes_.shape, len(display.hists_[0]), len(display.truth_)
        ((1, 1), 15, 1)
        >>> plt.close(display.figure_)
        """
        samples = np.asarray(samples, dtype=np.float64)
        samples = samples[:, None] if samples.ndim == 1 else samples
        samples = _check_array("samples", samples, 2, "(n_draws, n_outputs)")
        d = samples.shape[1]
        if y_true is not None:
            y_true = _check_array("y_true", np.atleast_1d(y_true), 1, f"({d},)")
            if y_true.shape != (d,):
                raise ValueError(
                    f"y_true must have shape ({d},), one value per column of "
                    f"samples; got shape {y_true.shape}."
                )
        if output_names is not None and len(output_names) != d:
            raise ValueError(
                f"output_names must hold one name per column of samples ({d}); "
                f"got {len(output_names)}."
            )
        display = cls(samples=samples, y_true=y_true, output_names=output_names)
        return display.plot(axes=axes, **kwargs)
