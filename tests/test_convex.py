"""Behaviour of ConvexMultivariateQuantileRegressor as a user sees it.

Fitted estimators are module-scoped fixtures, never refitted or mutated: a d = 3
model, and the same d = 1 data fitted once on a 1-d y (the output axis is dropped)
and once on a y of shape (n, 1) (the axis is kept). Small configurations (a narrow
trunk, a narrow potential, few epochs) keep the suite fast; the statistical tests
(a Gaussian known answer, tiny-data coverage) train the default instance and are
marked ``slow``.
"""

import pickle
import re
import warnings

import numpy as np
import pytest
import torch
from scipy import stats
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError

from skquantile import ConvexMultivariateQuantileRegressor
from skquantile.datasets import make_multi_horizon
from skquantile.metrics import energy_reference
from skquantile.utils._sklearn_compat import InvalidParameterError

FAST = dict(hidden_layer_sizes=(16,), potential_hidden=8, max_epochs=10, random_state=0)
N_ROWS = 300

# The rank solver must converge on every point these tests hand it.
no_convergence_warning = pytest.mark.filterwarnings(
    "error::sklearn.exceptions.ConvergenceWarning"
)


def small_model(**params):
    return ConvexMultivariateQuantileRegressor(**{**FAST, **params})


@pytest.fixture(scope="module")
def data():
    return make_multi_horizon(n_samples=N_ROWS, n_horizons=3, random_state=0)


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    return small_model().fit(X, y)


@pytest.fixture(scope="module")
def data1():
    """d = 1 data; ``y`` has shape (n, 1)."""
    return make_multi_horizon(n_samples=N_ROWS, n_horizons=1, random_state=0)


@pytest.fixture(scope="module")
def fitted_1d(data1):
    """Fitted on a 1-d y: every result drops the output axis."""
    X, y = data1
    return small_model().fit(X, y[:, 0])


@pytest.fixture(scope="module")
def fitted_col(data1):
    """Fitted on a y of shape (n, 1): every result keeps the output axis."""
    X, y = data1
    return small_model().fit(X, y)


def quantile_at_latents(model, X, z):
    """Q(z_i | x_i) in y units for one latent per row, z of shape (n, 1, d).

    Uses the estimator's private helpers: far outside the data the public ranks
    round to 0 or 1, so the round trip is checked in latent form.
    """
    out = model._latent_call(X, lambda dist, zc: dist.quantile(zc), 1, z)
    return model._to_y(out)


def row_diagonal(per_row_levels_result):
    """From ``predict_quantile(X, levels)`` with one level vector per row of X
    (result (n, n, d)), keep row i at its own level vector i: (n, d)."""
    n = per_row_levels_result.shape[0]
    return per_row_levels_result[np.arange(n), np.arange(n)]


# --------------------------------------------------------------------- shapes
N, M, K = 7, 4, 5


@pytest.mark.parametrize(
    "method, arg, shape",
    [
        ("predict_quantile", [0.2, 0.5, 0.9], (N, 3)),
        ("predict_quantile", [[0.2, 0.5, 0.9]], (N, 1, 3)),
        ("predict_quantile", np.full((K, 3), 0.3), (N, K, 3)),
        ("predict_marginal_quantile", 0.3, (N, 3)),
        ("predict_marginal_quantile", [0.3], (N, 1, 3)),
        ("predict_marginal_quantile", np.linspace(0.1, 0.9, K), (N, K, 3)),
        ("predict_cdf", np.zeros((N, 3)), (N, 3)),
        ("predict_cdf", np.zeros((N, M, 3)), (N, M, 3)),
        ("predict_region", 0.9, (N, 64, 3)),
        ("energy_score", np.zeros((N, 3)), (N,)),
    ],
)
def test_shapes_depend_only_on_argument_types(fitted, data, method, arg, shape):
    X, _ = data
    out = getattr(fitted, method)(X[:N], arg)
    assert isinstance(out, np.ndarray)
    assert out.shape == shape
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    "method, arg, shape",
    [
        ("predict_quantile", 0.3, (N,)),
        ("predict_quantile", [0.3], (N, 1)),
        ("predict_quantile", np.linspace(0.1, 0.9, K), (N, K)),
        ("predict_marginal_quantile", 0.3, (N,)),
        ("predict_marginal_quantile", np.linspace(0.1, 0.9, K), (N, K)),
        ("predict_cdf", np.zeros(N), (N,)),
        ("predict_cdf", np.zeros((N, M)), (N, M)),
        ("predict_region", 0.9, (N, 64)),
        ("energy_score", np.zeros(N), (N,)),
    ],
)
def test_shapes_of_a_model_fitted_on_1d_y(fitted_1d, data1, method, arg, shape):
    X, _ = data1
    out = getattr(fitted_1d, method)(X[:N], arg)
    assert out.shape == shape
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    "method, arg, shape",
    [
        ("predict_quantile", [0.3], (N, 1)),
        ("predict_quantile", [[0.3], [0.7]], (N, 2, 1)),
        ("predict_marginal_quantile", 0.3, (N, 1)),
        ("predict_marginal_quantile", [0.3, 0.7], (N, 2, 1)),
        ("predict_cdf", np.zeros((N, 1)), (N, 1)),
        ("predict_cdf", np.zeros((N, M, 1)), (N, M, 1)),
        ("predict_region", 0.9, (N, 64, 1)),
        ("energy_score", np.zeros((N, 1)), (N,)),
    ],
)
def test_shapes_of_a_model_fitted_on_y_n_by_1(fitted_col, data1, method, arg, shape):
    X, _ = data1
    out = getattr(fitted_col, method)(X[:N], arg)
    assert out.shape == shape
    assert out.dtype == np.float64


