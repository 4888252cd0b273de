"""Pinball loss, interval score and coverage, PIT and calibration error.

Hand values, shapes by argument type, integer weights against repeated rows, the
identities linking the metrics, and whole error messages.
"""

import re

import numpy as np
import pytest
import scipy.stats
from hypothesis import given
from hypothesis import strategies as st

from skquantile.metrics import (
    calibration_error,
    crps_quantile_grid,
    interval_coverage,
    interval_score,
    mean_pinball_loss,
    pit,
)

finite = st.floats(-1e3, 1e3, allow_nan=False)


# ---------------------------------------------------------------- hand values
def test_pinball_hand_values():
    # y = (0, 4); quantiles 1 at level 0.1 and 2 at level 0.9.
    # Level 0.1: y - q = -1 -> 0.9 * 1 = 0.9; y - q = 3 -> 0.1 * 3 = 0.3; mean 0.6.
    # Level 0.9: y - q = -2 -> 0.1 * 2 = 0.2; y - q = 2 -> 0.9 * 2 = 1.8; mean 1.0.
    y, q = [0.0, 4.0], [[1.0, 2.0], [1.0, 2.0]]
    raw = mean_pinball_loss(y, q, alpha=[0.1, 0.9], multilevel="raw_values")
    np.testing.assert_allclose(raw, [0.6, 1.0], rtol=1e-15)
    assert mean_pinball_loss(y, q, alpha=[0.1, 0.9]) == pytest.approx(0.8)
    # Weights (3, 1): level 0.1 (3 * 0.9 + 0.3) / 4 = 0.75, level 0.9
    # (3 * 0.2 + 1.8) / 4 = 0.6.
    weighted = mean_pinball_loss(
        y, q, alpha=[0.1, 0.9], sample_weight=[3, 1], multilevel="raw_values"
    )
    np.testing.assert_allclose(weighted, [0.75, 0.6], rtol=1e-15)


def test_interval_score_hand_values():
    # coverage 0.8: miss rate 0.2, penalty 2 / 0.2 = 10 per unit outside [-1, 1].
    # y = 0 inside: width 2. y = 1.5: 2 + 10 * 0.5 = 7. y = -3: 2 + 10 * 2 = 22.
    bounds = np.array([[-1.0, 1.0]] * 3)
    y = [0.0, 1.5, -3.0]
    assert interval_score(y, bounds, coverage=0.8) == pytest.approx(31 / 3)
    # A 1-d coverage reads a third axis, one level per entry.
    per_level = interval_score(
        y,
        np.stack([bounds, 2 * bounds], axis=-1),
        coverage=[0.8, 0.5],
        multilevel="raw_values",
    )
    # Second level [-2, 2], penalty 2 / 0.5 = 4: widths 4, y = -3 adds 4 * 1.
    np.testing.assert_allclose(per_level, [31 / 3, 16 / 3], rtol=1e-15)
    # On the bounds themselves nothing is added.
    assert interval_score([-1.0, 1.0], [[-1.0, 1.0]] * 2, coverage=0.8) == 2.0


def test_interval_coverage_counts_closed_bounds():
    # [-1, 1] holds its bounds -1 and 1, not 3 or 4.
    y = [-1.0, 1.0, 3.0, 4.0]
    assert interval_coverage(y, [[-1.0, 1.0]] * 4) == 0.5
    # Second level [-5, 5] holds all four.
    bounds = np.array([[[-1.0, -5.0], [1.0, 5.0]]] * 4)
    np.testing.assert_array_equal(interval_coverage(y, bounds), [0.5, 1.0])


def test_pit_hand_values():
    # Draws (-1, 0, 1, 2): at y = 0 one below and one tie, (1 + 1/2) / 4 = 0.375;
    # at y = 2 three below and a tie, 3.5 / 4; beyond the draws 0 and 1.
    draws = [[-1.0, 0.0, 1.0, 2.0]] * 4
    np.testing.assert_array_equal(
        pit([0.0, 2.0, -5.0, 5.0], draws), [0.375, 0.875, 0.0, 1.0]
    )


def test_pit_is_the_midpoint_of_the_empirical_cdf_jump():
    rng = np.random.default_rng(0)
    draws = np.round(rng.normal(size=(50, 20)), 1)  # rounding makes ties
    y = np.round(rng.normal(size=50), 1)
    ranked = np.sort(draws, axis=1)
    left = np.array([np.searchsorted(r, t, side="left") for r, t in zip(ranked, y)])
    right = np.array([np.searchsorted(r, t, side="right") for r, t in zip(ranked, y)])
    assert (right > left).any(), "the data should contain ties"
    np.testing.assert_allclose(pit(y, draws), (left + right) / 40, rtol=1e-15)


