"""Behaviour of IncrementalQuantileRegressor as a user sees it.

Fitted estimators are module-scoped fixtures, never refitted or mutated. Small
configurations (few epochs, small trunks) keep the suite fast; the statistical
calibration test is marked ``slow``.
"""

import pickle
import re

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.metrics import crps_scorer
from skquantile.utils._sklearn_compat import InvalidParameterError

FAST = dict(hidden_layer_sizes=(16,), max_epochs=5, random_state=0)


@pytest.fixture(scope="module")
def data():
    return make_heteroscedastic(n_samples=300, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return IncrementalQuantileRegressor(**FAST).fit(X, y)


# ----------------------------------------------------------------- acceptance
def test_no_crossing_and_cdf_inverts_quantile(fitted, data):
    X, _ = data
    levels = np.linspace(1e-6, 1 - 1e-6, 999)
    q = fitted.predict_quantile(X, levels)
    assert np.all(np.diff(q, axis=1) >= 0)
    np.testing.assert_allclose(
        fitted.predict_cdf(X, q), np.broadcast_to(levels, q.shape), atol=1e-6
    )


def test_quantile_at_cdf_returns_y(fitted, data):
    X, y = data
    F = fitted.predict_cdf(X, y)
    assert np.all((F > 0) & (F < 1))
    np.testing.assert_allclose(
        fitted.predict_quantile(X[:1], F[:1]), y[:1, None], rtol=1e-8
    )
    back = np.array([fitted.predict_quantile(X[i : i + 1], F[i])[0] for i in range(20)])
    np.testing.assert_allclose(back, y[:20], rtol=1e-8, atol=1e-8)


# --------------------------------------------------------------------- shapes
@pytest.mark.parametrize(
    "method, arg, shape",
    [
        ("predict_quantile", 0.3, (7,)),
        ("predict_quantile", [0.3], (7, 1)),
        ("predict_quantile", [0.1, 0.5, 0.9], (7, 3)),
        ("predict_interval", 0.8, (7, 2)),
        ("predict_interval", [0.5, 0.8], (7, 2, 2)),
        ("predict_cdf", 0.0, (7,)),
        ("predict_cdf", np.zeros(7), (7,)),
        ("predict_cdf", np.zeros((7, 4)), (7, 4)),
        ("predict_pdf", 0.0, (7,)),
        ("predict_pdf", np.zeros((7, 4)), (7, 4)),
    ],
)
def test_shapes_depend_only_on_argument_types(fitted, data, method, arg, shape):
    X, _ = data
    out = getattr(fitted, method)(X[:7], arg)
    assert out.shape == shape
    assert out.dtype == np.float64


def test_point_and_sample_shapes(fitted, data):
    X, y = data
    assert fitted.predict(X[:7]).shape == (7,)
    assert fitted.predict_mean(X[:7]).shape == (7,)
    assert fitted.sample(X[:7], n_samples=5, random_state=0).shape == (7, 5)
    assert fitted.crps(X[:7], y[:7]).shape == (7,)
    assert isinstance(fitted.score(X, y), float)


def test_interval_bounds_are_the_central_quantiles(fitted, data):
    X, _ = data
    interval = fitted.predict_interval(X[:9], coverage=0.8)
    np.testing.assert_allclose(interval[:, 0], fitted.predict_quantile(X[:9], 0.1))
    np.testing.assert_allclose(interval[:, 1], fitted.predict_quantile(X[:9], 0.9))


def test_median_mean_and_samples_agree(fitted, data):
    X, _ = data
    draws = fitted.sample(X[:3], n_samples=20_000, random_state=1)
    # 20,000 draws: the sample median is within ~4 standard errors of the median
    # (false-failure rate below 1e-4 per row).
    pdf_at_median = fitted.predict_pdf(X[:3], fitted.predict(X[:3]))
    se = 1 / (2 * pdf_at_median * np.sqrt(draws.shape[1]))
    assert np.all(np.abs(np.median(draws, axis=1) - fitted.predict(X[:3])) < 4 * se)
    se_mean = draws.std(axis=1) / np.sqrt(draws.shape[1])
    assert np.all(np.abs(draws.mean(axis=1) - fitted.predict_mean(X[:3])) < 5 * se_mean)


# ------------------------------------------------------ reproducibility & io
def test_same_random_state_gives_identical_fits(data):
    X, y = data
    a = IncrementalQuantileRegressor(**FAST).fit(X, y)
    b = IncrementalQuantileRegressor(**FAST).fit(X, y)
    np.testing.assert_array_equal(
        a.predict_quantile(X, [0.1, 0.5, 0.9]), b.predict_quantile(X, [0.1, 0.5, 0.9])
    )
    np.testing.assert_array_equal(
        a.sample(X, 3, random_state=2), b.sample(X, 3, random_state=2)
    )


def test_global_rng_states_are_untouched(data):
    X, y = data
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    model = IncrementalQuantileRegressor(**FAST).fit(X, y)
    model.sample(X, 2, random_state=None)
    model.partial_fit(X, y)
    assert np.array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_random_state_generator_and_randomstate(data):
    X, y = data
    for rs in (np.random.RandomState(3), np.random.default_rng(3)):
        params = {**FAST, "random_state": rs, "max_epochs": 1}
        IncrementalQuantileRegressor(**params).fit(X, y).predict(X[:2])


def test_pickle_round_trip(fitted, data):
    X, _ = data
    clone = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        clone.predict_quantile(X, [0.05, 0.95]),
        fitted.predict_quantile(X, [0.05, 0.95]),
    )


