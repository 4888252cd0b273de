"""Every metric against scikit-learn, properscoring and scoringrules.

Oracles compute the same estimator independently; agreement is to 1e-10 relative
(1e-12 against scikit-learn's pinball loss, which sums in the same order). The
oracle packages are test-only dependencies, skipped when absent.
"""

import numpy as np
import pytest
import sklearn.metrics

from skquantile.metrics import (
    crps_ensemble,
    crps_quantile_grid,
    energy_score,
    interval_score,
    mean_pinball_loss,
    variogram_score,
)

RTOL = 1e-10


@pytest.fixture
def rng():
    return np.random.default_rng(20240601)


@pytest.mark.parametrize("alpha", [0.05, 0.5, 0.9])
@pytest.mark.parametrize("weighted", [False, True])
def test_pinball_equals_sklearn(rng, alpha, weighted):
    y, q = rng.normal(size=60), rng.normal(size=60)
    w = rng.uniform(size=60) if weighted else None
    expected = sklearn.metrics.mean_pinball_loss(y, q, alpha=alpha, sample_weight=w)
    got = mean_pinball_loss(y, q, alpha=alpha, sample_weight=w)
    assert got == pytest.approx(expected, rel=1e-12, abs=0)


def test_pinball_per_level_equals_sklearn(rng):
    levels = np.array([0.1, 0.3, 0.95])
    y, q = rng.normal(size=40), rng.normal(size=(40, 3))
    expected = [
        sklearn.metrics.mean_pinball_loss(y, q[:, j], alpha=a)
        for j, a in enumerate(levels)
    ]
    got = mean_pinball_loss(y, q, alpha=levels, multilevel="raw_values")
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_pinball_equals_scoringrules_quantile_score(rng):
    sr = pytest.importorskip("scoringrules")
    levels = np.array([0.02, 0.5, 0.8])
    y, q = rng.normal(size=50), rng.normal(size=(50, 3))
    expected = np.asarray(sr.quantile_score(y[:, None], q, levels)).mean(axis=0)
    got = mean_pinball_loss(y, q, alpha=levels, multilevel="raw_values")
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_crps_quantile_grid_equals_scoringrules(rng):
    # scoringrules' crps_quantile is 2 / |Q| times the summed pinball losses, the
    # same estimator as ours (Berrisch & Ziel, 2023).
    sr = pytest.importorskip("scoringrules")
    levels = np.linspace(0.05, 0.95, 7)
    y = rng.normal(size=30)
    q = np.sort(rng.normal(size=(30, 7)), axis=1)
    expected = np.mean(sr.crps_quantile(y, q, levels))
    assert crps_quantile_grid(y, q, levels) == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("estimator", ["nrg", "fair"])
def test_crps_ensemble_equals_scoringrules(rng, estimator):
    sr = pytest.importorskip("scoringrules")
    y, draws = rng.normal(size=45), rng.normal(size=(45, 11))
    expected = np.mean(sr.crps_ensemble(y, draws, estimator=estimator))
    got = crps_ensemble(y, draws, estimator=estimator)
    assert got == pytest.approx(expected, rel=RTOL)


def test_crps_ensemble_nrg_equals_properscoring(rng):
    ps = pytest.importorskip("properscoring")
    y, draws = rng.normal(size=45), rng.normal(size=(45, 11))
    expected = np.mean(ps.crps_ensemble(y, draws))
    assert crps_ensemble(y, draws) == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("estimator", ["nrg", "fair"])
def test_energy_score_equals_scoringrules(rng, estimator):
    sr = pytest.importorskip("scoringrules")
    y, draws = rng.normal(size=(25, 3)), rng.normal(size=(25, 9, 3))
    w = rng.uniform(size=25)
    expected = np.average(sr.es_ensemble(y, draws, estimator=estimator), weights=w)
    got = energy_score(y, draws, estimator=estimator, sample_weight=w)
    assert got == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_variogram_score_equals_scoringrules(rng, p, weighted):
    # Same convention: a sum over all ordered pairs (i, j), w[i, j] weighing each;
    # scoringrules' default estimator "nrg" is the plain Scheuerer-Hamill score.
    sr = pytest.importorskip("scoringrules")
    y, draws = rng.normal(size=(20, 4)), rng.normal(size=(20, 7, 4))
    pair = rng.uniform(size=(4, 4)) if weighted else None
    expected = np.mean(sr.vs_ensemble(y, draws, w=pair, p=p))
    got = variogram_score(y, draws, p=p, weights=pair)
    assert got == pytest.approx(expected, rel=RTOL)


@pytest.mark.parametrize("coverage", [0.5, 0.9])
def test_interval_score_equals_scoringrules(rng, coverage):
    # scoringrules' alpha is the miss rate 1 - coverage of the central interval.
    sr = pytest.importorskip("scoringrules")
    y = rng.normal(size=70)
    bounds = np.sort(rng.normal(size=(70, 2)), axis=1)
    expected = np.mean(sr.interval_score(y, bounds[:, 0], bounds[:, 1], 1 - coverage))
    got = interval_score(y, bounds, coverage=coverage)
    assert got == pytest.approx(expected, rel=RTOL)


def test_interval_score_per_level_equals_scoringrules(rng):
    sr = pytest.importorskip("scoringrules")
    coverage = np.array([0.5, 0.8, 0.95])
    y = rng.normal(size=70)
    bounds = np.sort(rng.normal(size=(70, 2, 3)), axis=1)
    expected = np.mean(
        sr.interval_score(y, bounds[:, 0], bounds[:, 1], 1 - coverage), axis=0
    )
    got = interval_score(y, bounds, coverage=coverage, multilevel="raw_values")
    np.testing.assert_allclose(got, expected, rtol=RTOL)