@pytest.mark.parametrize(
    "model_name, data_name, d",
    [("fitted", "data", 3), ("fitted_1d", "data1", None), ("fitted_col", "data1", 1)],
)
def test_point_sample_region_and_score_shapes(request, model_name, data_name, d):
    model = request.getfixturevalue(model_name)
    X, y = request.getfixturevalue(data_name)
    y = y[:, 0] if d is None else y
    tail = () if d is None else (d,)
    outputs = {
        "predict": (model.predict(X[:N]), (N, *tail)),
        "sample": (model.sample(X[:N], n_samples=M, random_state=0), (N, M, *tail)),
        "region": (
            model.predict_region(X[:N], coverage=0.5, n_points=9),
            (N, 9, *tail),
        ),
        "energy_score": (model.energy_score(X[:N], y[:N]), (N,)),
    }
    for name, (out, shape) in outputs.items():
        assert out.shape == shape, name
        assert out.dtype == np.float64, name
    inside = model.in_region(X[:N], y[:N])
    assert inside.shape == (N,) and inside.dtype == np.bool_
    assert isinstance(model.score(X, y), float)


def test_results_are_float64_numpy_arrays_for_pandas_input(fitted, data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X)
    target = pd.DataFrame(y)
    for out in [
        fitted.predict(frame),
        fitted.predict_quantile(frame, [0.1, 0.5, 0.9]),
        fitted.predict_cdf(frame, target),
        fitted.energy_score(frame, target),
    ]:
        assert type(out) is np.ndarray and out.dtype == np.float64


# -------------------------------------------------------- quantiles and ranks
@no_convergence_warning
def test_cdf_inverts_vector_quantiles(fitted, data):
    X, _ = data
    rng = np.random.default_rng(0)
    levels = rng.uniform(0.02, 0.98, size=(6, 3))
    q = fitted.predict_quantile(X[:40], levels)
    np.testing.assert_allclose(
        fitted.predict_cdf(X[:40], q), np.broadcast_to(levels, q.shape), atol=1e-5
    )
    one = fitted.predict_quantile(X[:40], levels[0])
    np.testing.assert_allclose(
        fitted.predict_cdf(X[:40], one),
        np.broadcast_to(levels[0], one.shape),
        atol=1e-5,
    )


def test_each_output_rises_with_its_own_level(fitted, data):
    # Q_i is non-decreasing in alpha_i (the Hessian of u has a non-negative
    # diagonal), whatever the other levels (mqf2.md section 2).
    X, _ = data
    rng = np.random.default_rng(1)
    grid = np.linspace(0.01, 0.99, 50)
    for i in range(3):
        levels = np.tile(rng.uniform(0.05, 0.95, size=3), (grid.size, 1))
        levels[:, i] = grid
        q = fitted.predict_quantile(X[:30], levels)[..., i]
        assert np.all(np.diff(q, axis=1) >= 0)


def test_map_is_monotone_in_the_latent(fitted, data):
    # <Q(a) - Q(b), Phi^-1(a) - Phi^-1(b)> >= 0: the map is a convex gradient.
    X, _ = data
    rng = np.random.default_rng(2)
    a, b = rng.uniform(0.01, 0.99, size=(2, 50, 3))
    qa = fitted.predict_quantile(X[:20], a)
    qb = fitted.predict_quantile(X[:20], b)
    inner = ((qa - qb) * (stats.norm.ppf(a) - stats.norm.ppf(b))).sum(-1)
    assert np.all(inner >= -1e-12 * (1 + np.abs(qa).max()))


