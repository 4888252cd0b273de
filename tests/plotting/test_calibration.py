"""PITHistogramDisplay and LevelCalibrationDisplay: what is drawn, and the bands."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skquantile.plotting import LevelCalibrationDisplay, PITHistogramDisplay

stats = pytest.importorskip("scipy.stats")


def _legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _span(patch):
    """(bottom, top) of an axhspan, in data units."""
    return patch.get_y(), patch.get_y() + patch.get_height()


def _binom_bounds(n, p, mass):
    """Reference band from scipy: the equal-tailed interval of Binomial(n, p)."""
    return stats.binom.ppf((1 - mass) / 2, n, p), stats.binom.ppf((1 + mass) / 2, n, p)


# ----------------------------------------------------------- PITHistogramDisplay
def test_pit_histogram_from_estimator_draws_density_bars_line_and_band(model, data):
    X, y = data
    display = PITHistogramDisplay.from_estimator(model, X, y, n_bins=10)
    pit = model.predict_cdf(X, y)
    counts, _ = np.histogram(pit, bins=10, range=(0, 1))
    heights = np.array([bar.get_height() for bar in display.bars_])

    assert len(display.bars_) == 10
    assert_allclose(heights, counts * 10 / 200)
    assert_allclose(heights.sum() * 0.1, 1.0)  # a density integrates to one
    assert_allclose([bar.get_x() for bar in display.bars_], np.arange(10) / 10)
    assert_allclose([bar.get_width() for bar in display.bars_], 0.1)
    assert_array_equal(display.line_.get_ydata(), [1.0, 1.0])
    lo, hi = _binom_bounds(200, 0.1, 0.95)
    assert_allclose(_span(display.band_), (lo * 10 / 200, hi * 10 / 200))
    assert display.ax_.get_xlim() == (0.0, 1.0)
    assert display.ax_.get_ylim()[1] >= heights.max()
    assert display.ax_.get_xlabel() == r"PIT value $F(y \mid x)$"
    assert display.ax_.get_ylabel() == "density"
    assert sorted(_legend_labels(display.ax_)) == ["95% band if uniform", "uniform"]


def test_pit_histogram_counts_sum_to_the_number_of_rows():
    pit = np.array([0.0, 0.1, 0.26, 0.5, 0.5, 0.74, 0.99, 1.0])
    display = PITHistogramDisplay.from_predictions(
        pit, n_bins=4, density=False, band_coverage=0.9
    )
    heights = [bar.get_height() for bar in display.bars_]
    assert heights == [2, 1, 3, 2]  # 0.5 opens the third bin; 1.0 is in the last
    assert sum(heights) == pit.size
    assert_array_equal(display.line_.get_ydata(), [2.0, 2.0])
    assert_allclose(_span(display.band_), _binom_bounds(8, 0.25, 0.9))
    assert display.ax_.get_ylabel() == "count"


def test_pit_histogram_without_band_on_given_axes():
    fig, ax = plt.subplots()
    display = PITHistogramDisplay(pit_values=np.linspace(0, 1, 50), n_bins=5)
    assert display.plot(ax=ax, band_coverage=None) is display
    assert display.band_ is None
    assert display.ax_ is ax and display.figure_ is fig
    assert _legend_labels(ax) == ["uniform"]


@pytest.mark.parametrize(
    "pit_values, n_bins, msg",
    [
        (
            [0.2, 0.4, 1.5],
            10,
            "pit_values must lie in [0, 1]; got 1.5 at index 2. A PIT value is the "
            "forecast CDF at the observed target, F(y | x).",
        ),
        (
            [[0.2, 0.4]],
            10,
            "pit_values must be an array of shape (n_samples,); got shape (1, 2).",
        ),
        ([], 10, "pit_values must not be empty; got shape (0,)."),
        ([0.2, np.inf], 10, "pit_values must be finite; got inf at index 1."),
        ([0.2], 0, "n_bins must be an int >= 1; got 0."),
        ([0.2], 2.5, "n_bins must be an int >= 1; got 2.5."),
    ],
)
def test_pit_histogram_rejects_bad_input(pit_values, n_bins, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        PITHistogramDisplay.from_predictions(pit_values, n_bins=n_bins)


def test_pit_histogram_rejects_bad_band_coverage_and_y(model, data):
    msg = "band_coverage must lie in the open interval (0, 1); got 1.0."
    with pytest.raises(ValueError, match=re.escape(msg)):
        PITHistogramDisplay.from_predictions([0.5], band_coverage=1.0)
    msg = "y must be an array of shape (n_samples,); got shape (5, 1)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        PITHistogramDisplay.from_estimator(model, data[0][:5], data[1][:5, None])


# ------------------------------------------------------- LevelCalibrationDisplay
def test_level_calibration_from_estimator_draws_curve_and_diagonal(model, data):
    X, y = data
    display = LevelCalibrationDisplay.from_estimator(model, X, y)
    levels = np.linspace(0.05, 0.95, 19)
    observed = np.mean(y[:, None] <= model.predict_quantile(X, levels), axis=0)

    assert_allclose(display.levels, levels)
    assert_allclose(display.observed, observed)
    assert_allclose(display.line_.get_xdata(), levels)
    assert_allclose(display.line_.get_ydata(), observed)
    assert_array_equal(display.diagonal_.get_xdata(), [0, 1])
    assert_array_equal(display.diagonal_.get_ydata(), [0, 1])
    assert display.ax_.get_xlim() == (0.0, 1.0)
    assert display.ax_.get_ylim() == (0.0, 1.0)
    assert display.ax_.get_xlabel() == r"nominal level $\alpha$"
    assert display.ax_.get_ylabel() == r"observed frequency of $y \leq q_\alpha(x)$"
    assert _legend_labels(display.ax_) == [
        "perfect calibration",
        "IncrementalQuantileRegressor",
        "95% band if calibrated",
    ]
    # The band: level by level, the equal-tailed 95% interval of Binomial(200, a).
    vertices = display.band_.get_paths()[0].vertices
    lower, upper = vertices[1:20], vertices[21:40][::-1]
    lo, hi = _binom_bounds(200, levels, 0.95)
    assert_allclose(lower, np.column_stack([levels, lo / 200]))
    assert_allclose(upper, np.column_stack([levels, hi / 200]))


def test_level_calibration_by_hand():
    # y_true = 0, 1, 2, 3 against quantiles 1.5 (level 0.25) and 2.5 (level 0.75):
    # two of four values are <= 1.5 and three are <= 2.5.
    y_quantiles = np.tile([1.5, 2.5], (4, 1))
    display = LevelCalibrationDisplay.from_predictions(
        [0.0, 1.0, 2.0, 3.0], y_quantiles, [0.25, 0.75], band_coverage=None
    )
    assert_array_equal(display.observed, [0.5, 0.75])
    assert display.band_ is None
    assert _legend_labels(display.ax_) == ["perfect calibration", "observed"]


def test_level_calibration_curves_share_axes_with_names():
    levels = np.array([0.1, 0.5, 0.9])
    y_true = np.arange(10.0)
    before = LevelCalibrationDisplay.from_predictions(
        y_true, np.tile([1.0, 3.0, 6.0], (10, 1)), levels, name="before"
    )
    after = LevelCalibrationDisplay.from_predictions(
        y_true, np.tile([0.5, 4.5, 8.5], (10, 1)), levels, name="after", ax=before.ax_
    )
    assert after.ax_ is before.ax_
    assert after.diagonal_ is before.diagonal_
    assert_allclose(before.observed, [0.2, 0.4, 0.7])
    assert_allclose(after.observed, [0.1, 0.5, 0.9])
    assert sorted(_legend_labels(after.ax_)) == [
        "95% band if calibrated",
        "95% band if calibrated",
        "after",
        "before",
        "perfect calibration",
    ]
    labels = [line.get_label() for line in after.ax_.lines]
    assert labels.count("perfect calibration") == 1
    # plot(name=...) relabels a curve drawn again.
    fig, ax = plt.subplots()
    after.plot(ax=ax, name="recalibrated", line_kwargs={"color": "red"})
    assert after.line_.get_label() == "recalibrated"
    assert after.line_.get_color() == "red"


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            {"y_quantiles": np.zeros((3, 3))},
            "y_quantiles must have shape (n_samples, n_levels) = (4, 2), one row per "
            "y_true and one column per level; got shape (3, 3).",
        ),
        (
            {"levels": [95, 0.99]},
            "levels must lie in the open interval (0, 1); got 95.0 at index 0.",
        ),
        (
            {"y_true": [0.0, 1.0, np.nan, 2.0]},
            "y_true must be finite; got nan at index 2.",
        ),
    ],
)
def test_level_calibration_rejects_bad_input(kwargs, msg):
    args = {
        "y_true": [0.0, 1.0, 2.0, 3.0],
        "y_quantiles": np.zeros((4, 2)),
        "levels": [0.25, 0.75],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(msg)):
        LevelCalibrationDisplay.from_predictions(**args)