def test_pandas_input_sets_feature_names(data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    model = IncrementalQuantileRegressor(**FAST).fit(frame, pd.Series(y))
    assert list(model.feature_names_in_) == list(frame.columns)
    q = model.predict_quantile(frame, [0.2, 0.8])
    assert isinstance(q, np.ndarray) and q.dtype == np.float64
    np.testing.assert_array_equal(
        q,
        IncrementalQuantileRegressor(**FAST).fit(X, y).predict_quantile(X, [0.2, 0.8]),
    )


# ---------------------------------------------------------- sklearn composition
def test_pipeline(data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), IncrementalQuantileRegressor(**FAST)).fit(
        X, y
    )
    assert pipe.predict(X).shape == (X.shape[0],)
    assert pipe[-1].predict_quantile(pipe[0].transform(X), [0.1, 0.9]).shape == (
        X.shape[0],
        2,
    )


@pytest.mark.parametrize("scoring", [None, crps_scorer])
def test_grid_search(data, scoring):
    X, y = data
    search = GridSearchCV(
        IncrementalQuantileRegressor(**FAST),
        {"n_pieces": [1, 2]},
        scoring=scoring,
        cv=KFold(2),
    ).fit(X, y)
    assert search.best_params_["n_pieces"] in (1, 2)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()


def test_score_is_d2_crps(fitted, data):
    from skquantile.metrics import crps_reference

    X, y = data
    expected = 1 - fitted.crps(X, y).sum() / crps_reference(y).sum()
    assert fitted.score(X, y) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------- training
def test_user_module_class_and_instance_are_not_mutated(data):
    X, y = data

    class Trunk(torch.nn.Sequential):
        def __init__(self):
            super().__init__(torch.nn.Linear(5, 8), torch.nn.Tanh())

    trunk = Trunk()
    before = {k: v.clone() for k, v in trunk.state_dict().items()}
    model = IncrementalQuantileRegressor(
        module=trunk, max_epochs=3, random_state=0
    ).fit(X, y)
    for k, v in trunk.state_dict().items():
        assert torch.equal(v, before[k])
    assert model.net_.module_.trunk is not trunk
    model_cls = IncrementalQuantileRegressor(module=Trunk, max_epochs=2, random_state=0)
    assert model_cls.fit(X, y).predict(X[:3]).shape == (3,)


def test_sample_weight_moves_the_distribution():
    X = np.zeros((400, 2))
    y = np.r_[np.zeros(200), np.full(200, 10.0)]
    w = np.r_[np.zeros(200), np.ones(200)]
    params = dict(hidden_layer_sizes=(), max_epochs=40, random_state=0)
    median = (
        IncrementalQuantileRegressor(**params).fit(X, y, sample_weight=w).predict(X[:1])
    )
    unweighted = IncrementalQuantileRegressor(**params).fit(X, y).predict(X[:1])
    assert median[0] > 9.0
    assert abs(unweighted[0] - 5.0) < 4.0


def test_verbose_prints_one_line_per_epoch(data, capsys):
    X, y = data
    params = {**FAST, "max_epochs": 3, "verbose": 1, "early_stopping": False}
    IncrementalQuantileRegressor(**params).fit(X, y)
    out = capsys.readouterr().out
    assert "train_crps" in out
    assert len(re.findall(r"^\s+\d+\s+\d", out, flags=re.M)) == 3