def test_marginal_quantiles_never_cross(fitted, data):
    X, _ = data
    q = fitted.predict_marginal_quantile(X, np.linspace(0.01, 0.99, 99))
    assert np.all(np.diff(q, axis=1) >= 0)


def test_sample_is_reproducible(fitted, data):
    X, _ = data
    a = fitted.sample(X[:20], n_samples=50, random_state=0)
    assert a.shape == (20, 50, 3)
    np.testing.assert_array_equal(
        a, fitted.sample(X[:20], n_samples=50, random_state=0)
    )
    b = fitted.sample(X[:20], n_samples=50, random_state=1)
    assert not np.any(a == b)
    c = fitted.sample(X[:20], n_samples=50, random_state=np.random.default_rng(0))
    assert np.all(np.isfinite(c)) and not np.array_equal(a, c)


def test_predict_is_the_mean_of_the_draws(fitted, data):
    X, _ = data
    draws = fitted.sample(X[:5], n_samples=20_000, random_state=3)
    # predict averages 500 antithetic pairs (at least as precise as 1,000 i.i.d.
    # draws); the difference to the mean of 20,000 draws has a standard error of at
    # most sd sqrt(1/20000 + 1/1000). Five of them on 15 coordinates: false-failure
    # rate below 1e-5.
    se = draws.std(axis=1) * np.sqrt(1 / 20_000 + 1 / 1000)
    assert np.all(np.abs(draws.mean(axis=1) - fitted.predict(X[:5])) < 5 * se)


def test_region_and_in_region_agree(fitted, data):
    # Boundary points of the coverage-0.9 region lie on ||z*|| = sqrt(chi2_3(0.9)):
    # inside any larger region and outside any smaller one. The centre
    # Q(1/2, ..., 1/2) = grad u(0) is inside every region.
    X, _ = data
    points = fitted.predict_region(X[:10], coverage=0.9, n_points=16)
    for k in range(points.shape[1]):
        assert fitted.in_region(X[:10], points[:, k], coverage=0.91).all()
        assert not fitted.in_region(X[:10], points[:, k], coverage=0.89).any()
    centre = fitted.predict_quantile(X[:10], [0.5, 0.5, 0.5])
    assert fitted.in_region(X[:10], centre, coverage=0.01).all()


def test_score_is_d2_energy(fitted, data):
    X, y = data
    scores = fitted.energy_score(X, y)
    np.testing.assert_array_equal(scores, fitted.energy_score(X, y))
    expected = 1 - scores.sum() / energy_reference(y).sum()
    assert fitted.score(X, y) == fitted.score(X, y)
    assert fitted.score(X, y) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------- d = 1
@no_convergence_warning
def test_d1_quantile_function(fitted_1d, data1):
    X, _ = data1
    levels = np.linspace(1e-3, 1 - 1e-3, 1000)
    q = fitted_1d.predict_quantile(X[:20], levels)
    assert np.all(np.diff(q, axis=1) >= 0)
    np.testing.assert_array_equal(
        q, fitted_1d.predict_marginal_quantile(X[:20], levels)
    )
    np.testing.assert_allclose(
        fitted_1d.predict_cdf(X[:20], q), np.broadcast_to(levels, q.shape), atol=1e-6
    )


def test_1d_y_and_n_by_1_y_give_the_same_model(fitted_1d, fitted_col, data1):
    # The same rows, seed and parameters: only the output axis may differ.
    X, y = data1
    scale = np.abs(y).max()
    np.testing.assert_allclose(
        fitted_1d.predict(X), fitted_col.predict(X)[:, 0], rtol=1e-5, atol=1e-6 * scale
    )
    np.testing.assert_allclose(
        fitted_1d.predict_quantile(X, [0.1, 0.9]),
        fitted_col.predict_quantile(X, [[0.1], [0.9]])[..., 0],
        rtol=1e-5,
        atol=1e-6 * scale,
    )
    np.testing.assert_allclose(
        fitted_1d.predict_cdf(X, y[:, 0]), fitted_col.predict_cdf(X, y)[:, 0], atol=1e-6
    )