def test_calibration_error_hand_values():
    # y = (0, 1, 2, 3) against 1.5 at levels 0.25 and 0.75: half the rows lie at or
    # below 1.5, so the signed gaps are 0.5 - 0.25 and 0.5 - 0.75.
    y, q = [0.0, 1.0, 2.0, 3.0], [[1.5, 1.5]] * 4
    assert calibration_error(y, q, [0.25, 0.75]) == 0.25
    raw = calibration_error(y, q, [0.25, 0.75], multilevel="raw_values")
    np.testing.assert_array_equal(raw, [0.25, -0.25])
    # y <= q counts the equality: y = (0, 1) at q = 1 is covered twice.
    assert (
        calibration_error([0.0, 1.0], [1.0, 1.0], 0.5, multilevel="raw_values") == 0.5
    )
    assert calibration_error(
        [0.0, 1.0], [2.0, -1.0], 0.75, multilevel="raw_values"
    ) == (-0.25)
    assert calibration_error([0.0, 1.0], [2.0, -1.0], 0.75) == 0.25


# --------------------------------------------------------------------- shapes
@pytest.mark.parametrize(
    "call, shape",
    [
        (lambda y, q, b: mean_pinball_loss(y, q[:, 0], alpha=0.3), None),
        (lambda y, q, b: mean_pinball_loss(y, q, alpha=[0.1, 0.5, 0.9]), None),
        (
            lambda y, q, b: mean_pinball_loss(
                y, q, alpha=[0.1, 0.5, 0.9], multilevel="raw_values"
            ),
            (3,),
        ),
        (
            lambda y, q, b: mean_pinball_loss(
                y, q[:, :1], alpha=[0.1], multilevel="raw_values"
            ),
            (1,),
        ),
        (
            lambda y, q, b: mean_pinball_loss(
                y, q[:, 0], alpha=0.3, multilevel="raw_values"
            ),
            None,
        ),
        (lambda y, q, b: interval_score(y, b[:, :, 0], coverage=0.5), None),
        (lambda y, q, b: interval_score(y, b, coverage=[0.2, 0.5, 0.9]), None),
        (
            lambda y, q, b: interval_score(
                y, b, coverage=[0.2, 0.5, 0.9], multilevel="raw_values"
            ),
            (3,),
        ),
        (lambda y, q, b: interval_coverage(y, b[:, :, 0]), None),
        (lambda y, q, b: interval_coverage(y, b), (3,)),
        (lambda y, q, b: interval_coverage(y, b[:, :, :1]), (1,)),
        (lambda y, q, b: calibration_error(y, q[:, 0], 0.3), None),
        (
            lambda y, q, b: calibration_error(y, q[:, 0], 0.3, multilevel="raw_values"),
            None,
        ),
        (
            lambda y, q, b: interval_score(
                y, b[:, :, 0], coverage=0.5, multilevel="raw_values"
            ),
            None,
        ),
        (lambda y, q, b: calibration_error(y, q, [0.1, 0.5, 0.9]), None),
        (
            lambda y, q, b: calibration_error(
                y, q, [0.1, 0.5, 0.9], multilevel="raw_values"
            ),
            (3,),
        ),
        (lambda y, q, b: pit(y, q), (8,)),
    ],
)
def test_shapes_follow_argument_types(call, shape):
    rng = np.random.default_rng(1)
    y, q = rng.normal(size=8), np.sort(rng.normal(size=(8, 3)), axis=1)
    bounds = np.sort(rng.normal(size=(8, 2, 3)), axis=1)
    out = call(y, q, bounds)
    if shape is None:
        assert type(out) is float
    else:
        assert isinstance(out, np.ndarray) and out.shape == shape
        assert out.dtype == np.float64


# -------------------------------------------------------------- sample weight
@pytest.mark.parametrize(
    "metric",
    [
        lambda y, q, b, w: mean_pinball_loss(
            y, q, alpha=[0.2, 0.5, 0.7], sample_weight=w, multilevel="raw_values"
        ),
        lambda y, q, b, w: mean_pinball_loss(y, q[:, 1], alpha=0.5, sample_weight=w),
        lambda y, q, b, w: interval_score(
            y, b, coverage=[0.3, 0.6, 0.9], sample_weight=w, multilevel="raw_values"
        ),
        lambda y, q, b, w: interval_coverage(y, b, sample_weight=w),
        lambda y, q, b, w: calibration_error(
            y, q, [0.2, 0.5, 0.7], sample_weight=w, multilevel="raw_values"
        ),
    ],
)
def test_integer_weights_equal_repeated_rows(metric):
    rng = np.random.default_rng(2)
    y, q = rng.normal(size=15), np.sort(rng.normal(size=(15, 3)), axis=1)
    bounds = np.sort(rng.normal(size=(15, 2, 3)), axis=1)
    w = rng.integers(0, 4, size=15)
    weighted = metric(y, q, bounds, w)
    repeated = metric(*(np.repeat(a, w, axis=0) for a in (y, q, bounds)), None)
    np.testing.assert_allclose(weighted, repeated, rtol=1e-12)
    assert not np.allclose(weighted, metric(y, q, bounds, None))