def test_small_data_refits_on_all_rows_for_the_chosen_epochs(data, capsys):
    X, y = data
    params = {**FAST, "max_epochs": 40, "verbose": 1}
    model = IncrementalQuantileRegressor(**params).fit(X, y)
    out = capsys.readouterr().out
    # The selection run logs 4 columns (with valid_crps), the refit 3.
    selection = re.findall(r"^\s+(\d+)\s+\S+\s+(\S+)\s+\S+$", out, re.M)
    assert f"Refitting on all 300 rows for {model.n_iter_} epochs" in out
    valid = [float(v) for _, v in selection]
    best = int(np.argmin(valid)) + 1
    assert model.n_iter_ == best
    assert "valid_loss" not in model.net_.history[-1]


def test_early_stopping_stops_and_restores_best(data):
    X, y = data
    model = IncrementalQuantileRegressor(
        hidden_layer_sizes=(16,),
        early_stopping=True,
        n_iter_no_change=2,
        max_epochs=200,
        learning_rate=0.05,
        random_state=0,
    ).fit(X, y)
    history = model.net_.history
    assert model.n_iter_ < 200
    best = min(history[:, "valid_loss"])
    Xv = model.standardizer_.transform_X(X)
    assert "valid_crps" in history[-1]
    assert best == pytest.approx(
        min(history[:, "valid_crps"]) / model.y_scale_, rel=1e-9
    )
    assert Xv.shape == X.shape


def test_partial_fit_initialises_then_continues(data):
    X, y = data
    model = IncrementalQuantileRegressor(**FAST)
    model.partial_fit(X[:150], y[:150])
    loc, scale = model.y_loc_, model.y_scale_
    assert model.n_iter_ == 1
    model.partial_fit(X[150:], y[150:] + 100)
    assert model.n_iter_ == 2
    assert (model.y_loc_, model.y_scale_) == (loc, scale)


class _AlwaysNaN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(5, 4)

    def forward(self, X):
        return self.linear(X) * float("nan")


def _nan_message(epoch, lr=0.001):
    return (
        f"The training loss became non-finite (nan) at epoch {epoch}. Try a lower "
        f"learning_rate (got {lr!r}), or check that y holds no extreme outliers; the "
        "estimator was left as it was before this call."
    )


def test_non_finite_loss_raises_and_leaves_unfitted(data):
    X, y = data
    model = IncrementalQuantileRegressor(
        module=_AlwaysNaN, max_epochs=3, random_state=0
    )
    with pytest.raises(RuntimeError, match=re.escape(_nan_message(1))):
        model.fit(X, y)
    assert not hasattr(model, "net_")
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_partial_fit_non_finite_restores_previous_state(data):
    X, y = data
    model = IncrementalQuantileRegressor(**FAST).partial_fit(X, y)
    before = model.predict_quantile(X, [0.1, 0.9])
    n_iter = model.n_iter_
    bad_y = y.copy()
    bad_y[0] = 1e300  # finite input whose standardised value overflows float32
    with pytest.raises(RuntimeError, match="non-finite"):
        model.partial_fit(X, bad_y)
    np.testing.assert_array_equal(model.predict_quantile(X, [0.1, 0.9]), before)
    assert model.n_iter_ == n_iter
    assert len(model.net_.history) == n_iter


# ------------------------------------------------------------ target scaling
def test_constant_target_gives_constant_quantiles():
    X, _ = make_heteroscedastic(n_samples=100, random_state=1)
    y = np.full(100, 3.7)
    model = IncrementalQuantileRegressor(**FAST).fit(X, y)
    q = model.predict_quantile(X, [1e-6, 0.01, 0.5, 0.99, 1 - 1e-6])
    np.testing.assert_allclose(q, 3.7, rtol=1e-6)


@pytest.mark.parametrize("factor", [1e12, 1e-12])
def test_scaled_target_scales_quantiles(data, factor):
    X, y = data
    levels = [0.05, 0.5, 0.95]
    unit = IncrementalQuantileRegressor(**FAST).fit(X, y).predict_quantile(X, levels)
    scaled = (
        IncrementalQuantileRegressor(**FAST)
        .fit(X, y * factor)
        .predict_quantile(X, levels)
    )
    # Training runs in float32 on standardised y, identical up to rounding of z.
    np.testing.assert_allclose(
        scaled / factor, unit, rtol=1e-4, atol=1e-4 * np.abs(unit).max()
    )


