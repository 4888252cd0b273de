"""Energy score, its reference and D² skill, and the variogram score.

Hand values, plain loop references, the univariate special case (the CRPS), integer
weights against repeated rows, memory bounds and whole error messages.
"""

import re
import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import skquantile.metrics._energy as energy_module
from skquantile.metrics import (
    crps_ensemble,
    crps_reference,
    d2_energy_score,
    energy_reference,
    energy_score,
    variogram_score,
)


def _energy_loop(y, draws, fair=False):
    """Per-row energy score, straight from the definition."""
    scores = []
    for target, ensemble in zip(y, draws):
        m = len(ensemble)
        first = np.mean([np.linalg.norm(x - target) for x in ensemble])
        pairs = sum(np.linalg.norm(a - b) for a in ensemble for b in ensemble)
        scores.append(first - pairs / (2 * (m * (m - 1) if fair else m * m)))
    return np.array(scores)


def _variogram_loop(y, draws, p, pair):
    """Per-row variogram score, straight from the definition."""
    d = y.shape[1]
    scores = []
    for target, ensemble in zip(y, draws):
        total = 0.0
        for i in range(d):
            for j in range(d):
                expected = np.mean(np.abs(ensemble[:, i] - ensemble[:, j]) ** p)
                observed = abs(target[i] - target[j]) ** p
                total += pair[i, j] * (observed - expected) ** 2
        scores.append(total)
    return np.array(scores)


# ---------------------------------------------------------------- hand values
def test_energy_hand_values():
    # y = 0; draws (3, 4) and (-3, -4), each at distance 5 from y and 10 apart.
    # "nrg": 5 - (0 + 10 + 10 + 0) / (2 * 4) = 2.5; "fair": 5 - 20 / (2 * 2) = 0.
    y, draws = [[0.0, 0.0]], [[[3.0, 4.0], [-3.0, -4.0]]]
    assert energy_score(y, draws) == 2.5
    assert energy_score(y, draws, estimator="fair") == 0.0
    # One draw: only the first term, ||(3, 4) - 0|| = 5.
    assert energy_score(y, [[[3.0, 4.0]]]) == 5.0


def test_variogram_hand_values():
    # y = (0, 4): |0 - 4|^0.5 = 2 for the ordered pairs (0, 1) and (1, 0); the
    # draws (0, 1), (1, 0) give |diff|^0.5 = 1. Each pair adds (2 - 1)^2 = 1.
    y, draws = [[0.0, 4.0]], [[[0.0, 1.0], [1.0, 0.0]]]
    assert variogram_score(y, draws) == 2.0
    # Weighing only the pair (0, 1) keeps one of the two terms.
    assert variogram_score(y, draws, weights=[[0.0, 1.0], [0.0, 0.0]]) == 1.0
    # p = 1: observed 4, expected 1, (4 - 1)^2 = 9 per ordered pair.
    assert variogram_score(y, draws, p=1.0) == 18.0


def test_energy_reference_hand_values():
    # Two targets 5 apart, weights 1/2: E||Y - y_i|| = 2.5 for both, and
    # E||Y - Y'|| = 2.5, so each row scores 2.5 - 1.25.
    np.testing.assert_array_equal(
        energy_reference([[0.0, 0.0], [3.0, 4.0]]), [1.25, 1.25]
    )
    # Weights (3, 1): row 0 sees 5 / 4, row 1 sees 15 / 4; the pair term is
    # 2 * 3/4 * 1/4 * 5 = 15 / 8, half of it 15 / 16.
    np.testing.assert_allclose(
        energy_reference([[0.0, 0.0], [3.0, 4.0]], sample_weight=[3, 1]),
        [5 / 4 - 15 / 16, 15 / 4 - 15 / 16],
        rtol=1e-15,
    )


# ----------------------------------------------------------------- references
@pytest.mark.parametrize("estimator", ["nrg", "fair"])
def test_energy_score_matches_the_definition(estimator):
    rng = np.random.default_rng(0)
    y, draws = rng.normal(size=(12, 3)), rng.normal(size=(12, 6, 3))
    w = rng.uniform(size=12)
    expected = np.average(_energy_loop(y, draws, estimator == "fair"), weights=w)
    got = energy_score(y, draws, estimator=estimator, sample_weight=w)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("p", [0.5, 1.5])
