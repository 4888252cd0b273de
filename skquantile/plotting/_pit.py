"""PIT histogram.

- :class:`PITHistogramDisplay`: histogram of PIT values F(y | x) with the uniform
  reference and the band of binomial sampling noise.
"""

import numpy as np

from ._base import (
    _binomial_interval,
    _check_array,
    _check_band_coverage,
    _check_int,
    _figure_and_ax,
    _percent,
    _style,
)


class PITHistogramDisplay:
    """Histogram of probability integral transform (PIT) values.

    The PIT of a row is its forecast CDF at the observed target, F(y | x). For a
    calibrated forecast the PIT values are uniform on [0, 1], so the bars should
    lie near the flat reference line; a U shape means too narrow forecasts, a hump
    too wide ones, a slope a biased median. The shaded band shows how far bars
    stray from the line by chance alone, for uniform PIT values and this many rows.
    Create one with :meth:`from_estimator` or :meth:`from_predictions`.

    .. versionadded:: 0.1

    Parameters
    ----------
    pit_values : ndarray of shape (n_samples,)
        PIT values in [0, 1].
    n_bins : int, default=10
        Number of equal-width bins on [0, 1].

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        The histogram bars.
    line_ : matplotlib Line2D
        The uniform reference line.
    band_ : matplotlib Patch or None
        The sampling band; None when ``band_coverage=None``.
    ax_ : matplotlib Axes
        Axes holding the histogram.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    LevelCalibrationDisplay : Calibration at chosen quantile levels.

    Notes
    -----
    Under uniformity the count of each bin is Binomial(n, 1 / n_bins). The band
    spans its equal-tailed interval holding ``band_coverage`` of the mass; it is
    pointwise, so with many bins a few bars outside it are expected.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skquantile.plotting import PITHistogramDisplay
    >>> pit_values = np.random.default_rng(0).uniform(size=500)
    >>> display = PITHistogramDisplay.from_predictions(pit_values, n_bins=10)
    >>> len(display.bars_)
    10
    >>> plt.close(display.figure_)
    """

    def __init__(self, *, pit_values, n_bins=10):
        self.pit_values = pit_values
        self.n_bins = n_bins

    def plot(
        self,
        ax=None,
        *,
        density=True,
        band_coverage=0.95,
        bar_kwargs=None,
        line_kwargs=None,
        band_kwargs=None,
    ):
        """Draw the histogram, the uniform line and the sampling band.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        density : bool, default=True
            Bar heights as densities (uniform = 1) if True, else as counts
            (uniform = n_samples / n_bins).
        band_coverage : float or None, default=0.95
            Mass of the band for uniform PIT values, in (0, 1); None draws no
            band.
        bar_kwargs : dict, default=None
            Keywords for the ``bar`` call.
        line_kwargs : dict, default=None
            Keywords for the reference line's ``axhline`` call.
        band_kwargs : dict, default=None
            Keywords for the band's ``axhspan`` call.

        Returns
        -------
        display : PITHistogramDisplay
            This object, with the artists stored.

        Examples
        --------
        Counts instead of densities, without the sampling band:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import PITHistogramDisplay
        >>> pit_values = np.linspace(0.01, 0.99, 100)
        >>> display = PITHistogramDisplay(pit_values=pit_values, n_bins=5)
        >>> fig, ax = plt.subplots()
        >>> display = display.plot(ax=ax, density=False, band_coverage=None)
        >>> len(display.bars_), display.band_ is None, ax.get_ylabel()
        (5, True, 'count')
        >>> plt.close(fig)
        """
        mass = _check_band_coverage(band_coverage)
        self.figure_, self.ax_ = _figure_and_ax(ax, "PITHistogramDisplay.plot")
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch, Rectangle

        pit = np.asarray(self.pit_values)
        counts, edges = np.histogram(pit, bins=self.n_bins, range=(0.0, 1.0))
        unit = self.n_bins / pit.size if density else 1.0  # count -> bar height
        defaults = {"color": "C0", "alpha": 0.7, "edgecolor": "white"}
        style = _style(defaults, bar_kwargs, Rectangle)
        self.bars_ = self.ax_.bar(
            edges[:-1], counts * unit, width=np.diff(edges), align="edge", **style
        )
        self.band_ = None
        if mass is not None:
            lo, hi = _binomial_interval(pit.size, 1 / self.n_bins, mass)
            defaults = {
                "color": "0.4",
                "alpha": 0.25,
                "linewidth": 0,
                "zorder": 3,  # over the bars, so their tops show against it
                "label": f"{_percent(mass)} band if uniform",
            }
            style = _style(defaults, band_kwargs, Patch)
            self.band_ = self.ax_.axhspan(lo * unit, hi * unit, **style)
        defaults = {"color": "k", "linestyle": "--", "label": "uniform"}
        style = _style(defaults, line_kwargs, Line2D)
        self.line_ = self.ax_.axhline(pit.size / self.n_bins * unit, **style)
        self.ax_.set_xlim(0, 1)
        self.ax_.set_xlabel(r"PIT value $F(y \mid x)$")
        self.ax_.set_ylabel("density" if density else "count")
        self.ax_.legend(loc="best", fontsize="small")
        return self

    @classmethod
    def from_estimator(cls, estimator, X, y, *, n_bins=10, ax=None, **kwargs):
        """PIT histogram of a fitted estimator on held-out rows.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator with ``predict_cdf``, such as
            :class:`~skquantile.IncrementalQuantileRegressor`.
        X : array-like of shape (n_samples, n_features)
            Input rows, preferably not used in training.
        y : array-like of shape (n_samples,)
            Their observed targets.
        n_bins : int, default=10
            Number of equal-width bins on [0, 1].
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot` (``density``, ``band_coverage``, ``*_kwargs``).

        Returns
        -------
        display : PITHistogramDisplay
            The drawn display.

        Examples
        --------
        PIT histogram of a tiny fitted model on held-out rows:

        >>> import matplotlib.pyplot as plt
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> from skquantile.plotting import PITHistogramDisplay
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> model = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,),
        ...     max_epochs=3,
        ...     early_stopping=False,
        ...     random_state=0,
        ... ).fit(X[:150], y[:150])  # rows 150 to 199 held out
        >>> display = PITHistogramDisplay.from_estimator(
        ...     model, X[150:], y[150:], n_bins=5
        ... )
        >>> len(display.bars_), display.band_ is not None
        (5, True)
        >>> plt.close(display.figure_)
        """
        y = np.asarray(y, dtype=np.float64)
        if y.ndim != 1:
            raise ValueError(
                f"y must be an array of shape (n_samples,); got shape {y.shape}."
            )
        pit_values = estimator.predict_cdf(X, y)
        return cls.from_predictions(pit_values, n_bins=n_bins, ax=ax, **kwargs)

    @classmethod
    def from_predictions(cls, pit_values, *, n_bins=10, ax=None, **kwargs):
        """PIT histogram of given PIT values.

        Parameters
        ----------
        pit_values : array-like of shape (n_samples,)
            PIT values in [0, 1], for instance ``estimator.predict_cdf(X, y)``.
        n_bins : int, default=10
            Number of equal-width bins on [0, 1].
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : PITHistogramDisplay
            The drawn display.

        Examples
        --------
        U-shaped PIT values, as a too narrow forecast gives: the outer bars stand
        above the middle one.

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import PITHistogramDisplay
        >>> pit_values = np.random.default_rng(0).beta(0.5, 0.5, size=1000)
        >>> display = PITHistogramDisplay.from_predictions(pit_values, n_bins=5)
        >>> heights = [bar.get_height() for bar in display.bars_]
        >>> len(heights), bool(heights[0] > heights[2] < heights[-1])
        (5, True)
        >>> plt.close(display.figure_)
        """
        pit = _check_array("pit_values", pit_values, 1, "(n_samples,)")
        bad = (pit < 0) | (pit > 1)
        if bad.any():
            i = int(np.argwhere(bad)[0, 0])
            raise ValueError(
                f"pit_values must lie in [0, 1]; got {float(pit[i])!r} at index {i}. "
                "A PIT value is the forecast CDF at the observed target, F(y | x)."
            )
        n_bins = _check_int("n_bins", n_bins, 1)
        return cls(pit_values=pit, n_bins=n_bins).plot(ax=ax, **kwargs)