# --------------------------------------------------------------------- errors
LEVEL_HINT = "Use a level such as 0.001 or 0.999 for an extreme quantile."


@pytest.mark.parametrize(
    "alpha, message",
    [
        (0.0, f"alpha must lie in the open interval (0, 1); got 0.0. {LEVEL_HINT}"),
        (1.0, f"alpha must lie in the open interval (0, 1); got 1.0. {LEVEL_HINT}"),
        (
            np.float64(1.5),
            f"alpha must lie in the open interval (0, 1); got 1.5. {LEVEL_HINT}",
        ),
        (
            95,
            f"alpha must lie in the open interval (0, 1); got 95.0. {LEVEL_HINT} "
            "Levels are fractions: did you mean 0.95?",
        ),
        (
            [0.1, np.nan],
            f"alpha must lie in the open interval (0, 1); got nan at index (1,). {LEVEL_HINT}",
        ),
        ([], "alpha must not be empty."),
        (
            [[[0.1]]],
            "alpha must be at most 2-d; got an array of shape (1, 1, 1).",
        ),
    ],
)
def test_bad_alpha(fitted, data, alpha, message):
    X, _ = data
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.predict_quantile(X, alpha)


def test_bad_coverage(fitted, data):
    X, _ = data
    message = (
        "coverage must lie in the open interval (0, 1); got 90.0. Use for example "
        "coverage=0.9. Levels are fractions: did you mean 0.9?"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.predict_interval(X, 90)


@pytest.mark.parametrize(
    "knots, message",
    [
        (
            [0.5, 0.2],
            "knots must be strictly increasing; got 0.5 at index 0 followed by 0.2. "
            "Sort the levels and drop repeats.",
        ),
        (
            [0.2, 0.2, 0.5],
            "knots must be strictly increasing; got 0.2 at index 0 followed by 0.2. "
            "Sort the levels and drop repeats.",
        ),
        (
            [0.2, 0.2005],
            "knots must be at least 0.001 apart; got 0.2 at index 0 followed by 0.2005. "
            "Sort the levels and drop repeats.",
        ),
        (
            [0.0, 0.5],
            "knots must lie in the open interval (0, 1); got 0.0 at index (0,). Knot "
            "levels are quantile levels such as 0.05.",
        ),
        (
            [0.5, 1.2],
            "knots must lie in the open interval (0, 1); got 1.2 at index (1,). Knot "
            "levels are quantile levels such as 0.05.",
        ),
        (
            [0.5],
            "knots must be an int >= 2 or a 1-d array of at least 2 levels; got shape (1,).",
        ),
    ],
)
def test_bad_knots(data, knots, message):
    X, y = data
    model = IncrementalQuantileRegressor(knots=knots, **FAST)
    with pytest.raises(
        InvalidParameterError,
        match=re.escape(f"The 'knots' parameter is invalid: {message}"),
    ):
        model.fit(X, y)
    assert not hasattr(model, "n_features_in_")


def test_knots_int_gives_even_levels(data):
    X, y = data
    model = IncrementalQuantileRegressor(knots=4, **{**FAST, "max_epochs": 1}).fit(X, y)
    np.testing.assert_allclose(model.knot_levels_, [0.2, 0.4, 0.6, 0.8])


@pytest.mark.parametrize("where", ["X", "y"])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_data_is_rejected(data, where, value):
    X, y = data
    X, y = X.copy(), y.copy()
    (X if where == "X" else y)[3] = value
    name = "Input X" if where == "X" else "Input y"
    kind = "NaN" if np.isnan(value) else "infinity"
    with pytest.raises(ValueError, match=re.escape(f"{name} contains {kind}")):
        IncrementalQuantileRegressor(**FAST).fit(X, y)


def test_empty_and_single_row_are_rejected(data):
    X, y = data
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Found array with 0 sample(s) (shape=(0, 5)) while a minimum of 2 is required by IncrementalQuantileRegressor."
        ),
    ):
        IncrementalQuantileRegressor(**FAST).fit(X[:0], y[:0])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Found array with 1 sample(s) (shape=(1, 5)) while a minimum of 2 is required by IncrementalQuantileRegressor."
        ),
    ):
        IncrementalQuantileRegressor(**FAST).fit(X[:1], y[:1])


