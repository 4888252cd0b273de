"""The NumPy CRPS metrics: hand values, properscoring, and the torch closed form."""

import re

import numpy as np
import pytest
import torch

from skquantile.metrics import (
    crps_ensemble,
    crps_quantile_grid,
    crps_reference,
    d2_crps_score,
)
from skquantile.nn import isqf_domain_map


def test_hand_values():
    # Ensemble {-1, 1} at 0: E|X - 0| = 1, E|X - X'| over 4 pairs = 1 ("nrg"),
    # over the 2 distinct pairs = 2 ("fair").
    assert crps_ensemble([0.0], [[-1.0, 1.0]]) == pytest.approx(0.5)
    assert crps_ensemble([0.0], [[-1.0, 1.0]], estimator="fair") == pytest.approx(0.0)
    # Pinball at levels 1/4, 3/4 of y = 0 against quantiles -1, 1: 1/4 each.
    assert crps_quantile_grid([0.0], [[-1.0, 1.0]], [0.25, 0.75]) == pytest.approx(0.5)


def test_against_properscoring():
    ps = pytest.importorskip("properscoring")
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    draws = rng.normal(size=(50, 37))
    w = rng.uniform(size=50)
    expected = np.average(ps.crps_ensemble(y, draws), weights=w)
    assert crps_ensemble(y, draws, sample_weight=w) == pytest.approx(
        expected, rel=1e-10
    )


def test_fair_is_unbiased_rescaling_of_nrg():
    rng = np.random.default_rng(1)
    y, draws = rng.normal(size=20), rng.normal(size=(20, 9))
    m = draws.shape[1]
    spread = np.abs(draws[:, :, None] - draws[:, None, :]).sum(axis=(1, 2))
    first = np.abs(draws - y[:, None]).mean(axis=1)
    expected = np.mean(first - spread / (2 * m * (m - 1)))
    assert crps_ensemble(y, draws, estimator="fair") == pytest.approx(
        expected, rel=1e-12
    )


def test_reference_is_the_ensemble_of_all_targets():
    rng = np.random.default_rng(2)
    y = rng.normal(size=40)
    w = rng.integers(1, 4, size=40).astype(float)
    ensemble = np.repeat(y, w.astype(int))
    expected = np.array([crps_ensemble([t], ensemble[None, :]) for t in y])
    np.testing.assert_allclose(crps_reference(y, sample_weight=w), expected, rtol=1e-10)


def test_d2_crps_score_bounds():
    rng = np.random.default_rng(3)
    y = rng.normal(size=200)
    climatology = np.broadcast_to(y, (200, 200))
    assert d2_crps_score(y, climatology) == pytest.approx(0.0, abs=1e-12)
    assert d2_crps_score(y, np.repeat(y[:, None], 3, axis=1)) == 1.0
    assert d2_crps_score([1.0, 1.0], [[1.0], [2.0]]) == 0.0


def test_grid_and_ensemble_approach_the_isqf_closed_form():
    torch.manual_seed(0)
    levels = torch.tensor([0.1, 0.3, 0.5, 0.7, 0.9], dtype=torch.float64)
    raw = torch.randn(30, 5 + 2 + 2 * 4 * 2, dtype=torch.float64, generator=None)
    dist = isqf_domain_map(raw, levels, 2)
    y = dist.sample(generator=torch.Generator().manual_seed(1))
    closed = dist.crps(y).numpy()
    grid = np.linspace(0.0005, 0.9995, 1000)
    q = dist.quantile(torch.as_tensor(grid).expand(30, -1)).numpy()
    assert crps_quantile_grid(y.numpy(), q, grid) == pytest.approx(
        closed.mean(), rel=1e-3
    )
    # Quantiles at the 1000 grid levels are a stratified ensemble of the law.
    assert crps_ensemble(y.numpy(), q) == pytest.approx(closed.mean(), rel=1e-2)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: crps_ensemble([0.0, 1.0], [[0.0]]),
            "y_pred must have shape (n_samples, m) with n_samples = 2; got shape (1, 1).",
        ),
        (
            lambda: crps_ensemble([0.0], [[1.0]], estimator="fair"),
            "estimator='fair' needs at least 2 draws per row; got 1.",
        ),
        (
            lambda: crps_quantile_grid([0.0], [[0.0, 1.0]], [0.5]),
            "y_pred must have one column per level (1); got 2.",
        ),
        (
            lambda: crps_quantile_grid([np.nan], [[0.0]], [0.5]),
            "y_true must be finite; got nan at index 0.",
        ),
        (
            lambda: crps_quantile_grid([0.0], [[0.0]], [1.0]),
            "alpha must lie in the open interval (0, 1); got 1.0 at index (0,).",
        ),
    ],
)
def test_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_reference_is_shift_invariant_at_large_locations():
    # The prefix sums work on y minus its median: at a location of 1e6 the result
    # keeps the precision the shifted data still carries (ulp(1e6) ~ 1.2e-10).
    rng = np.random.default_rng(4)
    y = rng.normal(size=300)
    np.testing.assert_allclose(
        crps_reference(y + 1e6), crps_reference(y), rtol=1e-8, atol=0
    )