def test_variogram_score_matches_the_definition(p):
    rng = np.random.default_rng(1)
    y, draws = rng.normal(size=(10, 4)), rng.normal(size=(10, 5, 4))
    pair = rng.uniform(size=(4, 4))
    expected = np.mean(_variogram_loop(y, draws, p, pair))
    got = variogram_score(y, draws, p=p, weights=pair)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("estimator", ["nrg", "fair"])
def test_energy_score_in_one_dimension_is_the_crps(estimator):
    rng = np.random.default_rng(2)
    y, draws = rng.normal(size=30), rng.normal(size=(30, 8))
    expected = crps_ensemble(y, draws, estimator=estimator)
    got = energy_score(y[:, None], draws[:, :, None], estimator=estimator)
    assert got == pytest.approx(expected, rel=1e-12)


def test_energy_reference_in_one_dimension_is_crps_reference():
    rng = np.random.default_rng(3)
    y, w = rng.normal(size=40), rng.uniform(size=40)
    np.testing.assert_allclose(
        energy_reference(y[:, None], sample_weight=w),
        crps_reference(y, sample_weight=w),
        rtol=1e-10,
    )


def test_energy_reference_is_the_ensemble_of_all_targets():
    rng = np.random.default_rng(4)
    y = rng.normal(size=(25, 3))
    w = rng.integers(1, 4, size=25)
    ensemble = np.repeat(y, w, axis=0)
    expected = [energy_score([t], ensemble[None]) for t in y]
    np.testing.assert_allclose(
        energy_reference(y, sample_weight=w.astype(float)), expected, rtol=1e-10
    )


def test_energy_reference_blocks_do_not_change_the_result(monkeypatch):
    rng = np.random.default_rng(5)
    y, w = rng.normal(size=(37, 2)), rng.uniform(size=37)
    whole = energy_reference(y, sample_weight=w)
    monkeypatch.setattr(energy_module, "_CHUNK_ELEMENTS", 100)  # blocks of 2 rows
    np.testing.assert_allclose(energy_reference(y, sample_weight=w), whole, rtol=1e-13)


# ----------------------------------------------------------------- D² skill
def test_d2_energy_score_bounds():
    rng = np.random.default_rng(6)
    y = rng.normal(size=(60, 2))
    climatology = np.broadcast_to(y, (60, 60, 2))
    assert d2_energy_score(y, climatology) == pytest.approx(0.0, abs=1e-12)
    assert d2_energy_score(y, np.repeat(y[:, None], 3, axis=1)) == 1.0
    # A forecast worse than the climatology scores below 0.
    assert d2_energy_score(y, climatology + 10.0) < 0


def test_d2_energy_score_is_one_minus_the_ratio():
    rng = np.random.default_rng(7)
    y, draws = rng.normal(size=(20, 3)), rng.normal(size=(20, 5, 3))
    w = rng.uniform(size=20)
    ratio = energy_score(y, draws, sample_weight=w) / np.average(
        energy_reference(y, sample_weight=w), weights=w
    )
    assert d2_energy_score(y, draws, sample_weight=w) == pytest.approx(
        1 - ratio, rel=1e-12
    )


# --------------------------------------------------------------- weights, memory
@pytest.mark.parametrize(
    "metric",
    [
        lambda y, x, w: energy_score(y, x, sample_weight=w),
        lambda y, x, w: energy_score(y, x, estimator="fair", sample_weight=w),
        lambda y, x, w: variogram_score(y, x, p=1.0, sample_weight=w),
        lambda y, x, w: d2_energy_score(y, x, sample_weight=w),
    ],
)
def test_integer_weights_equal_repeated_rows(metric):
    rng = np.random.default_rng(8)
    y, draws = rng.normal(size=(15, 3)), rng.normal(size=(15, 4, 3))
    w = rng.integers(0, 4, size=15)
    weighted = metric(y, draws, w)
    repeated = metric(np.repeat(y, w, axis=0), np.repeat(draws, w, axis=0), None)
    assert weighted == pytest.approx(repeated, rel=1e-12)
    assert weighted != pytest.approx(metric(y, draws, None), rel=1e-6)


