"""ConformalQuantileRegressor: the level map, its coverage guarantee, and plumbing."""

import pickle
import re

import numpy as np
import pytest
from scipy import stats
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split

from skquantile import ConformalQuantileRegressor, IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.utils._sklearn_compat import InvalidParameterError
from skquantile.utils._validation import seed_from

LEVELS = np.round(np.arange(0.05, 0.951, 0.05), 2)


def small_model(**params):
    defaults = {"hidden_layer_sizes": (32,), "max_epochs": 30, "random_state": 0}
    return IncrementalQuantileRegressor(**{**defaults, **params})


@pytest.fixture(scope="module")
def overconfident():
    """A deliberately misspecified fit: trained on data with 0.4 x the noise of the
    data it is calibrated and tested on, so its intervals are far too narrow."""
    X, y = make_heteroscedastic(n_samples=1500, noise=0.4, random_state=1)
    return small_model().fit(X, y)


def coverage_by_level(model, X, y, levels=LEVELS):
    return (y[:, None] <= model.predict_quantile(X, levels)).mean(axis=0)


def test_calibration_rows_are_ranked_exactly(overconfident):
    # With q~(alpha) = q(G(alpha)) and alpha between k / (n + 1) and (k + 1) / (n + 1),
    # exactly k of the n calibration rows lie at or below their recalibrated quantile:
    # the finite-sample identity behind the guarantee.
    X, y = make_heteroscedastic(n_samples=199, random_state=2)
    model = ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(X, y)
    n = model.n_calibration_
    assert n == 199
    for k in [0, 1, 10, 100, 150, 198, 199]:
        alpha = (k + 0.5) / (n + 1)
        assert int((y <= model.predict_quantile(X, alpha)).sum()) == k


def test_map_breakpoints(overconfident):
    X, y = make_heteroscedastic(n_samples=99, random_state=3)
    model = ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(X, y)
    np.testing.assert_allclose(
        model.calibration_levels_, np.arange(101) / 100, rtol=0, atol=1e-15
    )
    pit = np.sort(overconfident.predict_cdf(X, y))
    np.testing.assert_array_equal(model.calibration_pit_[1:-1], pit)
    assert model.calibration_pit_[0] == 0 and model.calibration_pit_[-1] == 1


def test_quantile_and_cdf_are_inverse(overconfident):
    X, y = make_heteroscedastic(n_samples=300, random_state=4)
    model = ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(X, y)
    alpha = np.linspace(0.001, 0.999, 57)
    q = model.predict_quantile(X[:20], alpha)
    assert (np.diff(q, axis=1) >= 0).all()
    np.testing.assert_allclose(
        model.predict_cdf(X[:20], q), alpha[None].repeat(20, 0), atol=1e-8
    )
    cdf = model.predict_cdf(X[:20], y[:20])
    assert cdf.shape == (20,) and ((cdf >= 0) & (cdf <= 1)).all()


def test_recalibration_fixes_a_misspecified_fit(overconfident):
    # 2,000 calibration and 4,000 test rows. The coverage error of one level has
    # standard error at most sqrt(0.25 / 4000 + 0.25 / 2000) = 0.0137 (test and
    # calibration rows, plus 1 / 2001 of conformal slack); 0.06 is 4.4 of them, a
    # false-failure rate of ~1e-5 per level for a random seed (the seeds are fixed).
    X_cal, y_cal = make_heteroscedastic(n_samples=2000, random_state=5)
    X_new, y_new = make_heteroscedastic(n_samples=4000, random_state=6)
    before = coverage_by_level(overconfident, X_new, y_new)
    assert np.abs(before - LEVELS).max() > 0.08  # measured: 0.0995
    model = ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(X_cal, y_cal)
    after = coverage_by_level(model, X_new, y_new)
    assert np.abs(after - LEVELS).max() < 0.06
    interval = model.predict_interval(X_new, 0.9)
    inside = (interval[:, 0] <= y_new) & (y_new <= interval[:, 1])
    assert abs(inside.mean() - 0.9) < 0.06


