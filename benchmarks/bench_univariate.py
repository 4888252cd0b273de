"""Benchmark IncrementalQuantileRegressor against per-level gradient boosting.

Run from the repository root (the package must be importable)::

    python benchmarks/bench_univariate.py          # ~6.5 min on 2 idle cores
    python benchmarks/bench_univariate.py --quick  # ~1.5 min

Map of this script
------------------
- Data sets (nothing is downloaded): :func:`heteroscedastic`, :func:`diabetes`,
  :func:`friedman1`, :func:`friedman1_het_t`. Each returns a list of
  :class:`Split` objects; every model sees exactly the same splits. Generated data
  carry their true quantiles on the test rows (the oracle).
- Models: :func:`fit_skquantile` (defaults), :func:`fit_hgb_per_level` (one
  ``HistGradientBoostingRegressor(loss="quantile")`` per level, the approach users
  have now) and :func:`fit_quantile_forest` (when ``quantile_forest`` imports). Each
  returns the (n_test, 99) quantiles on the grid 0.01, ..., 0.99 and its timings.
- :func:`accuracy_table`: pools the test rows of all splits and prints one row per
  (data set, model).
- :func:`training_ratio` and :func:`predict_ratio`: the two speed ratios of the
  default trunk in float32 on CPU, measured in this process.

The script prints numbers only; tests never import it.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import io
import pstats
import sys
import time
import warnings
from dataclasses import dataclass, field

import _environment
import numpy as np
import skorch
import torch
from _environment import fmt
from scipy import stats
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.model_selection import RepeatedKFold, train_test_split
from skorch import NeuralNet
from threadpoolctl import threadpool_limits

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.metrics import crps_quantile_grid

try:  # the estimator's own batch iterator, so both speed-ratio loops batch alike
    from skquantile._net import _BatchIterator
except ImportError:  # pragma: no cover - falls back to skorch's DataLoader
    _BatchIterator = None

try:
    from quantile_forest import RandomForestQuantileRegressor
except ImportError:  # optional: pip install quantile-forest
    RandomForestQuantileRegressor = None

# The 99-level grid on which every model is scored (CRPS ~ 2 x mean pinball loss).
LEVELS = np.round(np.linspace(0.01, 0.99, 99), 2)
# Columns of the grid holding the 90% central interval.
LOW, HIGH = int(np.argmin(np.abs(LEVELS - 0.05))), int(np.argmin(np.abs(LEVELS - 0.95)))
# Acceptance band of the 90% interval's coverage, and the least test rows per data set.
COVERAGE_BAND = (0.85, 0.95)
MIN_TEST_ROWS = 1000
# Speed-ratio targets.
TRAIN_RATIO_TARGET, PREDICT_RATIO_TARGET = 1.5, 3.0


# --------------------------------------------------------------------- data sets
@dataclass
class Split:
    """One train/test split; ``true_q`` is the (n_test, 99) oracle, if known."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    true_q: np.ndarray | None = None


def _holdout(X, y, true_q, seed, test_size):
    """One seeded train/test split; ``true_q`` (n, 99) or None follows the rows."""
    train, test = train_test_split(
        np.arange(X.shape[0]), test_size=test_size, random_state=seed
    )
    oracle = None if true_q is None else true_q[test]
    return [Split(X[train], y[train], X[test], y[test], oracle)]


def heteroscedastic(cfg):
    """skquantile's generator: skewed (Gumbel) noise whose scale grows with |x_0|."""
    X, y, qf = make_heteroscedastic(
        n_samples=cfg.n_samples, random_state=cfg.seed, return_quantile_function=True
    )
    return _holdout(X, y, qf(X, LEVELS), cfg.seed, cfg.test_size)


def diabetes(cfg):
    """sklearn's diabetes (442 rows), pooled over repeated K-fold test folds."""
    X, y = load_diabetes(return_X_y=True)
    folds = RepeatedKFold(
        n_splits=cfg.diabetes_folds,
        n_repeats=cfg.diabetes_repeats,
        random_state=cfg.seed,
    )
    return [Split(X[tr], y[tr], X[te], y[te]) for tr, te in folds.split(X)]