def test_not_fitted():
    message = (
        "This IncrementalQuantileRegressor instance is not fitted yet. Call 'fit' with "
        "appropriate arguments before using this estimator."
    )
    with pytest.raises(NotFittedError, match=re.escape(message)):
        IncrementalQuantileRegressor().predict_quantile(np.zeros((2, 5)), 0.5)


def test_bad_targets_and_draws(fitted, data):
    X, y = data
    with pytest.raises(
        ValueError,
        match=re.escape(
            "y must be a scalar, or have one value per row of X (300); got shape (4,)."
        ),
    ):
        fitted.predict_cdf(X, y[:4])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "y of shape (n_samples, m) must have n_samples = 300 rows, as X has; got shape "
            "(2, 3). For a grid shared by all rows pass np.broadcast_to(grid, (300, len(grid)))."
        ),
    ):
        fitted.predict_cdf(X, np.zeros((2, 3)))
    with pytest.raises(
        ValueError, match=re.escape("y must not contain NaN; got NaN at index (0,).")
    ):
        fitted.predict_pdf(X[:2], [np.nan, 0.0])
    with pytest.raises(
        ValueError, match=re.escape("n_samples must be an int >= 1; got 0.")
    ):
        fitted.sample(X, n_samples=0)
    with pytest.raises(
        ValueError, match=re.escape("n_samples must be an int >= 1; got 2.5.")
    ):
        fitted.sample(X, n_samples=2.5)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "X has 3 features, but IncrementalQuantileRegressor is expecting 5 features as input."
        ),
    ):
        fitted.predict(X[:, :3])


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"hidden_layer_sizes": (8, 0)},
            "The 'hidden_layer_sizes' parameter must be a tuple of positive ints (() for a linear model); got (8, 0).",
        ),
        (
            {"module": "mlp"},
            "The 'module' parameter must be None, a torch.nn.Module instance or a torch.nn.Module subclass; got 'mlp'.",
        ),
        (
            {"device": "gpu7"},
            "The 'device' parameter must name a torch device such as 'cpu' or 'cuda:0'; got 'gpu7'.",
        ),
    ],
)
def test_bad_constructor_parameters(data, params, message):
    X, y = data
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        IncrementalQuantileRegressor(**{**FAST, **params}).fit(X, y)


def test_constraint_table_rejects_bad_values(data):
    X, y = data
    with pytest.raises(
        InvalidParameterError,
        match="The 'learning_rate' parameter of IncrementalQuantileRegressor must be a float in the range \\(0.0, inf\\). Got -1.0 instead.",
    ):
        IncrementalQuantileRegressor(learning_rate=-1.0).fit(X, y)


# ---------------------------------------------------------------- calibration
@pytest.mark.slow
def test_calibration_on_large_heteroscedastic_data():
    """Observed frequency of y <= q_alpha within 0.03 of alpha on 20,000 new rows.

    With 20,000 rows the binomial standard error is at most 0.0035, so sampling
    noise alone exceeds 0.03 with probability far below 1e-15; the tolerance is for
    model error.
    """
    X, y = make_heteroscedastic(n_samples=20_000, random_state=0)
    Xt, yt = make_heteroscedastic(n_samples=20_000, random_state=1)
    model = IncrementalQuantileRegressor(random_state=0).fit(X, y)
    levels = np.round(np.arange(0.05, 0.951, 0.05), 2)
    observed = (yt[:, None] <= model.predict_quantile(Xt, levels)).mean(axis=0)
    np.testing.assert_array_less(np.abs(observed - levels), 0.03)


@pytest.mark.parametrize(
    "alpha, suffix",
    [
        (95, " Levels are fractions: did you mean 0.95?"),
        (2.5, " Levels are fractions: did you mean 0.025?"),
        (1.5, ""),  # just above 1: a slip, not a percentage
        (1.0, ""),
    ],
)
def test_percentage_hint_only_for_values_that_read_as_percentages(
    fitted, data, alpha, suffix
):
    X, _ = data
    with pytest.raises(ValueError) as info:
        fitted.predict_quantile(X, alpha)
    expected = (
        f"alpha must lie in the open interval (0, 1); got {float(alpha)!r}. "
        f"{LEVEL_HINT}{suffix}"
    )
    assert str(info.value) == expected