@pytest.mark.slow
def test_every_level_within_two_points_after_calibration(overconfident):
    # The acceptance check: 10,000 calibration rows, 20,000 new rows, every level
    # 0.05, ..., 0.95 within +-0.02. Standard error per level at most
    # sqrt(0.25 / 20000 + 0.25 / 10000) = 0.0061, so 0.02 is 3.3 of them (false
    # failure ~1e-3 per level for a random seed; the seeds are fixed).
    X_cal, y_cal = make_heteroscedastic(n_samples=10_000, random_state=7)
    X_new, y_new = make_heteroscedastic(n_samples=20_000, random_state=8)
    before = coverage_by_level(overconfident, X_new, y_new)
    model = ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(X_cal, y_cal)
    after = coverage_by_level(model, X_new, y_new)
    print("level   before  after")
    for level, b, a in zip(LEVELS, before, after):
        print(f"{level:.2f}  {b:.4f}  {a:.4f}")
    assert np.abs(before - LEVELS).max() > 0.02
    assert np.abs(after - LEVELS).max() <= 0.02


def test_split_mode_fits_a_clone_and_is_reproducible():
    X, y = make_heteroscedastic(n_samples=200, random_state=9)
    base = small_model(max_epochs=5)
    a = ConformalQuantileRegressor(base, calibration_size=50, random_state=0).fit(X, y)
    b = ConformalQuantileRegressor(base, calibration_size=50, random_state=0).fit(X, y)
    assert a.n_calibration_ == 50 and a.estimator_ is not base
    assert not hasattr(base, "net_")  # the given estimator is never fitted
    np.testing.assert_array_equal(a.calibration_pit_, b.calibration_pit_)
    np.testing.assert_array_equal(
        a.predict_quantile(X, LEVELS), b.predict_quantile(X, LEVELS)
    )
    c = ConformalQuantileRegressor(base, calibration_size=0.3, random_state=0).fit(X, y)
    assert c.n_calibration_ == 60
    assert ConformalQuantileRegressor(base).fit(X, y).n_calibration_ == 50


def test_split_mode_calibrates_on_held_out_rows():
    # Default split mode: the clone is fitted on one part and the map is built from
    # the PIT values of exactly the other part (the split is reproducible from the
    # seed). Coverage on 4,000 new rows: per-level standard error at most
    # sqrt(0.25 / 4000 + 0.25 / 1500) = 0.0148; 0.06 is 4 of them (false failure
    # ~6e-5 per level for a random seed; the seeds are fixed).
    X, y = make_heteroscedastic(n_samples=3000, random_state=15)
    X_new, y_new = make_heteroscedastic(n_samples=4000, random_state=16)
    model = ConformalQuantileRegressor(
        small_model(max_epochs=3), calibration_size=0.5, random_state=0
    ).fit(X, y)
    assert model.n_calibration_ == 1500
    _, X_cal, _, y_cal = train_test_split(
        X, y, test_size=0.5, random_state=seed_from(0) % 2**32
    )
    pit = np.sort(model.estimator_.predict_cdf(X_cal, y_cal))
    np.testing.assert_array_equal(model.calibration_pit_[1:-1], pit)
    after = coverage_by_level(model, X_new, y_new)
    assert np.abs(after - LEVELS).max() < 0.06


def test_negative_weights_are_rejected(overconfident):
    X, y = make_heteroscedastic(n_samples=20, random_state=17)
    w = np.ones(20)
    w[3] = -1.0
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(
            X, y, sample_weight=w
        )


def test_frozen_estimator_is_not_refitted(overconfident):
    X, y = make_heteroscedastic(n_samples=100, random_state=10)
    frozen = FrozenEstimator(overconfident)
    model = ConformalQuantileRegressor(frozen).fit(X, y)
    assert model.estimator_ is frozen and frozen.estimator is overconfident
    assert model.n_calibration_ == 100