def _peak_bytes(fn):
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_energy_score_never_builds_all_pairs_of_draws():
    # (n, m, m, d) would be 200 * 200 * 200 * 3 * 8 bytes = 192 MB; the input is
    # 0.96 MB and the pair loop holds a few arrays of its size.
    rng = np.random.default_rng(9)
    y, draws = rng.normal(size=(200, 3)), rng.normal(size=(200, 200, 3))
    assert _peak_bytes(lambda: energy_score(y, draws, estimator="fair")) < 10e6
    assert _peak_bytes(lambda: variogram_score(y, draws)) < 10e6


def test_energy_reference_of_ten_thousand_rows_fits_in_blocks():
    # All pairs at once would be 10,000² * 8 bytes = 800 MB; blocks hold 32 MB.
    rng = np.random.default_rng(10)
    y = rng.normal(size=(10_000, 3))
    reference = []
    peak = _peak_bytes(lambda: reference.append(energy_reference(y)))
    assert peak < 100e6
    rows = [0, 4321, 9999]
    mean_distance = [np.linalg.norm(y - y[i], axis=1).mean() for i in rows]
    spread = reference[0][rows] - mean_distance  # -E||Y - Y'|| / 2, row-independent
    np.testing.assert_allclose(spread, spread[0], rtol=1e-10)
    assert -spread[0] == pytest.approx(np.mean(reference[0] - spread[0]) / 2)


# ---------------------------------------------------------------- properties
@given(
    st.data(),
    st.integers(1, 5),
    st.integers(1, 4),
)
def test_energy_score_is_non_negative(data, m, d):
    values = st.floats(-1e3, 1e3, allow_nan=False)
    y = data.draw(arrays(np.float64, (3, d), elements=values))
    draws = data.draw(arrays(np.float64, (3, m, d), elements=values))
    assert energy_score(y, draws) >= -1e-9


# ---------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: energy_score([0.0, 1.0], [[[0.0]], [[1.0]]]),
            "y_true must be a 2-d array of shape (n_samples, n_outputs); got shape "
            "(2,).",
        ),
        (
            lambda: energy_score([[0.0, 1.0]], [[0.0, 1.0]]),
            "y_pred must have shape (n_samples, n_draws, n_outputs) with n_samples "
            "= 1 and n_outputs = 2; got shape (1, 2).",
        ),
        (
            lambda: variogram_score([[0.0, 1.0]], [[[0.0, 1.0, 2.0]]]),
            "y_pred must have shape (n_samples, n_draws, n_outputs) with n_samples "
            "= 1 and n_outputs = 2; got shape (1, 1, 3).",
        ),
        (
            lambda: energy_score([[0.0]], [[[1.0]]], estimator="fair"),
            "estimator='fair' needs at least 2 draws per row; got 1.",
        ),
        (
            lambda: energy_score([[0.0, np.inf]], [[[1.0, 1.0]]]),
            "y_true must be finite; got inf at index (0, 1).",
        ),
        (
            lambda: d2_energy_score([[0.0, 1.0]], [[[1.0, 1.0], [2.0, np.nan]]]),
            "y_pred must be finite; got nan at index (0, 1, 1).",
        ),
        (
            lambda: variogram_score([[0.0, 1.0]], [[[0.0, 1.0]]], weights=[1.0, 1.0]),
            "weights must have shape (n_outputs, n_outputs) = (2, 2); got shape (2,).",
        ),
        (
            lambda: variogram_score(
                [[0.0, 1.0]], [[[0.0, 1.0]]], weights=[[0.0, 1.0], [-0.5, 0.0]]
            ),
            "weights must be non-negative; got -0.5 at index (1, 0).",
        ),
        (
            lambda: variogram_score(
                [[0.0, 1.0]], [[[0.0, 1.0]]], weights=[[0.0, np.nan], [1.0, 0.0]]
            ),
            "weights must be finite; got nan at index (0, 1).",
        ),
        (
            lambda: energy_reference([0.0, 1.0]),
            "y_true must be a 2-d array of shape (n_samples, n_outputs); got shape "
            "(2,).",
        ),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_variogram_order_must_be_positive():
    with pytest.raises(ValueError, match=re.escape("The 'p' parameter of variogram")):
        variogram_score([[0.0, 1.0]], [[[0.0, 1.0]]], p=0.0)
