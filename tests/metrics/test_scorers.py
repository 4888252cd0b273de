"""Scorers: values against the metrics, validation at construction, GridSearchCV."""

import pickle
import re

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV
from sklearn.utils.validation import check_is_fitted

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.metrics import (
    crps_scorer,
    energy_scorer,
    interval_coverage,
    make_coverage_scorer,
    make_pinball_scorer,
    mean_pinball_loss,
)


class _FixedForecast:
    """Test double: the same quantiles and intervals, whatever X."""

    def __init__(self, quantiles, intervals):
        self.quantiles, self.intervals = quantiles, intervals
        self.calls = []

    def predict_quantile(self, X, alpha):
        self.calls.append(("predict_quantile", alpha))
        return self.quantiles

    def predict_interval(self, X, coverage):
        self.calls.append(("predict_interval", coverage))
        return self.intervals


class _FixedEnergy:
    """Test double for a multivariate estimator: given per-row energy scores."""

    def __init__(self, scores):
        self.scores = scores

    def energy_score(self, X, y):
        assert len(X) == len(y) == len(self.scores)
        return self.scores


@pytest.fixture
def rows():
    rng = np.random.default_rng(0)
    return np.zeros((6, 1)), rng.normal(size=6)


def test_energy_scorer_is_minus_the_mean(rows):
    X, _ = rows
    y = np.zeros((6, 2))
    scores = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 9.0])
    assert energy_scorer(_FixedEnergy(scores), X, y) == -4.0


def test_pinball_scorer_negates_the_loss_at_its_levels(rows):
    X, y = rows
    quantiles = np.sort(np.random.default_rng(1).normal(size=(6, 2)), axis=1)
    estimator = _FixedForecast(quantiles, None)
    scorer = make_pinball_scorer([0.1, 0.9])
    expected = -mean_pinball_loss(y, quantiles, alpha=[0.1, 0.9])
    assert scorer(estimator, X, y) == expected
    assert estimator.calls == [("predict_quantile", [0.1, 0.9])]
    single = make_pinball_scorer(0.9)
    expected = -mean_pinball_loss(y, quantiles[:, 1], alpha=0.9)
    assert single(_FixedForecast(quantiles[:, 1], None), X, y) == expected


def test_coverage_scorer_is_minus_the_coverage_gap(rows):
    X, y = rows
    # y at rows 0..5 against [-10, 10] (covers all) and [0, 0] (covers none).
    intervals = np.array([[-10.0, 10.0]] * 6)
    assert make_coverage_scorer(0.8)(_FixedForecast(None, intervals), X, y) == (
        pytest.approx(-0.2)
    )
    both = np.stack([intervals, np.zeros((6, 2))], axis=-1)
    estimator = _FixedForecast(None, both)
    # Gaps |1 - 0.8| and |0 - 0.5|, averaged: 0.35.
    assert make_coverage_scorer([0.8, 0.5])(estimator, X, y) == pytest.approx(-0.35)
    assert estimator.calls == [("predict_interval", [0.8, 0.5])]
    assert interval_coverage(y, both).tolist() == [1.0, 0.0]


def test_scorers_have_readable_reprs_and_pickle():
    pinball, coverage = make_pinball_scorer([0.1, 0.9]), make_coverage_scorer(0.8)
    assert repr(pinball) == "make_pinball_scorer(alpha=[0.1, 0.9])"
    assert repr(coverage) == "make_coverage_scorer(coverage=0.8)"
    assert repr(pickle.loads(pickle.dumps(pinball))) == repr(pinball)
    assert repr(make_pinball_scorer(np.float32(0.5))) == (
        "make_pinball_scorer(alpha=0.5)"
    )


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: make_pinball_scorer([0.1, 1.0]),
            "alpha must lie in the open interval (0, 1); got 1.0 at index (1,). Use "
            "a level such as 0.001 or 0.999 for an extreme quantile.",
        ),
        (
            lambda: make_coverage_scorer(90),
            "coverage must lie in the open interval (0, 1); got 90.0. Use for example "
            "coverage=0.9. Levels are fractions: did you mean 0.9?",
        ),
    ],
)
def test_levels_are_checked_at_construction(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_multi_metric_grid_search_refits_on_crps():
    X, y = make_heteroscedastic(n_samples=150, random_state=0)
    model = IncrementalQuantileRegressor(
        hidden_layer_sizes=(8,), max_epochs=3, knots=5, random_state=0
    )
    scoring = {
        "crps": crps_scorer,
        "pinball": make_pinball_scorer([0.1, 0.9]),
        "coverage": make_coverage_scorer(0.8),
    }
    search = GridSearchCV(
        model,
        {"learning_rate": [1e-3, 3e-2]},
        scoring=scoring,
        refit="crps",
        cv=2,
    ).fit(X, y)
    for name in scoring:
        values = search.cv_results_[f"mean_test_{name}"]
        assert values.shape == (2,) and np.isfinite(values).all()
    assert (search.cv_results_["mean_test_crps"] < 0).all()
    assert (search.cv_results_["mean_test_coverage"] <= 0).all()
    assert search.best_index_ == np.argmax(search.cv_results_["mean_test_crps"])
    check_is_fitted(search.best_estimator_)
    assert search.best_estimator_.n_features_in_ == X.shape[1]
    assert search.best_estimator_ is not model
    assert search.best_estimator_.learning_rate == search.best_params_["learning_rate"]


def test_scorers_score_the_last_step_of_a_pipeline():
    # A Pipeline does not expose crps / predict_quantile / predict_interval of its
    # last step: the scorers transform X with the earlier steps and ask the model.
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = make_heteroscedastic(n_samples=150, random_state=1)
    X = X * 100 + 5
    model = IncrementalQuantileRegressor(
        hidden_layer_sizes=(8,), max_epochs=3, knots=5, random_state=0
    )
    pipe = make_pipeline(StandardScaler(), model).fit(X, y)
    Xt = pipe[:-1].transform(X)
    fitted = pipe[-1]
    assert crps_scorer(pipe, X, y) == -np.mean(fitted.crps(Xt, y))
    pinball = make_pinball_scorer([0.1, 0.9])
    assert pinball(pipe, X, y) == pinball(fitted, Xt, y)
    coverage = make_coverage_scorer(0.8)
    assert coverage(pipe, X, y) == coverage(fitted, Xt, y)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), model),
        {"incrementalquantileregressor__learning_rate": [1e-3, 3e-2]},
        scoring=crps_scorer,
        cv=2,
    ).fit(X, y)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