def test_sample_weight_of_ones_and_zeros(overconfident):
    X, y = make_heteroscedastic(n_samples=120, random_state=11)
    frozen = FrozenEstimator(overconfident)
    plain = ConformalQuantileRegressor(frozen).fit(X, y)
    ones = ConformalQuantileRegressor(frozen).fit(X, y, sample_weight=np.ones(120))
    np.testing.assert_array_equal(plain.calibration_levels_, ones.calibration_levels_)
    w = np.ones(120)
    w[:20] = 0
    dropped = ConformalQuantileRegressor(frozen).fit(X, y, sample_weight=w)
    subset = ConformalQuantileRegressor(frozen).fit(X[20:], y[20:])
    np.testing.assert_allclose(
        dropped.calibration_levels_, subset.calibration_levels_, rtol=1e-14
    )
    np.testing.assert_array_equal(dropped.calibration_pit_, subset.calibration_pit_)


def test_sample_follows_the_recalibrated_law(overconfident):
    X_cal, y_cal = make_heteroscedastic(n_samples=500, random_state=12)
    model = ConformalQuantileRegressor(FrozenEstimator(overconfident)).fit(X_cal, y_cal)
    X = X_cal[:3]
    draws = model.sample(X, n_samples=4000, random_state=0)
    assert draws.shape == (3, 4000)
    np.testing.assert_array_equal(
        draws, model.sample(X, n_samples=4000, random_state=0)
    )
    # Draws and CDF agree: the recalibrated CDF of the draws is uniform (a sampler
    # that skipped the level map G would give G^-1(U), far from uniform for this
    # overconfident model). KS p > 1e-3 fails with probability 1e-3 per row for a
    # random seed (fixed here).
    pit = model.predict_cdf(X, draws)
    for row in pit:
        assert stats.kstest(row, "uniform").pvalue > 1e-3
    # Per-row levels: each row gets its own service level.
    per_row = model.predict_quantile(X, np.array([[0.9], [0.5], [0.1]]))[:, 0]
    np.testing.assert_array_equal(
        per_row, np.diag(model.predict_quantile(X, [0.9, 0.5, 0.1]))
    )


def test_pandas_and_pickle(overconfident):
    pd = pytest.importorskip("pandas")
    X, y = make_heteroscedastic(n_samples=200, random_state=13)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    model = ConformalQuantileRegressor(small_model(max_epochs=3), random_state=0)
    model.fit(frame, pd.Series(y))
    assert list(model.feature_names_in_) == list(frame.columns)
    q = model.predict_quantile(frame, LEVELS)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict_quantile(frame, LEVELS), q)
    assert 0 < model.score(frame, y) < 1


def test_errors():
    X, y = make_heteroscedastic(n_samples=50, random_state=14)
    with pytest.raises(NotFittedError):
        ConformalQuantileRegressor().predict_quantile(X, 0.5)
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        ConformalQuantileRegressor(LinearRegression()).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'calibration_size' parameter"):
        ConformalQuantileRegressor(calibration_size=1.5).fit(X, y)
    msg = "ConformalQuantileRegressor needs at least 2 rows, to fit and to calibrate; got 1 sample."
    with pytest.raises(ValueError, match=re.escape(msg)):
        ConformalQuantileRegressor(small_model()).fit(X[:1], y[:1])
    model = ConformalQuantileRegressor(small_model(max_epochs=2), random_state=0).fit(
        X, y
    )
    msg = (
        "alpha must lie in the open interval (0, 1); got 95.0. Use a level such as "
        "0.001 or 0.999 for an extreme quantile. Levels are fractions: did you mean 0.95?"
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.predict_quantile(X, 95)
    with pytest.raises(
        ValueError, match=re.escape("y must not contain NaN; got NaN at index (0,).")
    ):
        model.predict_cdf(X, np.full(50, np.nan))
    with pytest.raises(NotFittedError):
        ConformalQuantileRegressor(FrozenEstimator(small_model())).fit(X, y)
