"""Level calibration curve.

- :class:`LevelCalibrationDisplay`: observed frequency of y <= q_alpha(x) against
  the nominal level alpha, with the diagonal and the binomial sampling band.
- :func:`_diagonal`: the diagonal, drawn once per axes however many curves share it.
"""

import numpy as np

from ._base import (
    _binomial_interval,
    _check_array,
    _check_band_coverage,
    _check_levels,
    _figure_and_ax,
    _percent,
    _style,
)

# Levels of the default calibration curve: every 5% from 0.05 to 0.95.
_DEFAULT_LEVELS = np.linspace(0.05, 0.95, 19)
# Marks the diagonal of a LevelCalibrationDisplay, so a second curve drawn on the
# same axes does not draw it again.
_DIAGONAL_GID = "skquantile-perfect-calibration"


def _diagonal(ax):
    """The diagonal of perfect calibration on ``ax``, drawn once per axes."""
    for line in ax.lines:
        if line.get_gid() == _DIAGONAL_GID:
            return line
    (line,) = ax.plot(
        [0, 1], [0, 1], "k--", lw=1, label="perfect calibration", gid=_DIAGONAL_GID
    )
    return line


class LevelCalibrationDisplay:
    """Level calibration curve: observed frequency of y <= q_alpha against alpha.

    For a calibrated forecast the fraction of rows whose target lies at or below
    the predicted alpha-quantile is alpha, so the curve follows the diagonal. A
    curve below the diagonal at high levels means the upper quantiles are too low.
    Several curves (say before and after recalibration) can share one axes: call
    :meth:`plot` of each display with the same ``ax`` and a ``name``.
    Create one with :meth:`from_estimator` or :meth:`from_predictions`.

    .. versionadded:: 0.1

    Parameters
    ----------
    levels : ndarray of shape (n_levels,)
        Nominal levels, strictly increasing in (0, 1).
    observed : ndarray of shape (n_levels,)
        Observed frequency at each level, in [0, 1].
    n_samples : int, default=None
        Number of rows behind the frequencies; the sampling band needs it.
    name : str, default=None
        Legend label of the curve; ``"observed"`` when None.

    Attributes
    ----------
    line_ : matplotlib Line2D
        The calibration curve.
    diagonal_ : matplotlib Line2D or None
        The diagonal of perfect calibration (shared by curves on one axes).
    band_ : matplotlib PolyCollection or None
        The sampling band around the diagonal.
    ax_ : matplotlib Axes
        Axes holding the curve.
    figure_ : matplotlib Figure
        Figure holding the axes.

    See Also
    --------
    PITHistogramDisplay : Calibration over all levels at once.

    Notes
    -----
    Under calibration, n times the frequency at level alpha is Binomial(n, alpha).
    The band spans its equal-tailed interval holding ``band_coverage`` of the mass,
    level by level (pointwise; the frequencies of nearby levels are correlated).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> from skquantile.plotting import LevelCalibrationDisplay
    >>> rng = np.random.default_rng(0)
    >>> y_true = rng.normal(size=300)
    >>> levels = np.array([0.1, 0.5, 0.9])
    >>> y_quantiles = np.tile([-1.28, 0.0, 1.28], (300, 1))
    >>> display = LevelCalibrationDisplay.from_predictions(
    ...     y_true, y_quantiles, levels, name="N(0, 1)"
    ... )
    >>> display.observed.shape
    (3,)
    >>> plt.close(display.figure_)
    """

    def __init__(self, *, levels, observed, n_samples=None, name=None):
        self.levels = levels
        self.observed = observed
        self.n_samples = n_samples
        self.name = name

    def plot(
        self,
        ax=None,
        *,
        name=None,
        band_coverage=0.95,
        line_kwargs=None,
        band_kwargs=None,
    ):
        """Draw the calibration curve, the diagonal and the sampling band.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None. Pass the axes of
            another display to compare curves.
        name : str, default=None
            Legend label; the display's ``name`` when None.
        band_coverage : float or None, default=0.95
            Mass of the band for a calibrated forecast, in (0, 1); None (or an
            unknown ``n_samples``) draws no band.
        line_kwargs : dict, default=None
            Keywords for the curve's ``plot`` call.
        band_kwargs : dict, default=None
            Keywords for the band's ``fill_between`` call.

        Returns
        -------
        display : LevelCalibrationDisplay
            This object, with the artists stored.

        Examples
        --------
        Two curves on one axes, before and after a recalibration; they share the
        diagonal:

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import LevelCalibrationDisplay
        >>> levels = np.array([0.1, 0.5, 0.9])
        >>> before = LevelCalibrationDisplay(
        ...     levels=levels, observed=np.array([0.2, 0.5, 0.8]), n_samples=100
        ... )
        >>> after = LevelCalibrationDisplay(
        ...     levels=levels, observed=np.array([0.12, 0.49, 0.9]), n_samples=100
        ... )
        >>> fig, ax = plt.subplots()
        >>> before = before.plot(ax=ax, name="before")
        >>> after = after.plot(ax=ax, name="after", band_coverage=None)
        >>> len(ax.lines), before.diagonal_ is after.diagonal_, after.band_ is None
        (3, True, True)
        >>> plt.close(fig)
        """
        mass = _check_band_coverage(band_coverage)
        self.figure_, self.ax_ = _figure_and_ax(ax, "LevelCalibrationDisplay.plot")
        from matplotlib.collections import PolyCollection
        from matplotlib.lines import Line2D

        ax, levels = self.ax_, np.asarray(self.levels)
        name = self.name if name is None else name
        defaults = {"marker": "o", "markersize": 3, "label": name or "observed"}
        style = _style(defaults, line_kwargs, Line2D)
        self.diagonal_ = _diagonal(ax)
        (self.line_,) = ax.plot(levels, self.observed, **style)
        self.band_ = None
        if mass is not None and self.n_samples is not None:
            n = self.n_samples
            bounds = np.array([_binomial_interval(n, a, mass) for a in levels]) / n
            defaults = {
                "color": self.line_.get_color(),
                "alpha": 0.15,
                "linewidth": 0,
                "label": f"{_percent(mass)} band if calibrated",
            }
            style = _style(defaults, band_kwargs, PolyCollection)
            self.band_ = ax.fill_between(levels, bounds[:, 0], bounds[:, 1], **style)
        ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal")
        ax.set_xlabel(r"nominal level $\alpha$")
        ax.set_ylabel(r"observed frequency of $y \leq q_\alpha(x)$")
        ax.legend(loc="upper left", fontsize="small")
        return self

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, levels=_DEFAULT_LEVELS, name=None, ax=None, **kwargs
    ):
        """Level calibration curve of a fitted estimator on held-out rows.

        Parameters
        ----------
        estimator : estimator instance
            A fitted estimator with ``predict_quantile``, such as
            :class:`~skquantile.IncrementalQuantileRegressor`.
        X : array-like of shape (n_samples, n_features)
            Input rows, preferably not used in training.
        y : array-like of shape (n_samples,)
            Their observed targets.
        levels : array-like of shape (n_levels,), \
default=np.linspace(0.05, 0.95, 19)
            Nominal levels, strictly increasing in (0, 1).
        name : str, default=None
            Legend label; the estimator's class name when None.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot` (``band_coverage``, ``line_kwargs``,
            ``band_kwargs``).

        Returns
        -------
        display : LevelCalibrationDisplay
            The drawn display.

        Examples
        --------
        Calibration of a tiny fitted model on held-out rows at three levels:

        >>> import matplotlib.pyplot as plt
        >>> from skquantile import IncrementalQuantileRegressor
        >>> from skquantile.datasets import make_heteroscedastic
        >>> from skquantile.plotting import LevelCalibrationDisplay
        >>> X, y = make_heteroscedastic(n_samples=200, random_state=0)
        >>> model = IncrementalQuantileRegressor(
        ...     hidden_layer_sizes=(8,),
        ...     max_epochs=3,
        ...     early_stopping=False,
        ...     random_state=0,
        ... ).fit(X[:150], y[:150])  # rows 150 to 199 held out
        >>> display = LevelCalibrationDisplay.from_estimator(
        ...     model, X[150:], y[150:], levels=[0.1, 0.5, 0.9]
        ... )
        >>> display.observed.shape, display.n_samples, display.line_.get_label()
        ((3,), 50, 'IncrementalQuantileRegressor')
        >>> plt.close(display.figure_)
        """
        levels = _check_levels("levels", levels, increasing=True)
        y_quantiles = estimator.predict_quantile(X, levels)
        name = type(estimator).__name__ if name is None else name
        return cls.from_predictions(y, y_quantiles, levels, name=name, ax=ax, **kwargs)

    @classmethod
    def from_predictions(
        cls, y_true, y_quantiles, levels, *, name=None, ax=None, **kwargs
    ):
        """Level calibration curve from given quantiles.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Observed targets.
        y_quantiles : array-like of shape (n_samples, n_levels)
            Each row's predicted quantiles at ``levels``.
        levels : array-like of shape (n_levels,)
            Nominal levels, strictly increasing in (0, 1).
        name : str, default=None
            Legend label; ``"observed"`` when None.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure and axes when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : LevelCalibrationDisplay
            The drawn display.

        Examples
        --------
        Quantiles of N(0, 0.5^2) for N(0, 1) targets are too narrow: at level 0.9
        fewer than 90% of the targets lie below them.

        >>> import matplotlib.pyplot as plt
        >>> import numpy as np
        >>> from skquantile.plotting import LevelCalibrationDisplay
        >>> y_true = np.random.default_rng(0).normal(size=500)
        >>> levels = np.array([0.1, 0.5, 0.9])
        >>> y_quantiles = np.tile([-0.64, 0.0, 0.64], (500, 1))
        >>> display = LevelCalibrationDisplay.from_predictions(
        ...     y_true, y_quantiles, levels, name="too narrow"
        ... )
        >>> bool(display.observed[-1] < 0.9), display.band_ is not None
        (True, True)
        >>> plt.close(display.figure_)
        """
        levels = _check_levels("levels", levels, increasing=True)
        y_true = _check_array("y_true", y_true, 1, "(n_samples,)")
        shape = f"(n_samples, n_levels) = ({y_true.size}, {levels.size})"
        y_quantiles = _check_array("y_quantiles", y_quantiles, 2, shape)
        if y_quantiles.shape != (y_true.size, levels.size):
            raise ValueError(
                f"y_quantiles must have shape {shape}, one row per y_true and one "
                f"column per level; got shape {y_quantiles.shape}."
            )
        observed = np.mean(y_true[:, None] <= y_quantiles, axis=0)
        display = cls(
            levels=levels, observed=observed, n_samples=y_true.size, name=name
        )
        return display.plot(ax=ax, **kwargs)