# ------------------------------------------------------ far outside the data
@no_convergence_warning
@pytest.mark.parametrize("spreads", [1e3, 1e4])
def test_ranks_far_outside_the_data_in_latent_form(fitted, data, spreads):
    # y at 10^3 and 10^4 spreads from the centre, in random directions: the rank
    # solver converges and Q(z*(y)) = y to 1e-8 relative (mqf2.md section 10,
    # oracle 4); the public ranks round to 0 or 1 there but stay in [0, 1].
    X, y = data
    rng = np.random.default_rng(4)
    direction = rng.normal(size=(40, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    far = y.mean(axis=0) + spreads * y.std(axis=0) * direction
    z, _ = fitted._rank(X[:40], far[:, None, :])
    assert np.all(np.isfinite(z))
    back = quantile_at_latents(fitted, X[:40], z)[:, 0]
    norm = np.linalg.norm(far, axis=1, keepdims=True)
    assert np.all(np.abs(back - far) <= 1e-8 * norm)
    ranks = fitted.predict_cdf(X[:40], far)
    assert np.all((ranks >= 0) & (ranks <= 1))


@no_convergence_warning
@pytest.mark.parametrize("spreads, signs", [(5, "random"), (10, "negative")])
def test_quantile_at_rank_returns_y_moderately_far_out(fitted, data, spreads, signs):
    # Each coordinate 5 spreads out on either side, or 10 spreads below. The public
    # round trip needs ranks that float64 resolves: above the data a rank rounds to
    # 1 once z* > 8.3 and loses precision before (the step between doubles below 1
    # is 1.1e-16), below the data only once z* < -38. So the round trip is checked
    # on the rows whose ranks stay below 1 - 1e-9 (z* < 6), which must be most.
    X, y = data
    rng = np.random.default_rng(5)
    if signs == "random":
        sign = rng.choice([-1.0, 1.0], size=(30, 3))
    else:
        sign = -np.ones((30, 3))
    target = y.mean(axis=0) + spreads * y.std(axis=0) * sign
    ranks = fitted.predict_cdf(X[:30], target)
    assert np.all((ranks >= 0) & (ranks <= 1))
    resolved = np.all((ranks > 0) & (ranks <= 1 - 1e-9), axis=1)
    assert resolved.sum() >= 20
    back = row_diagonal(fitted.predict_quantile(X[:30][resolved], ranks[resolved]))
    np.testing.assert_allclose(back, target[resolved], rtol=1e-6)


# ------------------------------------------------------ reproducibility & io
def test_same_random_state_gives_identical_fits(fitted, data):
    X, y = data
    again = clone(fitted).fit(X, y)
    np.testing.assert_array_equal(
        again.predict_quantile(X, [0.1, 0.5, 0.9]),
        fitted.predict_quantile(X, [0.1, 0.5, 0.9]),
    )
    np.testing.assert_array_equal(
        again.sample(X, 3, random_state=2), fitted.sample(X, 3, random_state=2)
    )
    np.testing.assert_array_equal(again.predict(X), fitted.predict(X))


def test_global_rng_states_are_untouched(data):
    X, y = data
    np_state = np.random.get_state()[1].copy()
    torch_state = torch.get_rng_state().clone()
    model = small_model(max_epochs=2).fit(X, y)
    model.sample(X, 2, random_state=None)
    model.predict(X)
    model.predict_marginal_quantile(X, 0.5)
    model.predict_cdf(X[:20], y[:20])
    model.score(X, y)
    model.partial_fit(X, y)
    small_model(random_state=None).partial_fit(X, y)
    assert np.array_equal(np.random.get_state()[1], np_state)
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_clone_is_unfitted_with_the_same_parameters(fitted, data):
    X, _ = data
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "net_")
    with pytest.raises(NotFittedError):
        copy.predict(X)


def test_pickle_round_trip(fitted, data):
    X, y = data
    copy = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        copy.predict_quantile(X, [0.05, 0.5, 0.95]),
        fitted.predict_quantile(X, [0.05, 0.5, 0.95]),
    )
    np.testing.assert_array_equal(
        copy.sample(X, 4, random_state=0), fitted.sample(X, 4, random_state=0)
    )
    np.testing.assert_array_equal(
        copy.predict_cdf(X[:30], y[:30]), fitted.predict_cdf(X[:30], y[:30])
    )


def test_pandas_input_sets_feature_names(fitted, data):
    pd = pytest.importorskip("pandas")
    X, y = data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    target = pd.DataFrame(y, columns=["h1", "h2", "h3"])
    model = small_model().fit(frame, target)
    assert list(model.feature_names_in_) == list(frame.columns)
    q = model.predict_quantile(frame, [0.2, 0.5, 0.8])
    assert type(q) is np.ndarray and q.dtype == np.float64
    # The same fit as from NumPy arrays, up to float rounding (a DataFrame y
    # arrives column-major, so its mean may differ in the last bit).
    np.testing.assert_allclose(
        q, fitted.predict_quantile(X, [0.2, 0.5, 0.8]), rtol=1e-6, atol=1e-6
    )


