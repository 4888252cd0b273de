"""Benchmark ConvexMultivariateQuantileRegressor against per-output baselines.

Run from the repository root (the package must be importable)::

    python benchmarks/bench_multivariate.py --threads 1          # full run
    python benchmarks/bench_multivariate.py --quick --threads 1  # ~1-2 min

Map of this script
------------------
- Data sets (nothing is downloaded): :func:`multi_horizon` (skquantile's Gaussian
  multi-horizon generator, AR(1) correlation rho(x) = 0.9 x_1, the MQF² paper's
  synthetic setting), :func:`banana_t` (a curved, heavy-tailed law defined here, see
  :func:`_banana_draw`) and :func:`linnerud` (scikit-learn's 20-row, 3-output
  Linnerud data, repeated 5-fold). Each returns a :class:`DataSet`: its splits and,
  for generated data, a :class:`Truth` (oracle draws, true marginal 90% intervals,
  true conditional Spearman correlations).
- Models, all fitted on the same splits and sampled with the same seed:
  :class:`Skquantile` (``ConvexMultivariateQuantileRegressor`` with its defaults),
  :class:`Independent` (a) one ``IncrementalQuantileRegressor`` per output, sampled
  independently, :class:`GaussianCopula` (b) the same fitted margins joined by a
  Gaussian copula of the training ranks, and :class:`GaussianMLP` (c) a network
  giving a mean and a full covariance (Cholesky factor), trained by Gaussian NLL.
  The baselines turn one shared array of N(0, I) latents into draws; skquantile
  gets the same seed for its own latents.
- :func:`run_dataset` pools the test rows of the splits and scores every model:
  energy score, variogram score (p = 0.5), mean marginal CRPS, the error of the
  predicted conditional Spearman correlation, 90% marginal coverage, timings.
- :func:`newton_line` (Newton iterations of skquantile's ranks on the test rows),
  :func:`throughput` (draws per second of ``sample`` at d = 8) and
  :func:`acceptance` (one line per check) follow the table.

The script prints numbers only; tests never import it.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import _environment
import numpy as np
import torch
from _environment import fmt
from scipy import special, stats
from sklearn.datasets import load_linnerud
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import RepeatedKFold, train_test_split
from threadpoolctl import threadpool_limits

from skquantile import ConvexMultivariateQuantileRegressor, IncrementalQuantileRegressor
from skquantile.datasets import make_multi_horizon
from skquantile.metrics import crps_ensemble, energy_score, variogram_score

# Draws per test row for the ensemble scores, and for the Spearman correlations.
N_DRAWS = 100
N_CORR_DRAWS = 200
# Central 90% marginal interval, and the acceptance band of its coverage.
INTERVAL = (0.05, 0.95)
COVERAGE_BAND = (0.85, 0.95)
# Order of the variogram score.
VARIOGRAM_P = 0.5
# Clipping of the training PITs before the normal scores of the copula.
PIT_CLIP = 1e-3
# Sampling throughput: rows x draws at d outputs.
THROUGHPUT_OUTPUTS = 8


# --------------------------------------------------------------------- data sets
@dataclass
class Split:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


@dataclass
class Truth:
    """The true conditional law of a generated data set.

    ``draw(X, eps, rng)`` maps latents ``eps`` (n, m, d) (plus extra randomness
    from ``rng`` where the law needs it) to draws (n, m, d); ``interval(X)`` gives
    the true marginal quantiles at INTERVAL, (n, 2, d); ``spearman(X)`` the true
    Spearman correlation of every pair of outputs, (n, d (d - 1) / 2).
    """

    draw: Callable
    interval: Callable
    spearman: Callable


@dataclass
class DataSet:
    name: str
    splits: list
    truth: Truth | None = None
    note: str = ""


def _pairs(d):
    return np.triu_indices(d, 1)


def _holdout(X, y, cfg):
    train, test = train_test_split(
        np.arange(X.shape[0]), test_size=cfg.n_test, random_state=cfg.seed
    )
    return [Split(X[train], y[train], X[test], y[test])]


def multi_horizon(cfg):
    """make_multi_horizon: Gaussian, AR(1) correlation rho(x) = 0.9 x_1, d = 4."""
    d = cfg.horizons
    X, y, qf, cov = make_multi_horizon(
        n_samples=cfg.n_train + cfg.n_test,
        n_features=5,
        n_horizons=d,
        random_state=cfg.seed,
        return_quantile_function=True,
        return_covariance=True,
    )

    def draw(Xq, eps, rng):
        chol = np.linalg.cholesky(cov(Xq))
        return qf(Xq, 0.5)[:, None, :] + np.einsum("nij,nmj->nmi", chol, eps)

    def spearman(Xq):
        c = cov(Xq)
        sd = np.sqrt(np.einsum("nii->ni", c))
        r = c / sd[:, :, None] / sd[:, None, :]
        i, j = _pairs(d)
        # Gaussian copula: rho_S = 6 / pi * arcsin(r / 2).
        return 6.0 / np.pi * np.arcsin(r[:, i, j] / 2.0)

    def interval(Xq):
        return qf(Xq, list(INTERVAL))

    truth = Truth(draw, interval, spearman)
    return DataSet("multi_horizon", _holdout(X, y, cfg), truth, f"d={d}")


# Degrees of freedom of the heavy-tailed output of banana_t.
BANANA_DF = 3
BANANA_FEATURES = 5
# Common-random-number draws for the true Spearman correlation and the true
# marginal intervals of banana_t (per row, shared by all rows), and their seed.
TRUTH_SEED = 12345


def _banana_draw(X, eps, chi2):
    r"""The banana_t law: draws (n, m, 3) from latents eps (n, m, 3), chi2 (n, m).

    With :math:`Z_1, Z_2, Z_3 \sim N(0, 1)` and :math:`W \sim \chi^2_\nu / \nu`
    (:math:`\nu = 3`) independent, and X uniform on [-1, 1]^5 (x_3, x_4 unused):

    - :math:`Y_1 = x_0 + (0.6 + 0.4 x_0) Z_1`
    - :math:`Y_2 = \tfrac12 \cos(\pi x_0) + 0.3 (1 + x_1)(Z_1^2 - 1)
      + 0.8 x_2 Z_1 + 0.4 Z_2`, a parabola in :math:`Z_1` (a banana) whose
      curvature grows with x_1 and whose tilt changes sign with x_2;
    - :math:`Y_3 = \tfrac12 x_1 + \tfrac12 (\rho Z_1 + \sqrt{1 - \rho^2} Z_3) /
      \sqrt W` with :math:`\rho = -0.9 x_1`: Student-t(3) margin, tied to
      :math:`Z_1` with a sign and a strength set by x_1.
    """
    x0, x1, x2 = (X[:, k, None] for k in range(3))
    z1, z2, z3 = eps[..., 0], eps[..., 1], eps[..., 2]
    rho = -0.9 * x1
    y1 = x0 + (0.6 + 0.4 * x0) * z1
    y2 = 0.5 * np.cos(np.pi * x0) + 0.3 * (1 + x1) * (z1**2 - 1) + 0.8 * x2 * z1
    y2 = y2 + 0.4 * z2
    t = (rho * z1 + np.sqrt(1 - rho**2) * z3) / np.sqrt(chi2)
    y3 = 0.5 * x1 + 0.5 * t
    return np.stack([y1, y2, y3], axis=-1)


def _banana_latents(rng, n, m):
    return rng.standard_normal((n, m, 3)), rng.chisquare(BANANA_DF, (n, m)) / BANANA_DF


def banana_t(cfg):
    """Curved, heavy-tailed 3-output law defined in :func:`_banana_draw`."""
    rng = np.random.default_rng(cfg.seed)
    n = cfg.n_train + cfg.n_test
    X = rng.uniform(-1.0, 1.0, size=(n, BANANA_FEATURES))
    eps, chi2 = _banana_latents(rng, n, 1)
    y = _banana_draw(X, eps, chi2)[:, 0]

    def common(n_draws):
        # One set of latents shared by all rows (common random numbers).
        eps, chi2 = _banana_latents(np.random.default_rng(TRUTH_SEED), 1, n_draws)
        return eps, chi2

    def draw(Xq, eps, rng):
        return _banana_draw(
            Xq, eps, rng.chisquare(BANANA_DF, eps.shape[:2]) / BANANA_DF
        )

    def spearman(Xq):
        eps, chi2 = common(cfg.truth_draws)
        out = [
            spearman_pairs(_banana_draw(Xq[i : i + 20], eps, chi2))
            for i in range(0, Xq.shape[0], 20)
        ]
        return np.concatenate(out)

    def interval(Xq):
        eps, chi2 = common(cfg.truth_draws)
        out = [
            np.moveaxis(
                np.quantile(_banana_draw(Xq[i : i + 50], eps, chi2), INTERVAL, axis=1),
                0,
                1,
            )
            for i in range(0, Xq.shape[0], 50)
        ]
        return np.concatenate(out)

    truth = Truth(draw, interval, spearman)
    return DataSet("banana_t", _holdout(X, y, cfg), truth, "d=3")


def linnerud(cfg):
    """sklearn's Linnerud: 20 men, 3 exercises -> weight, waist, pulse."""
    X, y = load_linnerud(return_X_y=True)
    folds = RepeatedKFold(
        n_splits=5, n_repeats=cfg.linnerud_repeats, random_state=cfg.seed
    )
    splits = [Split(X[tr], y[tr], X[te], y[te]) for tr, te in folds.split(X)]
    note = f"d=3, 5-fold x {cfg.linnerud_repeats}"
    return DataSet("linnerud", splits, None, note)