# Standard deviation of the Gaussian noise of the friedman1 set.
FRIEDMAN_NOISE = 1.0


def _friedman_mean(cfg):
    """X and the noiseless mean f(X) of make_friedman1 (10 columns, 5 informative)."""
    return make_friedman1(n_samples=cfg.n_samples, noise=0.0, random_state=cfg.seed)


def friedman1(cfg):
    """make_friedman1 with homoscedastic N(0, 1) noise: q = f(x) + Phi^-1(alpha)."""
    X, y = make_friedman1(
        n_samples=cfg.n_samples, noise=FRIEDMAN_NOISE, random_state=cfg.seed
    )
    # Same seed with noise=0 draws the same X first, then gives the mean f(X).
    X0, f = _friedman_mean(cfg)
    if not np.array_equal(X, X0):
        raise RuntimeError("make_friedman1 no longer draws X before the noise.")
    true_q = f[:, None] + FRIEDMAN_NOISE * stats.norm.ppf(LEVELS)
    return _holdout(X, y, true_q, cfg.seed, cfg.test_size)


# Degrees of freedom of the Student-t noise of the heteroscedastic Friedman set.
HET_DF = 5


def _het_scale(X):
    # Driven by x_5, a column that does not enter the mean f(x): only a model of
    # the whole distribution can use it.
    return 0.5 + 3.0 * X[:, 5]


def friedman1_het_t(cfg):
    """Friedman #1 mean, Student-t(5) noise of scale 0.5 + 3 x_5 (heavy-tailed)."""
    X, f = _friedman_mean(cfg)
    rng = np.random.RandomState(cfg.seed + 1)
    y = f + _het_scale(X) * stats.t.rvs(HET_DF, size=X.shape[0], random_state=rng)
    true_q = f[:, None] + _het_scale(X)[:, None] * stats.t.ppf(LEVELS, HET_DF)
    return _holdout(X, y, true_q, cfg.seed, cfg.test_size)


DATASETS = {
    "heteroscedastic": heteroscedastic,
    "diabetes": diabetes,
    "friedman1": friedman1,
    "friedman1_het_t": friedman1_het_t,
}

QUICK_DATASETS = ["heteroscedastic", "diabetes"]


# ------------------------------------------------------------------------ models
@dataclass
class Prediction:
    """Quantiles on LEVELS for the test rows, with timings in seconds."""

    quantiles: np.ndarray
    fit_s: float
    predict_s: float
    crps_closed: float | None = None  # mean closed-form CRPS, when the model has one


def fit_skquantile(split, seed):
    model = IncrementalQuantileRegressor(random_state=seed)
    t0 = time.perf_counter()
    model.fit(split.X_train, split.y_train)
    t1 = time.perf_counter()
    q = model.predict_quantile(split.X_test, LEVELS)
    t2 = time.perf_counter()
    closed = model.crps(split.X_test, split.y_test)
    return Prediction(q, t1 - t0, t2 - t1, closed)


def fit_hgb_per_level(split, seed):
    q = np.empty((split.X_test.shape[0], LEVELS.shape[0]))
    fit_s = predict_s = 0.0
    for j, level in enumerate(LEVELS):
        model = HistGradientBoostingRegressor(
            loss="quantile", quantile=float(level), random_state=seed
        )
        t0 = time.perf_counter()
        model.fit(split.X_train, split.y_train)
        t1 = time.perf_counter()
        q[:, j] = model.predict(split.X_test)
        predict_s += time.perf_counter() - t1
        fit_s += t1 - t0
    return Prediction(q, fit_s, predict_s)


def fit_quantile_forest(split, seed):
    model = RandomForestQuantileRegressor(random_state=seed)
    t0 = time.perf_counter()
    model.fit(split.X_train, split.y_train)
    t1 = time.perf_counter()
    q = np.asarray(model.predict(split.X_test, quantiles=list(LEVELS)))
    t2 = time.perf_counter()
    return Prediction(q.reshape(split.X_test.shape[0], -1), t1 - t0, t2 - t1)


def models():
    out = {
        "skquantile": fit_skquantile,
        "hgb_per_level": fit_hgb_per_level,
    }
    if RandomForestQuantileRegressor is not None:
        out["quantile_forest"] = fit_quantile_forest
    return out


