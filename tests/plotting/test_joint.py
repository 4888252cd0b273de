"""JointSampleDisplay: the d x d grid, its histograms, scatter plots and markers."""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skquantile.plotting import JointSampleDisplay


class _JointDouble:
    """Test double of a multivariate model: ``sample`` gives (n, m, 2) draws."""

    def sample(self, X, n_samples=1, random_state=None):
        rng = np.random.default_rng(random_state)
        centre = np.asarray(X, dtype=float)[:, None, :2]
        return centre + rng.normal(size=(len(X), n_samples, 2))


@pytest.fixture
def samples():
    rng = np.random.default_rng(0)
    cov = [[1.0, 0.5, 0.0], [0.5, 1.0, 0.3], [0.0, 0.3, 1.0]]
    return rng.multivariate_normal([0.0, 1.0, 2.0], cov, size=300)


def test_joint_from_predictions_draws_a_d_by_d_grid(samples):
    y_true = np.array([0.1, 1.2, 2.3])
    display = JointSampleDisplay.from_predictions(
        samples, y_true=y_true, output_names=["a", "b", "c"]
    )
    axes = display.axes_
    assert axes.shape == (3, 3)
    assert len(display.figure_.axes) == 9
    assert all(ax.figure is display.figure_ for ax in axes.ravel())

    assert len(display.hists_) == 3
    for i, bars in enumerate(display.hists_):
        assert bars.patches[0].axes is axes[i, i]
        assert len(bars) == 30
        assert sum(bar.get_height() for bar in bars) == 300
        left = bars[0].get_x()
        right = bars[-1].get_x() + bars[-1].get_width()
        assert_allclose([left, right], [samples[:, i].min(), samples[:, i].max()])

    pairs = [(1, 0), (2, 0), (2, 1)]
    assert len(display.scatters_) == 3
    for (i, j), scatter in zip(pairs, display.scatters_):
        assert scatter.axes is axes[i, j]
        assert_allclose(scatter.get_offsets(), samples[:, [j, i]])
    for i, j in [(0, 1), (0, 2), (1, 2)]:
        assert not axes[i, j].axison

    assert [ax.get_xlabel() for ax in axes[2]] == ["a", "b", "c"]
    assert [axes[i, 0].get_ylabel() for i in (1, 2)] == ["b", "c"]
    assert [axes[i, i].get_title() for i in range(3)] == ["a", "b", "c"]

    assert len(display.truth_) == 6  # 3 lines on the diagonal, 3 stars below
    for i in range(3):
        assert_array_equal(display.truth_[i].get_xdata(), [y_true[i]] * 2)
    for (i, j), star in zip(pairs, display.truth_[3:]):
        assert star.axes is axes[i, j]
        assert_array_equal([star.get_xdata()[0], star.get_ydata()[0]], y_true[[j, i]])


def test_joint_on_given_axes_with_default_names(samples):
    fig, axes = plt.subplots(2, 2)
    display = JointSampleDisplay(samples=samples[:, :2]).plot(axes=axes, n_bins=5)
    assert display.axes_[1, 0] is axes[1, 0]
    assert display.ax_ is display.axes_
    assert display.figure_ is fig
    assert display.truth_ is None
    assert len(display.hists_[0]) == 5
    assert [ax.get_xlabel() for ax in axes[1]] == ["y[0]", "y[1]"]


def test_joint_one_output_is_a_single_histogram():
    display = JointSampleDisplay.from_predictions(np.arange(10.0), y_true=4.0)
    assert display.axes_.shape == (1, 1)
    assert display.scatters_ == []
    assert sum(bar.get_height() for bar in display.hists_[0]) == 10


def test_joint_from_estimator_draws_the_models_samples():
    X = np.array([[1.0, -1.0, 0.0]])
    display = JointSampleDisplay.from_estimator(
        _JointDouble(), X, y=[[1.5, -0.5]], n_samples=200, random_state=0
    )
    draws = _JointDouble().sample(X, n_samples=200, random_state=0)[0]
    assert display.axes_.shape == (2, 2)
    assert_allclose(display.scatters_[0].get_offsets(), draws)
    assert_allclose(display.truth_[-1].get_xydata(), [[1.5, -0.5]])


def test_joint_from_estimator_of_a_univariate_model(model, data):
    X = data[0][:1]
    display = JointSampleDisplay.from_estimator(model, X, random_state=0)
    draws = model.sample(X, n_samples=500, random_state=0)[0]
    assert display.axes_.shape == (1, 1)
    heights = [bar.get_height() for bar in display.hists_[0]]
    assert_array_equal(heights, np.histogram(draws, bins=30)[0])


@pytest.mark.parametrize(
    "kwargs, msg",
    [
        (
            {"samples": np.zeros((4, 2, 2))},
            "samples must be an array of shape (n_draws, n_outputs); got shape "
            "(4, 2, 2).",
        ),
        (
            {"y_true": [1.0, 2.0, 3.0]},
            "y_true must have shape (2,), one value per column of samples; got "
            "shape (3,).",
        ),
        (
            {"output_names": ["a"]},
            "output_names must hold one name per column of samples (2); got 1.",
        ),
        (
            {"samples": [[0.0, np.nan]]},
            "samples must be finite; got nan at index (0, 1).",
        ),
    ],
)
def test_joint_from_predictions_rejects_bad_input(kwargs, msg):
    args = {"samples": np.zeros((4, 2))}
    args.update(kwargs)
    with pytest.raises(ValueError, match=re.escape(msg)):
        JointSampleDisplay.from_predictions(**args)


def test_joint_rejects_bad_axes_and_rows():
    _, axes = plt.subplots(1, 2, squeeze=False)
    msg = (
        "axes must be a (2, 2) array of matplotlib Axes, one per pair of outputs; "
        "got shape (1, 2)."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        JointSampleDisplay.from_predictions(np.zeros((4, 2)), axes=axes)
    msg = (
        "X must hold exactly one row for JointSampleDisplay.from_estimator; got 2 "
        "rows. Select one with X[i:i + 1]."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        JointSampleDisplay.from_estimator(_JointDouble(), np.zeros((2, 3)))