DATASETS = {"multi_horizon": multi_horizon, "banana_t": banana_t, "linnerud": linnerud}


# ------------------------------------------------------------------ statistics
def spearman_pairs(draws):
    """Spearman correlation of each pair of outputs, per row: (n, m, d) -> (n, P)."""
    ranks = stats.rankdata(draws, axis=1)
    ranks -= ranks.mean(axis=1, keepdims=True)
    cov = np.einsum("nmi,nmj->nij", ranks, ranks)
    sd = np.sqrt(np.einsum("nii->ni", cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / sd[:, :, None] / sd[:, None, :]
    i, j = _pairs(draws.shape[-1])
    return np.nan_to_num(corr[:, i, j])


def latents(n, m, d, seed):
    """The N(0, I) latents shared by every baseline (and the oracle)."""
    return np.random.default_rng(seed).standard_normal((n, m, d))


# ----------------------------------------------------------------------- models
class Skquantile:
    """ConvexMultivariateQuantileRegressor, defaults (``max_epochs`` with --quick)."""

    name = "skquantile"

    def __init__(self, cfg):
        self.est = ConvexMultivariateQuantileRegressor(
            random_state=cfg.seed, **cfg.epochs("max_epochs")
        )

    def fit(self, X, y):
        self.est.fit(X, y)
        return self

    def sample(self, X, m, seed):
        return self.est.sample(X, n_samples=m, random_state=seed)

    def interval(self, X):
        return self.est.predict_marginal_quantile(X, list(INTERVAL))


class Margins:
    """One IncrementalQuantileRegressor per output (defaults), fitted once."""

    def __init__(self, cfg):
        self.cfg = cfg

    def fit(self, X, y):
        self.models = [
            IncrementalQuantileRegressor(
                random_state=self.cfg.seed + j, **self.cfg.epochs("max_epochs")
            ).fit(X, y[:, j])
            for j in range(y.shape[1])
        ]
        return self

    def quantile(self, X, u):
        """Per-row levels u (n, m, d) -> (n, m, d), output by output."""
        cols = [q.predict_quantile(X, u[:, :, j]) for j, q in enumerate(self.models)]
        return np.stack(cols, axis=-1)

    def interval(self, X):
        cols = [q.predict_quantile(X, list(INTERVAL)) for q in self.models]
        return np.stack(cols, axis=-1)


def _open_uniform(z):
    return np.clip(special.ndtr(z), 1e-12, 1 - 1e-12)


class Independent:
    """(a) The margins, sampled independently: inverse transform of Phi(eps)."""

    name = "indep_margins"

    def __init__(self, margins):
        self.margins = margins

    def fit(self, X, y):
        return self  # the margins are fitted (and timed) once, outside

    def sample(self, X, m, seed):
        eps = latents(X.shape[0], m, len(self.margins.models), seed)
        return self.margins.quantile(X, _open_uniform(eps))

    def interval(self, X):
        return self.margins.interval(X)


class GaussianCopula(Independent):
    """(b) The same margins joined by a Gaussian copula of the training ranks.

    The copula correlation is that of the normal scores Phi^-1(F_j(y_j | x)) of the
    training rows (PITs clipped to [PIT_CLIP, 1 - PIT_CLIP]); it does not depend
    on x.
    """

    name = "gauss_copula"

    def fit(self, X, y):
        pit = np.stack(
            [q.predict_cdf(X, y[:, j]) for j, q in enumerate(self.margins.models)],
            axis=1,
        )
        scores = special.ndtri(np.clip(pit, PIT_CLIP, 1 - PIT_CLIP))
        corr = np.corrcoef(scores, rowvar=False)
        corr = np.where(np.isfinite(corr), corr, np.eye(corr.shape[0]))
        # Keep it positive definite (a rank-deficient training set can break it).
        w, v = np.linalg.eigh(corr)
        corr = (v * np.maximum(w, 1e-6)) @ v.T
        sd = np.sqrt(np.diag(corr))
        self.corr_ = corr / np.outer(sd, sd)
        self.chol_ = np.linalg.cholesky(self.corr_)
        return self

    def sample(self, X, m, seed):
        eps = latents(X.shape[0], m, len(self.margins.models), seed)
        return self.margins.quantile(X, _open_uniform(eps @ self.chol_.T))


class _GaussianNet(torch.nn.Module):
    """MLP -> mean (d) and a lower Cholesky factor (softplus diagonal)."""

    def __init__(self, n_features, d, hidden):
        super().__init__()
        layers, width = [], n_features
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.SiLU()]
            width = h
        self.trunk = torch.nn.Sequential(*layers)
        self.mean = torch.nn.Linear(width, d)
        self.factor = torch.nn.Linear(width, d * (d + 1) // 2)
        rows, cols = torch.tril_indices(d, d)
        self.register_buffer("rows", rows)
        self.register_buffer("cols", cols)
        self.d = d

    def forward(self, x):
        h = self.trunk(x)
        raw = self.factor(h)
        L = raw.new_zeros(x.shape[0], self.d, self.d)
        L[:, self.rows, self.cols] = raw
        diag = torch.nn.functional.softplus(torch.diagonal(L, dim1=1, dim2=2)) + 1e-3
        L = torch.tril(L, -1) + torch.diag_embed(diag)
        return self.mean(h), L


def _gaussian_nll(mean, L, y):
    r = torch.linalg.solve_triangular(L, (y - mean)[..., None], upper=False)[..., 0]
    log_det = torch.log(torch.diagonal(L, dim1=1, dim2=2)).sum(-1)
    return (0.5 * (r**2).sum(-1) + log_det).mean()


class GaussianMLP:
    """(c) N(mu(x), L(x) L(x)^T): MLP (64, 64) SiLU, Gaussian NLL, Adam.

    X and each output are standardised with training statistics. A validation split
    (10% of the rows; 20% and at least 3 rows below 200 rows) stops training after
    PATIENCE epochs without improvement and restores the best weights. Batches of
    128 rows, smaller on small data so that an epoch has about 10 steps.
    """

    name = "gaussian_mlp"
    HIDDEN = (64, 64)
    PATIENCE = 20
    LEARNING_RATE = 1e-3

    def __init__(self, cfg):
        self.seed = cfg.seed
        self.max_epochs = cfg.epochs("max_epochs").get("max_epochs", 500)

    def fit(self, X, y):
        rng = np.random.default_rng(self.seed)
        self.x_loc, self.x_sd = X.mean(0), np.where(X.std(0) > 0, X.std(0), 1.0)
        self.y_loc, self.y_sd = y.mean(0), np.where(y.std(0) > 0, y.std(0), 1.0)
        Xs = torch.as_tensor((X - self.x_loc) / self.x_sd, dtype=torch.float32)
        ys = torch.as_tensor((y - self.y_loc) / self.y_sd, dtype=torch.float32)
        n = X.shape[0]
        n_valid = int(0.1 * n) if n >= 200 else max(3, int(0.2 * n))
        order = rng.permutation(n)
        valid, train = order[:n_valid], order[n_valid:]
        batch = min(128, max(4, len(train) // 10))
        with torch.random.fork_rng():
            torch.manual_seed(self.seed)
            self.net = _GaussianNet(X.shape[1], y.shape[1], self.HIDDEN)
        opt = torch.optim.Adam(self.net.parameters(), lr=self.LEARNING_RATE)
        best, best_state, waited = np.inf, None, 0
        for _ in range(self.max_epochs):
            self.net.train()
            perm = train[rng.permutation(len(train))]
            for i in range(0, len(perm), batch):
                idx = torch.as_tensor(perm[i : i + batch])
                opt.zero_grad()
                loss = _gaussian_nll(*self.net(Xs[idx]), ys[idx])
                loss.backward()
                opt.step()
            self.net.eval()
            with torch.no_grad():
                v_idx = torch.as_tensor(valid)
                v_loss = float(_gaussian_nll(*self.net(Xs[v_idx]), ys[v_idx]))
            if v_loss < best - 1e-4:
                best, waited = v_loss, 0
                best_state = {k: t.clone() for k, t in self.net.state_dict().items()}
            else:
                waited += 1
                if waited >= self.PATIENCE:
                    break
        if best_state is not None:
            self.net.load_state_dict(best_state)
        return self

    def _params(self, X):
        Xs = torch.as_tensor((X - self.x_loc) / self.x_sd, dtype=torch.float32)
        self.net.eval()
        with torch.no_grad():
            mean, L = self.net(Xs)
        mean = mean.double().numpy() * self.y_sd + self.y_loc
        L = L.double().numpy() * self.y_sd[:, None]
        return mean, L

    def sample(self, X, m, seed):
        mean, L = self._params(X)
        eps = latents(X.shape[0], m, mean.shape[1], seed)
        return mean[:, None, :] + np.einsum("nij,nmj->nmi", L, eps)

    def interval(self, X):
        mean, L = self._params(X)
        sd = np.sqrt((L**2).sum(-1))
        z = special.ndtri(np.asarray(INTERVAL))
        return mean[:, None, :] + z[None, :, None] * sd[:, None, :]


MODEL_NAMES = ["skquantile", "indep_margins", "gauss_copula", "gaussian_mlp"]


def fit_models(split, cfg):
    """Fit every model on one split: {name: (model, fit seconds)}."""
    out = {}
    t0 = time.perf_counter()
    sk = Skquantile(cfg).fit(split.X_train, split.y_train)
    out["skquantile"] = (sk, time.perf_counter() - t0)
    t0 = time.perf_counter()
    margins = Margins(cfg).fit(split.X_train, split.y_train)
    margins_s = time.perf_counter() - t0
    out["indep_margins"] = (Independent(margins), margins_s)
    t0 = time.perf_counter()
    copula = GaussianCopula(margins).fit(split.X_train, split.y_train)
    out["gauss_copula"] = (copula, margins_s + time.perf_counter() - t0)
    t0 = time.perf_counter()
    mlp = GaussianMLP(cfg).fit(split.X_train, split.y_train)
    out["gaussian_mlp"] = (mlp, time.perf_counter() - t0)
    return out


# ------------------------------------------------------------------ the table
@dataclass
class Pooled:
    """One model's forecasts of one data set, concatenated over its splits."""

    y: list = field(default_factory=list)
    draws: list = field(default_factory=list)
    interval: list = field(default_factory=list)
    corr: list = field(default_factory=list)
    fit_s: float = 0.0
    sample_s: float = 0.0


@dataclass
class Row:
    dataset: str
    model: str
    n_test: int
    nrg: float
    vs: float
    crps: float
    corr_err: float | None
    cov90: float
    fit_s: float | None
    sample_s: float | None


def summarise(dataset, model, pooled, true_corr, timed=True):
    y = np.concatenate(pooled.y)
    draws = np.concatenate(pooled.draws)
    interval = np.concatenate(pooled.interval)
    crps = np.mean([crps_ensemble(y[:, j], draws[:, :, j]) for j in range(y.shape[1])])
    inside = (y >= interval[:, 0]) & (y <= interval[:, 1])
    corr_err = None
    if true_corr is not None:
        corr_err = float(np.abs(np.concatenate(pooled.corr) - true_corr).mean())
    return Row(
        dataset=dataset,
        model=model,
        n_test=y.shape[0],
        nrg=energy_score(y, draws),
        vs=variogram_score(y, draws, p=VARIOGRAM_P),
        crps=float(crps),
        corr_err=corr_err,
        cov90=float(inside.mean()),
        fit_s=pooled.fit_s if timed else None,
        sample_s=pooled.sample_s if timed else None,
    )


@dataclass
class NewtonStats:
    dataset: str
    n_points: int
    median: float
    max: int
    seconds: float
    warnings: list


def _corr_rows(split, cfg):
    return np.arange(min(cfg.n_corr_rows, split.X_test.shape[0]))


def run_dataset(name, cfg, log):
    data = DATASETS[name](cfg)
    pooled = {m: Pooled() for m in MODEL_NAMES}
    oracle = Pooled() if data.truth is not None else None
    newton_iters, newton_s, newton_warnings = [], 0.0, []
    true_corr = []
    for split in data.splits:
        fitted = fit_models(split, cfg)
        rows = _corr_rows(split, cfg)
        for model_name, (model, fit_s) in fitted.items():
            p = pooled[model_name]
            t0 = time.perf_counter()
            draws = model.sample(split.X_test, N_DRAWS, cfg.seed)
            p.sample_s += time.perf_counter() - t0
            p.fit_s += fit_s
            p.y.append(split.y_test)
            p.draws.append(draws)
            p.interval.append(model.interval(split.X_test))
            if data.truth is not None:
                corr_draws = model.sample(
                    split.X_test[rows], N_CORR_DRAWS, cfg.seed + 1
                )
                p.corr.append(spearman_pairs(corr_draws))
        sk = fitted["skquantile"][0].est
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            _, n_iter = sk._rank(split.X_test, split.y_test[:, None, :])
        newton_s += time.perf_counter() - t0
        newton_iters.append(np.ravel(n_iter))
        newton_warnings += [
            str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)
        ]
        if data.truth is not None:
            truth, X_test = data.truth, split.X_test
            d = split.y_test.shape[1]
            rng = np.random.default_rng(cfg.seed + 2)
            oracle.y.append(split.y_test)
            oracle.draws.append(
                truth.draw(X_test, latents(len(X_test), N_DRAWS, d, cfg.seed), rng)
            )
            oracle.interval.append(truth.interval(X_test))
            eps = latents(len(rows), N_CORR_DRAWS, d, cfg.seed + 1)
            oracle.corr.append(spearman_pairs(truth.draw(X_test[rows], eps, rng)))
            true_corr.append(truth.spearman(X_test[rows]))
    true_corr = np.concatenate(true_corr) if true_corr else None
    out = [summarise(name, m, pooled[m], true_corr) for m in MODEL_NAMES]
    if oracle is not None:
        out.append(summarise(name, "oracle", oracle, true_corr, timed=False))
    iters = np.concatenate(newton_iters)
    newton = NewtonStats(
        name,
        iters.size,
        float(np.median(iters)),
        int(iters.max()),
        newton_s,
        newton_warnings,
    )
    fit_total = sum(p.fit_s for p in pooled.values())
    log(
        f"  done: {name:<14} ({data.note}) {len(data.splits)} split(s), "
        f"{out[0].n_test} test rows, fits {fit_total:.1f} s",
        flush=True,
    )
    return out, newton


TABLE_HEADER = (
    f"{'dataset':<14} {'model':<14} {'n_test':>6} {'energy':>8} {'vario.5':>8} "
    f"{'CRPS':>8} {'corr_err':>8} {'cov90':>6} {'fit_s':>7} {'sample_s':>8}"
)


def format_row(r):
    return (
        f"{r.dataset:<14} {r.model:<14} {r.n_test:>6d} {r.nrg:>8.4f} {r.vs:>8.4f} "
        f"{r.crps:>8.4f} {fmt(r.corr_err, '.4f'):>8} {r.cov90:>6.3f} "
        f"{fmt(r.fit_s, '.1f'):>7} {fmt(r.sample_s, '.2f'):>8}"
    )


def newton_line(s):
    line = (
        f"{s.dataset:<14} {s.n_points:>6d} test rows: median {s.median:.1f}, "
        f"max {s.max}, {s.seconds:.2f} s"
    )
    if s.warnings:
        line += f" | {len(s.warnings)} warning(s), first: {s.warnings[0]}"
    return line


# ------------------------------------------------------------------ throughput
def throughput(cfg, log):
    """Draws per second of skquantile's sample at d = 8 on a briefly fitted model."""
    d = THROUGHPUT_OUTPUTS
    X, y = make_multi_horizon(n_samples=2000, n_horizons=d, random_state=cfg.seed)
    est = ConvexMultivariateQuantileRegressor(
        max_epochs=cfg.throughput_epochs, random_state=cfg.seed
    ).fit(X, y)
    X_new, _ = make_multi_horizon(
        n_samples=cfg.throughput_rows, n_horizons=d, random_state=cfg.seed + 1
    )
    est.sample(X_new[:100], n_samples=N_DRAWS, random_state=cfg.seed)  # warm-up
    t0 = time.perf_counter()
    draws = est.sample(X_new, n_samples=N_DRAWS, random_state=cfg.seed)
    seconds = time.perf_counter() - t0
    n = draws.shape[0] * draws.shape[1]
    log(
        f"\n== Sampling throughput (skquantile, d = {d}, fitted "
        f"{est.n_iter_} epoch(s) on 2,000 rows) =="
    )
    log(
        f"sample({cfg.throughput_rows:,} rows, n_samples={N_DRAWS}): {n:,} draws "
        f"in {seconds:.2f} s = {n / seconds:,.0f} draws/s "
        f"({n * d / seconds:,.0f} coordinates/s)"
    )
    return n / seconds


# ------------------------------------------------------------------- acceptance
def acceptance(rows, log):
    log("\n== Acceptance checks ==")
    by = {(r.dataset, r.model): r for r in rows}
    names = list(dict.fromkeys(r.dataset for r in rows))

    def verdict(ok):
        return "met" if ok else "NOT MET"

    lo, hi = COVERAGE_BAND
    for name in names:
        ours, indep = by.get((name, "skquantile")), by.get((name, "indep_margins"))
        synthetic = (name, "oracle") in by
        if synthetic and ours is not None and indep is not None:
            for label, a, b in [
                ("energy score", ours.nrg, indep.nrg),
                ("variogram score", ours.vs, indep.vs),
            ]:
                log(
                    f"{name:<14} {label} skquantile < indep_margins: "
                    f"{a:.4f} vs {b:.4f} ({verdict(a < b)})"
                )
        if name == "multi_horizon" and ours is not None and ours.corr_err is not None:
            ok = ours.corr_err <= 0.5 * indep.corr_err
            log(
                f"{name:<14} corr_err skquantile <= 0.5 x indep_margins: "
                f"{ours.corr_err:.4f} vs 0.5 x {indep.corr_err:.4f} = "
                f"{0.5 * indep.corr_err:.4f} ({verdict(ok)})"
            )
        if ours is not None:
            log(
                f"{name:<14} cov90 skquantile in [{lo}, {hi}]: {ours.cov90:.3f} "
                f"({verdict(lo <= ours.cov90 <= hi)})"
            )


# ------------------------------------------------------------------- the run
def environment_line():
    return _environment.environment_line()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick",
        action="store_true",
        help="small data, every model capped at 30 epochs, linnerud 5-fold x 1, "
        "throughput on 2,000 rows",
    )
    p.add_argument(
        "--datasets",
        nargs="+",
        choices=list(DATASETS),
        default=list(DATASETS),
        help="data sets of the table (default: all)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of data, splits, models")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch.set_num_threads(N) and a process-wide threadpoolctl limit; "
        "default: the libraries' defaults",
    )
    p.add_argument(
        "--output", default=None, help="also write everything printed to this file"
    )
    p.add_argument(
        "--no-throughput", action="store_true", help="skip the throughput line"
    )
    args = p.parse_args(argv)
    quick = args.quick
    args.n_train = 900 if quick else 3000
    args.n_test = 300 if quick else 1000
    args.horizons = 4
    args.n_corr_rows = 100 if quick else 200
    args.truth_draws = 5000 if quick else 20000
    args.linnerud_repeats = 1 if quick else 2
    args.throughput_rows = 2000 if quick else 10_000
    args.throughput_epochs = 2
    cap = 30 if quick else None

    def epochs(key):
        return {} if cap is None else {key: cap}

    args.epochs = epochs
    return args


def main(argv=None):
    cfg = parse_args(argv)
    if cfg.threads is not None:
        torch.set_num_threads(cfg.threads)
        threadpool_limits(cfg.threads)  # process-wide, for the whole run
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    lines = []

    def log(line="", flush=False):
        print(line, flush=flush)
        lines.append(line)

    start = time.perf_counter()
    log(
        "bench_multivariate" + (" --quick" if cfg.quick else "") + f" --seed {cfg.seed}"
    )
    log(environment_line())
    log(
        f"{N_DRAWS} draws per test row for the scores; {N_CORR_DRAWS} draws on the "
        f"first {cfg.n_corr_rows} test rows for corr_err"
    )
    rows, newton = [], []
    log("\n== Accuracy (test rows pooled over each data set's splits) ==")
    for name in cfg.datasets:
        out, stats_ = run_dataset(name, cfg, log)
        rows += out
        newton.append(stats_)
    log()
    log(TABLE_HEADER)
    log("-" * len(TABLE_HEADER))
    for r in rows:
        log(format_row(r))
    log("\n== Newton iterations of skquantile's ranks (predict_cdf) on test rows ==")
    for s in newton:
        log(newton_line(s))
    if not cfg.no_throughput:
        throughput(cfg, log)
    acceptance(rows, log)
    log(f"\ntotal wall time {time.perf_counter() - start:.0f} s")
    if cfg.output:
        with open(cfg.output, "w") as fh:
            fh.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