# ---------------------------------------------------------------- accuracy table
@dataclass
class Row:
    dataset: str
    model: str
    n_test: int
    crps_grid: float
    crps_closed: float | None
    crps_oracle: float | None
    coverage: float
    width: float
    crossing: float
    fit_s: float
    predict_s: float


@dataclass
class Pooled:
    """Predictions of one model, concatenated over the splits of one data set."""

    y: list = field(default_factory=list)
    q: list = field(default_factory=list)
    closed: list = field(default_factory=list)
    fit_s: float = 0.0
    predict_s: float = 0.0

    def add(self, split, pred):
        self.y.append(split.y_test)
        self.q.append(pred.quantiles)
        if pred.crps_closed is not None:
            self.closed.append(pred.crps_closed)
        self.fit_s += pred.fit_s
        self.predict_s += pred.predict_s


def summarise(dataset, model, pooled, oracle):
    y, q = np.concatenate(pooled.y), np.concatenate(pooled.q)
    inside = (y >= q[:, LOW]) & (y <= q[:, HIGH])
    return Row(
        dataset=dataset,
        model=model,
        n_test=y.shape[0],
        crps_grid=crps_quantile_grid(y, q, LEVELS),
        crps_closed=float(np.concatenate(pooled.closed).mean())
        if pooled.closed
        else None,
        crps_oracle=oracle,
        coverage=float(inside.mean()),
        width=float((q[:, HIGH] - q[:, LOW]).mean()),
        crossing=float(np.any(np.diff(q, axis=1) < 0, axis=1).mean()),
        fit_s=pooled.fit_s,
        predict_s=pooled.predict_s,
    )


def oracle_crps(splits):
    if any(s.true_q is None for s in splits):
        return None
    y = np.concatenate([s.y_test for s in splits])
    return crps_quantile_grid(y, np.concatenate([s.true_q for s in splits]), LEVELS)


def run_dataset(name, cfg):
    splits = DATASETS[name](cfg)
    oracle = oracle_crps(splits)
    rows = []
    for model_name, fit in models().items():
        pooled = Pooled()
        for split in splits:
            pooled.add(split, fit(split, cfg.seed))
        rows.append(summarise(name, model_name, pooled, oracle))
        print(
            f"  done: {name:<16} {model_name:<16} {len(splits)} split(s), "
            f"fit {pooled.fit_s:7.1f} s, predict {pooled.predict_s:6.2f} s",
            flush=True,
        )
    return rows


TABLE_HEADER = (
    f"{'dataset':<16} {'model':<16} {'n_test':>6} {'CRPS_grid':>10} "
    f"{'CRPS_closed':>11} {'oracle':>9} {'cov90':>6} {'width90':>9} "
    f"{'cross':>6} {'fit_s':>8} {'pred_s':>7}"
)


def format_row(r):
    return (
        f"{r.dataset:<16} {r.model:<16} {r.n_test:>6d} {r.crps_grid:>10.4f} "
        f"{fmt(r.crps_closed, '.4f'):>11} {fmt(r.crps_oracle, '.4f'):>9} "
        f"{r.coverage:>6.3f} {r.width:>9.3f} {r.crossing:>6.3f} "
        f"{r.fit_s:>8.1f} {r.predict_s:>7.2f}"
    )


def accuracy_table(cfg):
    print("\n== Accuracy (test rows pooled over each data set's splits) ==")
    rows = []
    for name in cfg.datasets:
        rows += run_dataset(name, cfg)
    print()
    print(TABLE_HEADER)
    print("-" * len(TABLE_HEADER))
    for r in rows:
        print(format_row(r))
    return rows


# ------------------------------------------------------------------ speed ratios
def _median_time(fn, repeats):
    fn()  # warm-up, untimed
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def _speed_data(n_rows, n_features, seed):
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((n_rows, n_features))
    y = (
        X[:, 0]
        + np.sin(X[:, 1])
        + (0.5 + np.abs(X[:, 2])) * rng.standard_normal(n_rows)
    )
    return X, y


