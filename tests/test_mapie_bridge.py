"""MAPIE conformalizes a fitted IncrementalQuantileRegressor through public APIs only.

The documented routes, all in user code (skquantile holds nothing MAPIE-specific):

- ``SplitConformalRegressor(estimator=model, prefit=True)`` takes the fitted model as
  is: a score around its median (``predict``), here "absolute" and
  "residual_normalized".
- ``ConformalizedQuantileRegressor(prefit=True)`` takes three fitted estimators whose
  ``predict`` gives the lower, upper and median quantiles; ``QuantileLevel`` below
  serves one level of the one model.

One model is fitted on 1,000 rows (module-scoped, never refitted), MAPIE conformalizes
on the next 1,000 and the coverage is measured on the last 1,000.

Coverage tolerance. ``TEST_FAILURE_RATE`` is the one-sided chance that a correct
route fails its coverage assertion for a random seed (the seeds here are fixed). Split
conformal coverage is at least ``1 - ALPHA`` on average over calibration sets (and at
most ``1 - ALPHA + 1 / (n + 1)``: that finite-sample slack only lies above). Its
spread has two parts: the binomial error of ``N_TEST`` held-out rows,
``sqrt(ALPHA (1 - ALPHA) / N_TEST)``, and the spread of the coverage given one
calibration set of n rows, a Beta law of standard deviation
``sqrt(ALPHA (1 - ALPHA) / (n + 2))`` per score quantile. Two one-sided quantiles at
``ALPHA / 2`` each (CQR's asymmetric correction) are bounded by the sum of their
standard deviations. The tolerance is ``z(TEST_FAILURE_RATE)`` times the combined
standard deviation: 0.041 for 1,000 calibration rows and one quantile, 0.045 for the
750 rows "residual_normalized" keeps after fitting its residual model, 0.052 for two
one-sided quantiles.
"""

import warnings

import numpy as np
import pytest
from scipy.stats import norm
from sklearn.base import BaseEstimator, RegressorMixin

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic

mapie = pytest.importorskip("mapie")

TEST_FAILURE_RATE = 1e-3
ALPHA = 0.1
N_FIT, N_CALIBRATION, N_TEST = 1000, 1000, 1000


def coverage_tolerance(n_calibration, n_quantiles=1):
    """How far below ``1 - ALPHA`` a correct interval's held-out coverage may fall."""
    tail = ALPHA / n_quantiles
    calibration_sd = n_quantiles * np.sqrt(tail * (1 - tail) / (n_calibration + 2))
    test_sd = np.sqrt(ALPHA * (1 - ALPHA) / N_TEST)
    return norm.isf(TEST_FAILURE_RATE) * np.hypot(calibration_sd, test_sd)


def held_out_coverage(intervals, y):
    lower, upper = intervals[:, 0, 0], intervals[:, 1, 0]
    return np.mean((lower <= y) & (y <= upper))


class QuantileLevel(RegressorMixin, BaseEstimator):
    """One level of a fitted distributional regressor, served as ``predict``.

    User code, as in the documentation. MAPIE's prefit mode never calls ``fit``, but
    checks that it exists; it looks for a fitted attribute such as ``n_features_in_``
    (here the model's) and, when there is one, calls ``predict`` on one row of zeros.
    """

    def __init__(self, model, level):
        self.model = model
        self.level = level

    def fit(self, X, y):
        # Frozen, as sklearn.frozen.FrozenEstimator: the wrapped model is fitted.
        return self

    def predict(self, X):
        return self.model.predict_quantile(X, self.level)

    @property
    def n_features_in_(self):
        return self.model.n_features_in_


@pytest.fixture(scope="module")
def splits():
    X, y = make_heteroscedastic(
        n_samples=N_FIT + N_CALIBRATION + N_TEST, random_state=0
    )
    edges = [N_FIT, N_FIT + N_CALIBRATION]
    return list(zip(np.split(X, edges), np.split(y, edges)))


@pytest.fixture(scope="module")
def fitted(splits):
    (X, y), _, _ = splits
    model = IncrementalQuantileRegressor(
        hidden_layer_sizes=(32,), max_epochs=30, random_state=0
    )
    return model.fit(X, y)


# ------------------------------------------------------ SplitConformalRegressor
@pytest.mark.parametrize(
    "conformity_score, n_calibration",
    [
        ("absolute", N_CALIBRATION),
        # Fits its residual model on a quarter of the conformalization rows.
        (mapie.conformity_scores.ResidualNormalisedScore(random_state=0), 750),
    ],
    ids=["absolute", "residual_normalized"],
)
def test_split_conformal_takes_the_fitted_model_as_is(
    fitted, splits, conformity_score, n_calibration
):
    _, (X_cal, y_cal), (X_test, y_test) = splits
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # MAPIE's fitted check passes silently
        mapie_model = mapie.regression.SplitConformalRegressor(
            estimator=fitted,
            confidence_level=1 - ALPHA,
            conformity_score=conformity_score,
            prefit=True,
        ).conformalize(X_cal, y_cal)
        points, intervals = mapie_model.predict_interval(X_test)

    assert points.shape == (N_TEST,)
    assert intervals.shape == (N_TEST, 2, 1)
    np.testing.assert_allclose(points, fitted.predict(X_test))
    assert np.all(intervals[:, 0, 0] <= points) and np.all(points <= intervals[:, 1, 0])
    coverage = held_out_coverage(intervals, y_test)
    assert coverage >= 1 - ALPHA - coverage_tolerance(n_calibration)


def test_split_conformal_several_confidence_levels(fitted, splits):
    _, (X_cal, y_cal), (X_test, _) = splits
    mapie_model = mapie.regression.SplitConformalRegressor(
        estimator=fitted, confidence_level=[0.5, 0.9], prefit=True
    ).conformalize(X_cal, y_cal)
    _, intervals = mapie_model.predict_interval(X_test)
    assert intervals.shape == (N_TEST, 2, 2)
    assert np.all(intervals[:, 0, 1] <= intervals[:, 0, 0])
    assert np.all(intervals[:, 1, 0] <= intervals[:, 1, 1])


# ----------------------------------------------- ConformalizedQuantileRegressor
@pytest.mark.parametrize("symmetric_correction", [False, True])
def test_cqr_takes_one_model_as_its_three_quantile_estimators(
    fitted, splits, symmetric_correction
):
    _, (X_cal, y_cal), (X_test, y_test) = splits
    levels = [ALPHA / 2, 1 - ALPHA / 2, 0.5]  # MAPIE's order: lower, upper, median
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mapie_model = mapie.regression.ConformalizedQuantileRegressor(
            [QuantileLevel(fitted, level) for level in levels],
            confidence_level=1 - ALPHA,
            prefit=True,
        ).conformalize(X_cal, y_cal)
        points, intervals = mapie_model.predict_interval(
            X_test, symmetric_correction=symmetric_correction
        )

    assert points.shape == (N_TEST,)
    assert intervals.shape == (N_TEST, 2, 1)
    quantiles = fitted.predict_quantile(X_test, levels)
    np.testing.assert_allclose(points, quantiles[:, 2])
    # CQR moves the model's own quantiles by one constant per side.
    shift = intervals[:, :, 0] - quantiles[:, :2]
    np.testing.assert_allclose(shift, np.broadcast_to(shift[0], shift.shape), atol=1e-9)
    coverage = held_out_coverage(intervals, y_test)
    n_quantiles = 1 if symmetric_correction else 2
    assert coverage >= 1 - ALPHA - coverage_tolerance(N_CALIBRATION, n_quantiles)