# ------------------------------------------------------------------ identities
@given(st.lists(st.tuples(finite, finite, finite), min_size=1, max_size=10))
def test_interval_score_is_scaled_pinball_of_its_bounds(rows):
    # IS_a(l, u; y) = (2 / a) * (pinball_{a/2}(y, l) + pinball_{1-a/2}(y, u)).
    y, a, b = (np.array(c) for c in zip(*rows))
    lower, upper = np.minimum(a, b), np.maximum(a, b)
    miss = 0.2
    pinball = mean_pinball_loss(y, lower, alpha=miss / 2) + mean_pinball_loss(
        y, upper, alpha=1 - miss / 2
    )
    got = interval_score(y, np.stack([lower, upper], axis=1), coverage=1 - miss)
    assert got == pytest.approx(2 / miss * pinball, rel=1e-9, abs=1e-9)


def test_crps_quantile_grid_is_twice_mean_pinball():
    rng = np.random.default_rng(3)
    levels = np.array([0.1, 0.4, 0.8])
    y, q = rng.normal(size=20), rng.normal(size=(20, 3))
    assert crps_quantile_grid(y, q, levels) == pytest.approx(
        2 * mean_pinball_loss(y, q, alpha=levels), rel=1e-14
    )


def test_calibrated_quantiles_have_small_error():
    # True N(0, 1) quantiles of 100,000 standard normal targets: the frequency at
    # level a has standard deviation sqrt(a (1 - a) / n) <= 0.0016, so a gap above
    # 0.01 (over 6 sigma) happens with probability below 1e-8 per level.
    rng = np.random.default_rng(4)
    levels = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    q = np.broadcast_to(scipy.stats.norm.ppf(levels), (100_000, 5))
    y = rng.normal(size=100_000)
    assert calibration_error(y, q, levels) < 0.01
    assert calibration_error(y, q + 0.5, levels) > 0.1


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: mean_pinball_loss([0.0, 1.0], [[0.0], [1.0]], alpha=0.5),
            "y_pred must have shape (n_samples,) with n_samples = 2 for a scalar "
            "alpha; got shape (2, 1).",
        ),
        (
            lambda: mean_pinball_loss([0.0], [[0.0, 1.0]], alpha=[0.5]),
            "y_pred must have one column per level (1); got 2.",
        ),
        (
            lambda: mean_pinball_loss([0.0], [0.0], alpha=95),
            "alpha must lie in the open interval (0, 1); got 95.0. Use a level such "
            "as 0.001 or 0.999 for an extreme quantile. Levels are fractions: did "
            "you mean 0.95?",
        ),
        (
            lambda: mean_pinball_loss([0.0, 1.0], [0.0, np.inf]),
            "y_pred must be finite; got inf at index 1.",
        ),
        (
            lambda: interval_score([0.0, 1.0], [[0.0, 1.0], [2.0, 1.5]]),
            "y_pred must have lower <= upper; got lower 2.0 > upper 1.5 at row 1. "
            "Pass [lower, upper] as predict_interval returns them.",
        ),
        (
            lambda: interval_coverage([0.0], [[[0.0, 3.0], [1.0, 2.0]]]),
            "y_pred must have lower <= upper; got lower 3.0 > upper 2.0 at row 0, "
            "level 1. Pass [lower, upper] as predict_interval returns them.",
        ),
        (
            lambda: interval_score([0.0], [[0.0, 1.0, 2.0]]),
            "y_pred must have shape (n_samples, 2) or (n_samples, 2, n_levels) with "
            "n_samples = 1; got shape (1, 3).",
        ),
        (
            lambda: interval_score([0.0], [[[0.0], [1.0]]], coverage=0.9),
            "y_pred must have shape (n_samples, 2) for a scalar coverage; got shape "
            "(1, 2, 1).",
        ),
        (
            lambda: interval_score([0.0], [[0.0, 1.0]], coverage=[0.5, 0.9]),
            "y_pred must have shape (n_samples, 2, 2) for 2 coverage levels; got "
            "shape (1, 2).",
        ),
        (
            lambda: interval_score([0.0], [[0.0, 1.0]], coverage=1.0),
            "coverage must lie in the open interval (0, 1); got 1.0. Use for "
            "example coverage=0.9.",
        ),
        (
            lambda: interval_coverage([0.0], [[np.nan, 1.0]]),
            "y_pred must be finite; got nan at index (0, 0).",
        ),
        (
            lambda: pit([[0.0]], [[0.0]]),
            "y_true must be a 1-d array; got shape (1, 1).",
        ),
        (
            lambda: pit([0.0], [[0.0, np.nan]]),
            "y_pred must be finite; got nan at index (0, 1).",
        ),
        (
            lambda: pit([0.0, 1.0], [0.0, 1.0]),
            "y_pred must have shape (n_samples, m) with n_samples = 2; got shape (2,).",
        ),
        (
            lambda: calibration_error([0.0], [[0.0, 1.0]], [0.5, 0.0]),
            "alpha must lie in the open interval (0, 1); got 0.0 at index (1,). Use "
            "a level such as 0.001 or 0.999 for an extreme quantile.",
        ),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_multilevel_is_validated():
    with pytest.raises(ValueError, match="The 'multilevel' parameter of interval_"):
        interval_score([0.0], [[0.0, 1.0]], multilevel="mean")