def _isqf_estimator(X, y, batch_size, seed):
    """Default estimator, except batch size, one epoch and no validation split."""
    est = IncrementalQuantileRegressor(
        batch_size=batch_size, max_epochs=1, early_stopping=False, random_state=seed
    )
    return est.fit(X, y)


class _Rows(torch.utils.data.Dataset):
    """Float32 rows as tensors; ``rows[index_array]`` is one whole batch.

    Indexed like the estimator's own training data (whole batches of tensors), so
    the MSE loop pays no data-loading cost that the ISQF loop does not.
    """

    def __init__(self, X, y):
        self.X, self.y = torch.as_tensor(X), torch.as_tensor(y)

    def __len__(self):
        return self.X.shape[0]

    def __getitem__(self, idx):
        idx = torch.as_tensor(idx)
        return self.X[idx], self.y[idx]


def _mse_net(est, batch_size, seed):
    """The estimator's trunk with a Linear(width, 1) head, MSE, same skorch loop."""
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        trunk = copy.deepcopy(est.net_.module_.trunk)
        width = est.net_.module_.head.linear.in_features
        module = torch.nn.Sequential(trunk, torch.nn.Linear(width, 1))
    kwargs = {}
    if _BatchIterator is not None:
        kwargs = dict(
            iterator_train=_BatchIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=np.random.RandomState(seed),
        )
    params = est.get_params()
    net = NeuralNet(
        module=module,
        criterion=torch.nn.MSELoss,
        optimizer=torch.optim.AdamW,
        lr=params["learning_rate"],
        optimizer__weight_decay=params["weight_decay"],
        optimizer__param_groups=[("*bias", {"weight_decay": 0.0})],
        max_epochs=1,
        batch_size=batch_size,
        train_split=None,
        callbacks__print_log__sink=lambda *a, **k: None,
        **kwargs,
    )
    return net.initialize()