# ------------------------------------------------------------------- training
def test_sample_weight_of_ones_is_no_weight(fitted, data):
    X, y = data
    weighted = small_model().fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(
        weighted.predict_quantile(X, [0.1, 0.5, 0.9]),
        fitted.predict_quantile(X, [0.1, 0.5, 0.9]),
    )


def test_zero_weight_rows_have_no_influence(data):
    # Two data sets that differ only in the targets of zero-weight rows give
    # identical fits: those rows enter neither the target scaling nor the loss.
    X, y = data
    Xz = np.vstack([X, X[:60]])
    w = np.r_[np.ones(len(y)), np.zeros(60)]
    fits = [
        small_model(max_epochs=3).fit(Xz, np.vstack([y, y[:60] + shift]), w)
        for shift in (50.0, -30.0)
    ]
    np.testing.assert_array_equal(fits[0].y_loc_, fits[1].y_loc_)
    np.testing.assert_array_equal(
        fits[0].predict_quantile(X, [0.1, 0.5, 0.9]),
        fits[1].predict_quantile(X, [0.1, 0.5, 0.9]),
    )


def test_early_stopping_logs_energy_scores(data):
    X, y = data
    model = small_model(
        early_stopping=True, n_iter_no_change=2, max_epochs=60, learning_rate=0.01
    ).fit(X, y)
    history = model.net_.history
    assert model.n_iter_ == len(history) < 60
    for row in history:
        assert {"train_energy", "valid_energy"} <= set(row)
        assert row["valid_energy"] == pytest.approx(
            row["valid_loss"] * model.y_scale_, rel=1e-9
        )


def test_verbose_mentions_the_energy_scores(data, capsys):
    # early_stopping='auto' on 300 rows picks the epoch count on a hold-out (the
    # selection run logs valid_energy), then refits on all rows.
    X, y = data
    model = small_model(max_epochs=3, verbose=1).fit(X, y)
    out = capsys.readouterr().out
    assert "train_energy" in out and "valid_energy" in out
    assert f"Refitting on all {N_ROWS} rows for {model.n_iter_} epochs" in out
    assert len(re.findall(r"^\s+\d+\s+\d", out, flags=re.M)) == 3 + model.n_iter_


def test_partial_fit_initialises_then_continues(data):
    X, y = data
    model = small_model()
    model.partial_fit(X[:150], y[:150])
    loc, scale = model.y_loc_.copy(), model.y_scale_
    assert model.n_iter_ == 1
    before = model.predict(X)
    model.partial_fit(X[150:], y[150:] + 100)
    assert model.n_iter_ == 2
    np.testing.assert_array_equal(model.y_loc_, loc)
    assert model.y_scale_ == scale
    assert not np.array_equal(model.predict(X), before)


def _non_finite_message(value, epoch, learning_rate):
    return (
        f"The training loss became non-finite ({value}) at epoch {epoch}. Try a lower "
        f"learning_rate (got {learning_rate!r}), or check that y holds no extreme "
        "outliers; the estimator was left as it was before this call."
    )


def test_partial_fit_non_finite_restores_previous_state(data):
    X, y = data
    model = small_model().partial_fit(X, y)
    before = model.predict_quantile(X, [0.1, 0.5, 0.9])
    n_iter = model.n_iter_
    bad_y = y.copy()
    bad_y[0, 1] = 1e300  # finite input whose standardised value overflows float32
    message = _non_finite_message("inf", n_iter + 1, model.learning_rate)
    with pytest.raises(RuntimeError, match=re.escape(message)):
        model.partial_fit(X, bad_y)
    np.testing.assert_array_equal(model.predict_quantile(X, [0.1, 0.5, 0.9]), before)
    assert model.n_iter_ == n_iter == len(model.net_.history)


class _AlwaysNaN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(5, 4)

    def forward(self, X):
        return self.linear(X) * float("nan")


def test_non_finite_loss_raises_and_leaves_unfitted(data):
    X, y = data
    model = ConvexMultivariateQuantileRegressor(
        module=_AlwaysNaN, potential_hidden=8, max_epochs=3, random_state=0
    )
    message = _non_finite_message("nan", 1, model.learning_rate)
    with pytest.raises(RuntimeError, match=re.escape(message)):
        model.fit(X, y)
    assert not hasattr(model, "net_")
    with pytest.raises(NotFittedError):
        model.predict(X)


# --------------------------------------------------------------------- errors
LEVEL_HINT = "Use a level such as 0.001 or 0.999 for an extreme quantile."


