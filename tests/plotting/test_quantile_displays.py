"""QuantileFanDisplay, QuantileFunctionDisplay and ServiceLevelDisplay: what is drawn."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from numpy.testing import assert_allclose, assert_array_equal

from skquantile.plotting import (
    QuantileFanDisplay,
    QuantileFunctionDisplay,
    ServiceLevelDisplay,
)


def _band(poly, n):
    """Lower and upper edges of a fill_between polygon over n x positions.

    Its path runs: start, the n lower points, the end, the n upper points
    backwards, the start again.
    """
    vertices = poly.get_paths()[0].vertices
    return vertices[1 : n + 1], vertices[n + 2 : 2 * n + 2][::-1]


def _legend_labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


class _IntervalDouble:
    """Test double with fixed intervals, for feature naming without a fit."""

    feature_names_in_ = np.array(["a", "b"], dtype=object)

    def predict_interval(self, X, coverage):
        centre = np.asarray(X, dtype=float)[:, 1]
        half = np.atleast_1d(coverage)[None, :]
        return np.stack([centre[:, None] - half, centre[:, None] + half], axis=1)

    def predict(self, X):
        return np.asarray(X, dtype=float)[:, 1]


# ------------------------------------------------------------ QuantileFanDisplay
def test_fan_from_estimator_draws_nested_bands_median_and_points(model, data):
    X, y = data[0][:60], data[1][:60]
    coverage = (0.5, 0.8, 0.95)
    display = QuantileFanDisplay.from_estimator(
        model, X, y, feature=0, coverage=coverage
    )
    order = np.argsort(X[:, 0], kind="stable")
    x = X[order, 0]
    intervals = model.predict_interval(X, np.array(coverage))[order]

    assert len(display.bands_) == 3
    for j, band in enumerate(display.bands_):
        lower, upper = _band(band, x.size)
        assert_allclose(lower, np.column_stack([x, intervals[:, 0, j]]))
        assert_allclose(upper, np.column_stack([x, intervals[:, 1, j]]))
    # The widest band is drawn first, so the narrower ones lie on top of it, and
    # the narrower the band, the deeper its shade.
    drawn = [display.ax_.collections.index(b) for b in display.bands_]
    assert drawn[2] < drawn[1] < drawn[0]
    lightness = [band.get_facecolor()[0][:3].sum() for band in display.bands_]
    assert lightness[0] < lightness[1] < lightness[2]
    assert_allclose(display.line_.get_xdata(), x)
    assert_allclose(display.line_.get_ydata(), model.predict(X)[order])
    assert_allclose(display.scatter_.get_offsets(), np.column_stack([x, y[order]]))
    assert display.ax_.get_xlabel() == "feature 0"
    assert display.ax_.get_ylabel() == "y"
    assert _legend_labels(display.ax_) == [
        "median",
        "50% interval",
        "80% interval",
        "95% interval",
        "observed",
    ]
    bottom, top = display.ax_.get_ylim()
    assert bottom <= min(intervals.min(), y.min())
    assert top >= max(intervals.max(), y.max())
    assert display.figure_ is display.ax_.figure


def test_fan_without_feature_uses_the_row_index(model, data):
    X = data[0][:20]
    display = QuantileFanDisplay.from_estimator(model, X, coverage=0.9)
    assert_array_equal(display.line_.get_xdata(), np.arange(20))
    assert display.ax_.get_xlabel() == "row index"
    assert len(display.bands_) == 1
    assert display.scatter_ is None


def test_fan_feature_by_name_uses_the_column_and_its_name():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"a": [3.0, 1.0, 2.0], "b": [30.0, 10.0, 20.0]})
    display = QuantileFanDisplay.from_estimator(_IntervalDouble(), X, feature="b")
    assert display.ax_.get_xlabel() == "b"
    assert_array_equal(display.line_.get_xdata(), [10.0, 20.0, 30.0])
    # Names from the fitted estimator when X is a plain array.
    display = QuantileFanDisplay.from_estimator(
        _IntervalDouble(), X.to_numpy(), feature=-2
    )
    assert display.ax_.get_xlabel() == "a"
    assert_array_equal(display.line_.get_xdata(), [1.0, 2.0, 3.0])


def test_fan_from_predictions_on_given_axes_with_style():
    x = np.array([2.0, 0.0, 1.0])
    y_interval = np.array([[1.0, 3.0], [-1.0, 1.0], [0.0, 2.0]])  # (n, 2)
    fig, ax = plt.subplots()
    display = QuantileFanDisplay.from_predictions(
        x,
        y_interval,
        0.9,
        y_median=x,
        ax=ax,
        line_kwargs={"c": "red"},
        band_kwargs={"color": "green"},
    )
    assert display.ax_ is ax and display.figure_ is fig
    assert display.line_.get_color() == "red"
    green = np.asarray(to_rgba("green"))
    assert_allclose(display.bands_[0].get_facecolor()[0], 1 - 0.3 * (1 - green))
    lower, upper = _band(display.bands_[0], 3)
    assert_array_equal(lower[:, 1], [-1.0, 0.0, 1.0])
    assert_array_equal(upper[:, 1], [1.0, 2.0, 3.0])
    assert _legend_labels(ax) == ["median", "90% interval"]
    assert display.ax_.get_xlabel() == "x"


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            {"x": [0.0, np.nan]},
            "x must be finite; got nan at index 1.",
        ),
        (
            {"coverage": [0.5, 95]},
            "coverage must lie in the open interval (0, 1); got 95.0 at index (1,). "
            "Use for example coverage=0.9. Levels are fractions: did you mean 0.95?",
        ),
        (
            {"y_interval": np.zeros((2, 2))},
            "y_interval must be an array of shape (n_samples, 2, n_coverages) = "
            "(2, 2, 2); got shape (2, 2).",
        ),
        (
            {"y_interval": np.zeros((2, 3, 2))},
            "y_interval must have shape (n_samples, 2, n_coverages) = (2, 2, 2); "
            "got shape (2, 3, 2).",
        ),
        (
            {"y_interval": np.array([[[0, 0], [1, 1]], [[0, 2], [1, 1]]])},
            "y_interval must hold [lower, upper] with lower <= upper; got lower "
            "2.0 > upper 1.0 at row 1, coverage index 1.",
        ),
        (
            {"y_true": [1.0, 2.0, 3.0]},
            "y_true must have 2 entries along its first axis, as x has; "
            "got shape (3,).",
        ),
    ],
)
def test_fan_from_predictions_rejects_bad_input(kwargs, msg):
    args = {
        "x": [0.0, 1.0],
        "y_interval": np.array([[[0, 0], [1, 1]], [[0, 0], [1, 1]]]),
        "coverage": [0.5, 0.9],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(msg)):
        QuantileFanDisplay.from_predictions(**args)


@pytest.mark.parametrize(
    "feature, msg",
    [
        (5, "feature must be an int index in [0, 5) or a column name of X; got 5."),
        (
            "x0",
            "feature must be an int index or a column name of X (X has no column "
            "names); got 'x0'.",
        ),
        (1.0, "feature must be None, an int index or a column name of X; got 1.0."),
    ],
)
def test_fan_from_estimator_rejects_bad_feature(model, data, feature, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        QuantileFanDisplay.from_estimator(model, data[0][:5], feature=feature)


# ------------------------------------------------------- QuantileFunctionDisplay
def test_quantile_function_from_estimator_marks_the_knots(model, data):
    X = data[0][:3]
    display = QuantileFunctionDisplay.from_estimator(model, X)
    levels = np.linspace(0.005, 0.995, 199)
    knots = model.knot_levels_

    assert len(display.lines_) == 3 and len(display.knots_) == 3
    for i, (line, marks) in enumerate(zip(display.lines_, display.knots_)):
        assert_allclose(line.get_xdata(), levels)
        assert_allclose(line.get_ydata(), model.predict_quantile(X, levels)[i])
        assert_allclose(marks.get_xdata(), knots)
        assert_allclose(marks.get_ydata(), model.predict_quantile(X, knots)[i])
        assert marks.get_marker() == "o" and marks.get_linestyle() == "None"
        assert marks.get_color() == line.get_color()
    assert display.ax_.get_xlim() == (0.0, 1.0)
    assert display.ax_.get_xlabel() == r"quantile level $\alpha$"
    assert display.ax_.get_ylabel() == r"$q(\alpha \mid x)$"
    assert _legend_labels(display.ax_) == ["row 0", "row 1", "row 2", "knots"]


def test_quantile_function_from_predictions_one_row_without_knots():
    levels = np.array([0.1, 0.5, 0.9])
    display = QuantileFunctionDisplay.from_predictions(
        levels, [1.0, 2.0, 4.0], row_labels=["store 7"]
    )
    assert len(display.lines_) == 1 and display.knots_ is None
    assert_array_equal(display.lines_[0].get_ydata(), [1.0, 2.0, 4.0])
    assert _legend_labels(display.ax_) == ["store 7"]


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            {"levels": [0.1, 0.5, 0.3]},
            "levels must be strictly increasing; got 0.5 at index 1 followed by 0.3.",
        ),
        (
            {"levels": [0.1, 0.5, 1.0]},
            "levels must lie in the open interval (0, 1); got 1.0 at index 2.",
        ),
        (
            {"quantiles": np.zeros((2, 4))},
            "quantiles must have shape (n_rows, n_levels) with 3 columns, one per "
            "level; got shape (2, 4).",
        ),
        (
            {"knot_levels": [0.5]},
            "knot_levels and knot_values must be given together; got "
            "knot_levels=an array and knot_values=None.",
        ),
        (
            {"knot_levels": [0.5], "knot_values": np.zeros((3, 1))},
            "knot_values must have 2 entries along its first axis, as quantiles "
            "has; got shape (3, 1).",
        ),
        (
            {"row_labels": ["a"]},
            "row_labels must hold one label per row of quantiles (2); got 1.",
        ),
    ],
)
def test_quantile_function_from_predictions_rejects_bad_input(kwargs, msg):
    args = {"levels": [0.1, 0.5, 0.9], "quantiles": np.zeros((2, 3))}
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(msg)):
        QuantileFunctionDisplay.from_predictions(**args)


# ----------------------------------------------------------- ServiceLevelDisplay
def test_service_level_from_predictions_draws_twin_axes_and_highlights():
    levels = np.linspace(0.5, 0.99, 50)
    stock = 10.0 + 5.0 * levels  # linear, so interpolation is exact
    display = ServiceLevelDisplay.from_predictions(levels, stock, highlight=(0.9, 0.95))
    assert_allclose(display.line_.get_xdata(), levels)
    assert_allclose(display.line_.get_ydata(), stock)
    assert display.slope_line_.axes is display.ax2_
    assert_allclose(display.slope_line_.get_ydata(), np.full(50, 5.0))
    assert display.ax2_ is not display.ax_
    assert display.ax2_.get_shared_x_axes().joined(display.ax_, display.ax2_)
    assert len(display.figure_.axes) == 2
    assert_allclose(display.points_.get_xdata(), [0.9, 0.95])
    assert_allclose(display.points_.get_ydata(), [14.5, 14.75])
    texts = [a.get_text() for a in display.annotations_]
    assert texts == ["90%: 14.5", "95%: 14.75 (+0.25)"]
    assert display.ax_.get_xlabel() == r"service level $\alpha$"
    assert display.ax_.get_ylabel() == r"stock $q(\alpha \mid x)$"
    assert display.ax2_.get_ylabel() == r"marginal stock $dq / d\alpha$"
    assert _legend_labels(display.ax_) == ["stock", "marginal stock"]


def test_service_level_from_estimator_adds_highlights_to_the_grid(model, data):
    X = data[0][:1]
    levels = np.linspace(0.5, 0.99, 50)
    display = ServiceLevelDisplay.from_estimator(
        model, X, levels=levels, highlight=[0.945]
    )
    grid = np.union1d(levels, [0.945])
    assert_allclose(display.line_.get_xdata(), grid)
    assert_allclose(display.line_.get_ydata(), model.predict_quantile(X, grid)[0])
    slope = model.predict_quantile_slope(X, grid)[0]
    assert_allclose(display.slope_line_.get_xdata(), grid)
    assert_allclose(display.slope_line_.get_ydata(), slope)
    assert_allclose(display.points_.get_ydata(), model.predict_quantile(X, 0.945))
    bottom, top = display.ax2_.get_ylim()
    assert bottom <= slope.min() and top >= slope.max()


def test_service_level_from_estimator_needs_one_row(model, data):
    msg = (
        "X must hold exactly one row for ServiceLevelDisplay.from_estimator; got 3 "
        "rows. Select one with X[i:i + 1]."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        ServiceLevelDisplay.from_estimator(model, data[0][:3])


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            {"highlight": [0.95, 0.995]},
            "highlight must lie within the plotted levels [0.5, 0.99]; got 0.995 at "
            "index 1.",
        ),
        (
            {"slope": [1.0, 2.0]},
            "slope must have 3 entries along its first axis, as levels has; got "
            "shape (2,).",
        ),
        (
            {"stock": [1.0, 2.0]},
            "stock must have 3 entries along its first axis, as levels has; got "
            "shape (2,).",
        ),
        (
            {"levels": [0.9], "stock": [1.0]},
            "levels must hold at least 2 levels to estimate the slope with "
            "np.gradient; got 1. Pass slope instead.",
        ),
    ],
)
def test_service_level_from_predictions_rejects_bad_input(kwargs, msg):
    args = {"levels": [0.5, 0.9, 0.99], "stock": [1.0, 2.0, 4.0]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(msg)):
        ServiceLevelDisplay.from_predictions(**args)