def _torch_epoch(module, loss_fn, Xt, yt, batches, params):
    """Plain torch: forward, loss, backward, AdamW step over fixed batches.

    AdamW takes the estimator's ``learning_rate`` and ``weight_decay`` (biases
    undecayed), as the estimator's own optimiser does.
    """
    decay = [p for n, p in module.named_parameters() if not n.endswith("bias")]
    no_decay = [p for n, p in module.named_parameters() if n.endswith("bias")]
    opt = torch.optim.AdamW(
        [{"params": decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=params["learning_rate"],
        weight_decay=params["weight_decay"],
    )
    module.train()

    def epoch():
        for idx in batches:
            opt.zero_grad()
            loss = loss_fn(module(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()

    return epoch


def training_ratio(cfg):
    """ISQF-CRPS epoch / MSE epoch, same trunk, same batches, float32 CPU."""
    X, y = _speed_data(cfg.speed_rows, cfg.speed_features, cfg.seed)
    batch = cfg.speed_batch
    est = _isqf_estimator(X, y, batch, cfg.seed)
    Xs = ((X - X.mean(0)) / X.std(0)).astype(np.float32)
    ys = ((y - y.mean()) / y.std()).astype(np.float32)
    mse = _mse_net(est, batch, cfg.seed)
    rows = _Rows(Xs, ys[:, None])
    isqf_s = _median_time(lambda: est.partial_fit(X, y), cfg.repeats)
    mse_s = _median_time(lambda: mse.partial_fit(rows, None), cfg.repeats)

    # The same comparison without skorch: a bare loop over identical batches.
    Xt, yt = torch.from_numpy(Xs), torch.from_numpy(ys)
    order = np.random.RandomState(cfg.seed).permutation(len(Xs))
    batches = [torch.from_numpy(order[i : i + batch]) for i in range(0, len(Xs), batch)]
    params = est.get_params()
    isqf_module = copy.deepcopy(est.net_.module_)
    mse_module = copy.deepcopy(mse.module_)
    bare_isqf = _median_time(
        _torch_epoch(
            isqf_module,
            lambda r, t: isqf_module.score(r, t).mean(),
            Xt,
            yt,
            batches,
            params,
        ),
        cfg.repeats,
    )
    bare_mse = _median_time(
        _torch_epoch(
            mse_module,
            lambda r, t: torch.nn.functional.mse_loss(r[:, 0], t),
            Xt,
            yt,
            batches,
            params,
        ),
        cfg.repeats,
    )
    return est, (isqf_s, mse_s), (bare_isqf, bare_mse)


def predict_ratio(cfg, est):
    """Public predict_quantile (float64 out) / the trunk's float32 forward pass."""
    X, _ = _speed_data(cfg.speed_rows, cfg.speed_features, cfg.seed + 1)
    Xs = torch.from_numpy(((X - X.mean(0)) / X.std(0)).astype(np.float32))
    trunk = copy.deepcopy(est.net_.module_.trunk).eval()
    full = copy.deepcopy(est.net_.module_).eval()

    def forward(module):
        def run():
            with torch.no_grad():
                module(Xs)

        return run

    predict_s = _median_time(lambda: est.predict_quantile(X, LEVELS), cfg.repeats)
    trunk_s = _median_time(forward(trunk), cfg.repeats)
    net_s = _median_time(forward(full), cfg.repeats)
    return predict_s, trunk_s, net_s


def _ratio_line(name, num, den, target):
    ratio = num / den
    verdict = "meets" if ratio <= target else "MISSES"
    return (
        f"{name}: {num:.3f} s / {den:.3f} s = {ratio:.2f}  "
        f"(target <= {target}: {verdict})"
    )


def speed_ratios(cfg):
    n, d, b = cfg.speed_rows, cfg.speed_features, cfg.speed_batch
    print(
        f"\n== Speed ratios (CPU, float32 trunk, {n} rows x {d} features, "
        f"median of {cfg.repeats} after one warm-up) =="
    )
    est, (isqf_s, mse_s), (bare_isqf, bare_mse) = training_ratio(cfg)
    print(_ratio_line("train epoch ISQF-CRPS / MSE", isqf_s, mse_s, TRAIN_RATIO_TARGET))
    print(
        f"  numerator: est.partial_fit(X, y) on {n} rows, batch {b}: input "
        "validation,\n    X/y standardisation to float32, the rollback snapshot "
        f"and one skorch epoch of {-(-n // b)} batches\n    (forward, closed-form "
        "CRPS, backward, AdamW step).\n  denominator: skorch NeuralNet.partial_fit "
        "for one epoch on the same rows, pre-standardised\n    to float32 and "
        "indexed whole-batch as tensors (like the estimator's data): a deep copy\n"
        "    of the estimator's trunk, a Linear(width, 1) head, MSELoss, AdamW with "
        "the same lr,\n    weight decay and bias groups, the same batch iterator."
    )
    print(
        "  same, bare torch loop (identical batches, no skorch, no validation): "
        f"{bare_isqf:.3f} s / {bare_mse:.3f} s = {bare_isqf / bare_mse:.2f}"
    )
    predict_s, trunk_s, net_s = predict_ratio(cfg, est)
    print(
        _ratio_line(
            "predict_quantile / trunk forward", predict_s, trunk_s, PREDICT_RATIO_TARGET
        )
    )
    print(
        f"  numerator: est.predict_quantile(X, 99 levels) on {n} rows: validation, "
        "standardisation,\n    a float64 copy of the network, chunked float64 "
        "forward, ISQF quantiles, float64 (n, 99) array.\n  denominator: the "
        "trunk alone (eval mode, torch.no_grad) on a ready float32 tensor.\n"
        f"  for reference: trunk + head raw outputs in float32 = {net_s:.3f} s "
        f"(predict_quantile / that = {predict_s / net_s:.2f})"
    )
    if cfg.profile:
        profile(est, n, d, cfg.seed)
    return isqf_s / mse_s, predict_s / trunk_s


def profile(est, n, d, seed):
    X, y = _speed_data(n, d, seed + 2)
    for title, call in [
        ("one ISQF epoch (est.partial_fit)", lambda: est.partial_fit(X, y)),
        ("predict_quantile, 99 levels", lambda: est.predict_quantile(X, LEVELS)),
    ]:
        prof = cProfile.Profile()
        prof.runcall(call)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(12)
        print(f"\n-- cProfile, {title}, top 12 by own time --")
        lines = out.getvalue().splitlines()
        start = next((i for i, ln in enumerate(lines) if "ncalls" in ln), 0)
        print("\n".join(ln for ln in lines[start:] if ln.strip()))


# ------------------------------------------------------------------- the run
def environment_line():
    qf = "not installed"
    if RandomForestQuantileRegressor is not None:
        import quantile_forest

        qf = quantile_forest.__version__
    return _environment.environment_line(
        [f"skorch {skorch.__version__}", f"quantile-forest {qf}"]
    )


def acceptance(rows, ratios):
    print("\n== Acceptance checks ==")
    by = {(r.dataset, r.model): r for r in rows}
    names = list(dict.fromkeys(r.dataset for r in rows))
    wins = 0
    for name in names:
        ours, hgb = by.get((name, "skquantile")), by.get((name, "hgb_per_level"))
        if ours is None or hgb is None:
            continue
        wins += ours.crps_grid < hgb.crps_grid
        lo, hi = COVERAGE_BAND
        print(
            f"{name:<16} CRPS ours/HGB {ours.crps_grid / hgb.crps_grid:.3f} "
            f"({'beats' if ours.crps_grid < hgb.crps_grid else 'loses'}) | "
            f"cov90 {ours.coverage:.3f} "
            f"({'ok' if lo <= ours.coverage <= hi else 'OUT of band'}) | "
            f"n_test {ours.n_test} ({'ok' if ours.n_test >= MIN_TEST_ROWS else 'few'})"
            f" | crossings {ours.crossing:.3f}"
        )
    if names:
        print(f"skquantile beats per-level HGB on {wins} of {len(names)} data sets")
    if ratios is not None:
        train, predict = ratios
        print(
            f"train ratio {train:.2f} (<= {TRAIN_RATIO_TARGET}) | "
            f"predict ratio {predict:.2f} (<= {PREDICT_RATIO_TARGET})"
        )


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="smaller, faster run")
    p.add_argument(
        "--datasets",
        nargs="+",
        choices=list(DATASETS),
        default=None,
        help="data sets of the accuracy table (default: all; with --quick: "
        f"{' '.join(QUICK_DATASETS)})",
    )
    p.add_argument(
        "--diabetes-folds",
        type=int,
        default=None,
        help="K of the repeated K-fold on diabetes (default 5; --quick 3)",
    )
    p.add_argument(
        "--diabetes-repeats",
        type=int,
        default=None,
        help="repeats of that K-fold (default 3, i.e. 1,326 test rows; --quick 1)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of data, splits, models")
    p.add_argument("--no-accuracy", action="store_true", help="skip the table")
    p.add_argument("--no-speed", action="store_true", help="skip the speed ratios")
    p.add_argument("--profile", action="store_true", help="cProfile the ratios")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads for torch and for every OpenMP/BLAS pool (HGB, BLAS); "
        "default: leave the libraries' defaults",
    )
    args = p.parse_args(argv)
    quick = args.quick
    if args.datasets is None:
        args.datasets = QUICK_DATASETS if quick else list(DATASETS)
    if args.diabetes_folds is None:
        args.diabetes_folds = 3 if quick else 5
    if args.diabetes_repeats is None:
        args.diabetes_repeats = 1 if quick else 3
    args.n_samples = 2000 if quick else 5000
    args.test_size = 0.25
    args.speed_rows = 100_000
    args.speed_features = 20
    args.speed_batch = 1024
    args.repeats = 2 if quick else 5
    return args


def main(argv=None):
    cfg = parse_args(argv)
    if cfg.threads is not None:
        torch.set_num_threads(cfg.threads)
        threadpool_limits(cfg.threads)  # process-wide, for the whole run
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    start = time.perf_counter()
    print(
        "bench_univariate" + (" --quick" if cfg.quick else "") + f" --seed {cfg.seed}"
    )
    print(environment_line())
    print(
        f"levels: 99 ({LEVELS[0]}, ..., {LEVELS[-1]}); 90% interval = levels "
        f"{LEVELS[LOW]} and {LEVELS[HIGH]}"
    )
    rows = [] if cfg.no_accuracy else accuracy_table(cfg)
    ratios = None if cfg.no_speed else speed_ratios(cfg)
    acceptance(rows, ratios)
    print(f"\ntotal wall time {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