@pytest.mark.parametrize(
    "method, alpha, message",
    [
        (
            "predict_quantile",
            [0.5, 1.0, 0.5],
            "alpha must lie in the open interval (0, 1); got 1.0 at index (1,). "
            + LEVEL_HINT,
        ),
        (
            "predict_quantile",
            [[0.5, 0.5, 0.5], [0.2, 0.0, 0.3]],
            "alpha must lie in the open interval (0, 1); got 0.0 at index (1, 1). "
            + LEVEL_HINT,
        ),
        (
            "predict_marginal_quantile",
            np.float64(1.0),
            "alpha must lie in the open interval (0, 1); got 1.0. " + LEVEL_HINT,
        ),
        (
            "predict_marginal_quantile",
            [0.1, 95],
            "alpha must lie in the open interval (0, 1); got 95.0 at index (1,). "
            f"{LEVEL_HINT} Levels are fractions: did you mean 0.95?",
        ),
        (
            "predict_quantile",
            0.5,
            "alpha must be a vector of 3 levels (one per output) or an array of shape "
            "(n_levels, 3); got shape (). For the quantiles of each output on its own "
            "use predict_marginal_quantile.",
        ),
        (
            "predict_quantile",
            [0.1, 0.9],
            "alpha must be a vector of 3 levels (one per output) or an array of shape "
            "(n_levels, 3); got shape (2,). For the quantiles of each output on its "
            "own use predict_marginal_quantile.",
        ),
        (
            "predict_quantile",
            np.full((4, 2), 0.5),
            "alpha must be a vector of 3 levels (one per output) or an array of shape "
            "(n_levels, 3); got shape (4, 2). For the quantiles of each output on its "
            "own use predict_marginal_quantile.",
        ),
        (
            "predict_quantile",
            [[[0.5, 0.5, 0.5]]],
            "alpha must be at most 2-d; got an array of shape (1, 1, 3).",
        ),
    ],
)
def test_bad_alpha(fitted, data, method, alpha, message):
    X, _ = data
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(fitted, method)(X[:N], alpha)


def test_scalar_alpha_for_a_model_fitted_on_y_n_by_1(fitted_col, data1):
    X, _ = data1
    message = (
        "alpha must be a vector of 1 levels (one per output) or an array of shape "
        "(n_levels, 1); got shape (). For the quantiles of each output on its own use "
        "predict_marginal_quantile."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted_col.predict_quantile(X[:N], 0.5)


def _with(values, index, value):
    out = np.array(values, dtype=np.float64)
    out[index] = value
    return out


@pytest.mark.parametrize(
    "method, y, message",
    [
        (
            "predict_cdf",
            _with(np.zeros((N, 3)), (0, 1), np.nan),
            "y must be finite; got nan at index (0, 1).",
        ),
        (
            "predict_cdf",
            _with(np.zeros((N, M, 3)), (2, 3, 0), np.inf),
            "y must be finite; got inf at index (2, 3, 0).",
        ),
        (
            "predict_cdf",
            _with(np.zeros((N, 3)), (4, 2), -np.inf),
            "y must be finite; got -inf at index (4, 2).",
        ),
        (
            "predict_cdf",
            np.zeros((N, 2)),
            "y must have shape (n_samples, 3) or (n_samples, m, 3), with n_samples = 7 "
            "rows as X has; got shape (7, 2).",
        ),
        (
            "predict_cdf",
            np.zeros((5, 3)),
            "y must have shape (n_samples, 3) or (n_samples, m, 3), with n_samples = 7 "
            "rows as X has; got shape (5, 3).",
        ),
        (
            "predict_cdf",
            np.zeros(N),
            "y must have shape (n_samples, 3) or (n_samples, m, 3), with n_samples = 7 "
            "rows as X has; got shape (7,).",
        ),
        (
            "predict_cdf",
            np.zeros((N, 1, 1, 3)),
            "y must have shape (n_samples, 3) or (n_samples, m, 3), with n_samples = 7 "
            "rows as X has; got shape (7, 1, 1, 3).",
        ),
        (
            "in_region",
            np.zeros((N, M, 3)),
            "y must have shape (n_samples, 3), with n_samples = 7 rows as X has; got "
            "shape (7, 4, 3).",
        ),
        (
            "energy_score",
            _with(np.zeros((N, 3)), (6, 0), np.nan),
            "y must be finite; got nan at index (6, 0).",
        ),
        (
            "score",
            np.zeros((N, 4)),
            "y must have shape (n_samples, 3), with n_samples = 7 rows as X has; got "
            "shape (7, 4).",
        ),
    ],
)
def test_bad_targets(fitted, data, method, y, message):
    X, _ = data
    with pytest.raises(ValueError, match=re.escape(message)):
        getattr(fitted, method)(X[:N], y)


def test_bad_targets_of_a_model_fitted_on_1d_y(fitted_1d, data1):
    X, _ = data1
    message = (
        "y must have shape (n_samples,) or (n_samples, m), with n_samples = 7 rows as "
        "X has; got shape (7, 2, 1)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted_1d.predict_cdf(X[:N], np.zeros((N, 2, 1)))


def test_bad_coverage_and_counts(fitted, data):
    X, _ = data
    message = (
        "coverage must lie in the open interval (0, 1); got 90.0. Use for example "
        "coverage=0.9. Levels are fractions: did you mean 0.9?"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.predict_region(X[:N], coverage=90)
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.in_region(X[:N], np.zeros((N, 3)), coverage=90)
    with pytest.raises(
        ValueError, match=re.escape("n_points must be an int >= 1; got 0.")
    ):
        fitted.predict_region(X[:N], n_points=0)
    with pytest.raises(
        ValueError, match=re.escape("n_samples must be an int >= 1; got 0.")
    ):
        fitted.sample(X[:N], n_samples=0)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "X has 3 features, but ConvexMultivariateQuantileRegressor is expecting 5 "
            "features as input."
        ),
    ):
        fitted.predict(X[:, :3])


@pytest.mark.parametrize(
    "method, args",
    [
        ("predict", ()),
        ("sample", ()),
        ("predict_quantile", ([0.5, 0.5, 0.5],)),
        ("predict_marginal_quantile", (0.5,)),
        ("predict_cdf", (np.zeros((2, 3)),)),
        ("predict_region", ()),
        ("in_region", (np.zeros((2, 3)),)),
        ("energy_score", (np.zeros((2, 3)),)),
        ("score", (np.zeros((2, 3)),)),
    ],
)
def test_not_fitted(method, args):
    message = (
        "This ConvexMultivariateQuantileRegressor instance is not fitted yet. Call "
        "'fit' with appropriate arguments before using this estimator."
    )
    with pytest.raises(NotFittedError, match=re.escape(message)):
        getattr(ConvexMultivariateQuantileRegressor(), method)(np.zeros((2, 5)), *args)


@pytest.mark.parametrize(
    "params, message",
    [
        (
            {"n_draws": 1},
            "The 'n_draws' parameter of ConvexMultivariateQuantileRegressor must be an "
            "int in the range [2, inf). Got 1 instead.",
        ),
        (
            {"reference": "uniform"},
            "The 'reference' parameter of ConvexMultivariateQuantileRegressor must be a "
            "str among {'gaussian'}. Got 'uniform' instead.",
        ),
        (
            {"potential_hidden": 0},
            "The 'potential_hidden' parameter of ConvexMultivariateQuantileRegressor "
            "must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            {"potential_layers": 0},
            "The 'potential_layers' parameter of ConvexMultivariateQuantileRegressor "
            "must be an int in the range [1, inf). Got 0 instead.",
        ),
    ],
)
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_bad_constructor_parameters(data, params, message, method):
    X, y = data
    model = small_model(**params)
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        getattr(model, method)(X, y)
    assert not hasattr(model, "n_features_in_")


# ------------------------------------------------------------------ slow tests
@pytest.fixture(scope="module")
def gaussian():
    """The default model fitted on 4,000 rows of Y | x ~ N(m(x), Sigma(x)), d = 2,
    and 2,000 held-out rows with their true covariances."""
    X, y = make_multi_horizon(n_samples=4000, n_horizons=2, random_state=0)
    X_new, y_new, covariance = make_multi_horizon(
        n_samples=2000, n_horizons=2, random_state=1, return_covariance=True
    )
    model = ConvexMultivariateQuantileRegressor(random_state=0).fit(X, y)
    return model, X_new, y_new, covariance(X_new)


# x_1 (column 1) sets the correlation rho(x) = 0.9 x_1 of the two outputs.
BANDS = {"negative rho": (-1.0, -0.5), "positive rho": (0.5, 1.0)}


@pytest.mark.slow
def test_gaussian_ranks_are_uniform_and_independent(gaussian):
    """Held-out vector ranks are i.i.d. uniform on (0, 1)^2 under a correct model.

    Kolmogorov-Smirnov on 2,000 rows: sampling noise alone exceeds 0.06 with
    probability 2 exp(-2 n 0.06^2) ~ 1e-6 per output, so most of the tolerance is
    left for the model's error (0.025-0.035 measured). Spearman correlation of the
    two ranks within each band of x_1 (~500 rows, standard error 0.045 under
    independence): sampling noise alone reaches 0.35 (7.8 standard errors) with
    probability ~1e-14; the rest is the model's error (it under-fits |rho|: 0.03
    and 0.25 measured), while a model that ignored the dependence would show about
    0.66 there. (Pooled over x the ranks' correlation hides a missing dependence
    here, as rho(x) is odd in x_1.) The coverage-0.9 region holds a binomial share
    of the rows (standard error 0.0067, 0.89 measured); 0.05 is mostly for the
    model's error.
    """
    model, X, y, _ = gaussian
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        ranks = model.predict_cdf(X, y)
    for j in range(2):
        assert stats.kstest(ranks[:, j], "uniform").statistic < 0.06
    for low, high in BANDS.values():
        band = (low < X[:, 1]) & (X[:, 1] < high)
        assert abs(stats.spearmanr(ranks[band]).statistic) < 0.35
    assert abs(model.in_region(X, y, coverage=0.9).mean() - 0.9) < 0.05


@pytest.mark.slow
@pytest.mark.parametrize("band_name", list(BANDS))
def test_gaussian_draws_follow_the_true_correlation(gaussian, band_name):
    """The correlation of each row's draws follows rho(x) = 0.9 x_1.

    Averaged over the ~500 held-out rows of the band (true mean correlation about
    -0.68 or 0.68) the predicted correlation has the true sign and lies within 0.25
    of it; 400 draws per row make the Monte Carlo error of the average ~0.003, so
    the tolerance is for the model's error (0.07-0.14 measured; a model with
    independent outputs would be off by 0.68).
    """
    model, X, _, covariance = gaussian
    low, high = BANDS[band_name]
    band = (low < X[:, 1]) & (X[:, 1] < high)
    sd = np.sqrt(np.diagonal(covariance[band], axis1=1, axis2=2))
    true = covariance[band, 0, 1] / (sd[:, 0] * sd[:, 1])
    draws = model.sample(X[band], n_samples=400, random_state=0)
    centred = draws - draws.mean(axis=1, keepdims=True)
    cov = (centred[..., 0] * centred[..., 1]).mean(axis=1)
    predicted = cov / (centred[..., 0].std(axis=1) * centred[..., 1].std(axis=1))
    assert np.sign(predicted.mean()) == np.sign(true.mean())
    assert abs(predicted.mean() - true.mean()) < 0.25


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tiny_data_does_not_collapse(seed):
    """Sixteen rows: central 90% marginal intervals still cover most new rows.

    A fit that memorises its 16 rows collapses each law towards a point mass and
    covers about 0.1 of new rows (mqf2.md section 8); a reasonable one covers near
    0.9. With 2 x 2,000 new (row, output) pairs the binomial standard error of the
    coverage is below 0.01, so 0.6 leaves room for the model error of a 16-row fit
    (0.74-0.95 measured over 5 seeds, 0.62-0.96 per output) and no room for a
    collapse.
    """
    X, y = make_multi_horizon(n_samples=16, n_horizons=2, random_state=seed)
    X_new, y_new = make_multi_horizon(
        n_samples=2000, n_horizons=2, random_state=100 + seed
    )
    model = ConvexMultivariateQuantileRegressor(random_state=0).fit(X, y)
    bounds = model.predict_marginal_quantile(X_new, [0.05, 0.95])
    inside = (bounds[:, 0] <= y_new) & (y_new <= bounds[:, 1])
    assert inside.mean() >= 0.6


def test_partial_fit_rejects_another_number_of_outputs(data):
    X, y = data
    model = small_model().partial_fit(X[:150], y[:150])
    message = (
        "y must have shape (n_samples, 3), as in the first fit; got shape (50, 1)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        model.partial_fit(X[150:200], y[150:200, :1])
    assert model.n_iter_ == 1


def test_energy_score_of_a_row_does_not_depend_on_the_others(fitted, data):
    # The 256 latents are shared by all rows, so a row's score is the same alone,
    # in a subset, or in the full X (and zero weights act as dropping rows).
    X, y = data
    full = fitted.energy_score(X[:40], y[:40])
    np.testing.assert_allclose(
        fitted.energy_score(X[15:40], y[15:40]), full[15:], rtol=1e-12
    )
    w = np.r_[np.zeros(15), np.ones(25)]
    assert fitted.score(X[:40], y[:40], sample_weight=w) == pytest.approx(
        fitted.score(X[15:40], y[15:40]), rel=1e-10
    )


def test_region_coverage_must_be_a_float(fitted, data):
    X, y = data
    message = (
        "coverage must be a float in (0, 1) for a region; got an array of shape (2,)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.predict_region(X[:N], coverage=[0.5, 0.9])
    with pytest.raises(ValueError, match=re.escape(message)):
        fitted.in_region(X[:N], y[:N], coverage=[0.5, 0.9])
