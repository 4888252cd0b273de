"""Tests of the ISQF maths: the oracles 1-11 of ``shared/design/isqf.md`` section 10.

The fast code (``skquantile.distributions.ISQF``, two-part CRPS) is checked against
the plain float64 reference in ``_reference.py``: the quantile function by loops, the
generic and per-interval CRPS forms, Gauss-Legendre quadrature of 2 x pinball over
alpha and scipy quadrature of the threshold form. Oracles 1 and 3 are hypothesis
properties over heads with raw outputs in [-1e3, 1e3]; the others use raw outputs
drawn from N(0, 1.5**2) with fixed seeds, on a handful of knot configurations.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats

from skquantile.distributions import ISQF, open_uniform
from skquantile.nn import isqf_domain_map, isqf_head_width

from ..strategies import HeadCase, edge_head, head_width, isqf_heads
from . import _reference as ref

F64, F32 = torch.float64, torch.float32

# Knot configurations for the oracles that use raw ~ N(0, 1.5**2): (levels, P).
NORMAL_CONFIGS = [
    ((0.1, 0.9), 1),
    ((0.05, 0.3, 0.6, 0.95), 3),
    ((0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95), 4),
    ((0.02, 0.5, 0.501, 0.98), 7),
]
CONFIG_IDS = [f"K{len(levels)}-P{p}" for levels, p in NORMAL_CONFIGS]

# @example pins for the hypothesis properties: knot levels at 1e-9 and 1 - 1e-9
# (1 - 1e-9 rounds to 1 in float32, so those checks run in float64 only), levels that
# survive float32 (1 - 2**-24 is the largest float32 below 1), the minimum spacing,
# and rows of raw outputs at exactly +-1e3 and 0.
EDGE_CASES = [
    edge_head([1e-9, 1 - 1e-9], 1),
    edge_head([1e-9, 0.5, 1 - 1e-9], 8),
    edge_head([1e-9, 0.5, 1 - 2**-24], 3),
    edge_head([0.01, 0.011, 0.012, 0.5, 0.99], 8),
    # Shrunk failure: 1 - (1 - x_K) rounds below x_K = 0.011000000001, so F fell by
    # 1.2e-17 at y_K before the right tail was floored at x_K.
    edge_head([0.01, 0.011000000001], 1),
]
# Shrunk failure of the strict rise with the bare 4 ulp(q) margin: one ulp above
# x_K the right tail's log1p difference rounds to 0 (y = 0, 1e-4, 2e-4; beta_R at
# its floor 0.01).
RIGHT_TAIL_CASE = HeadCase(
    np.array([0.12894594594570272, 0.12994594594670272, 0.24989189189340544]),
    1,
    np.array([[0.0, -1e3, -1e3, 0.0, -1e3]]),
)


# ---------------------------------------------------------------- helpers
def normal_head(levels, pieces: int, seed: int = 0, n_rows: int = 3) -> HeadCase:
    """Raw outputs drawn from N(0, 1.5**2): the heads of oracles 2-4, 6, 7, 9."""
    rng = np.random.default_rng(seed)
    raw = rng.normal(0.0, 1.5, size=(n_rows, head_width(len(levels), pieces)))
    return HeadCase(np.asarray(levels, dtype=np.float64), pieces, raw)


def build(case: HeadCase, dtype: torch.dtype = F64) -> ISQF:
    raw = torch.tensor(case.raw, dtype=dtype)
    return isqf_domain_map(raw, torch.tensor(case.levels, dtype=dtype), case.n_pieces)


def splines(dist: ISQF) -> list[ref.Spline]:
    """The reference rows of a (1-d batch) ISQF, from its own parameters in float64."""
    x = dist.knot_levels.detach().double().numpy()
    n_knots = x.shape[0]
    rows = []
    for i in range(dist.batch_shape[0]):
        rows.append(
            ref.Spline(
                x,
                dist.knot_values[i].detach().double().numpy(),
                float(dist.beta_left[i]),
                float(dist.beta_right[i]),
                dist.dx[i].detach().double().numpy().reshape(n_knots - 1, -1),
                dist.dy[i].detach().double().numpy().reshape(n_knots - 1, -1),
            )
        )
    return rows


def representable(levels: np.ndarray, dtype: torch.dtype) -> bool:
    """Whether the knot levels stay strictly increasing inside (0, 1) in ``dtype``."""
    cast = torch.tensor(levels, dtype=dtype).double().numpy()
    return bool((cast > 0).all() and (cast < 1).all() and (np.diff(cast) > 0).all())


def to_numpy_dtype(dtype: torch.dtype):
    return np.float64 if dtype == F64 else np.float32


def alpha_grid(dist: ISQF, dtype: torch.dtype) -> np.ndarray:
    """Test 1's alpha grid, built in ``dtype``: log-spaced to 1e-12 (float64) or 1e-6
    (float32) at both ends, linear in between, plus every X_j and its neighbours."""
    np_dtype = to_numpy_dtype(dtype)
    tail = 1e-12 if dtype == F64 else 1e-6
    ends = np.geomspace(tail, 0.5, 80)
    X = dist.X.numpy().ravel().astype(np_dtype)
    grid = np.concatenate(
        [
            ends.astype(np_dtype),
            (1 - ends).astype(np_dtype),
            np.linspace(0, 1, 201).astype(np_dtype),
            X,
            np.nextafter(X, np_dtype(0)),
            np.nextafter(X, np_dtype(1)),
        ]
    )
    return np.unique(grid[(grid > 0) & (grid < 1)])


def z_grid(dist: ISQF, dtype: torch.dtype) -> np.ndarray:
    """Test 1's z grid, built in ``dtype``: +-1e6, every Y_j and its neighbours, points
    1, 10, 100 and 1000 tail scales beyond the outer knots, and a linear sweep."""
    np_dtype = to_numpy_dtype(dtype)
    Y = dist.Y.double().numpy()
    scales_left = 1 / dist.beta_left.double().numpy()[:, None]
    scales_right = 1 / dist.beta_right.double().numpy()[:, None]
    steps = np.array([1.0, 10.0, 100.0, 1000.0])
    Yc = Y.ravel().astype(np_dtype)
    grid = np.concatenate(
        [
            np.array([-1e6, 1e6]),
            (Y[:, :1] - steps * scales_left).ravel(),
            (Y[:, -1:] + steps * scales_right).ravel(),
            np.linspace(Y.min() - 10, Y.max() + 10, 101),
        ]
    ).astype(np_dtype)
    grid = np.concatenate(
        [
            grid,
            Yc,
            np.nextafter(Yc, np_dtype(-np.inf)),
            np.nextafter(Yc, np_dtype(np.inf)),
        ]
    )
    return np.unique(grid[np.isfinite(grid)])


def rows_of(values: np.ndarray, dist: ISQF, dtype: torch.dtype = F64) -> torch.Tensor:
    """The same points for every row: shape (n_rows, S), levels last."""
    t = torch.tensor(values, dtype=dtype)
    return t.expand(dist.batch_shape + t.shape).contiguous()


def ulp(t: torch.Tensor) -> torch.Tensor:
    """Spacing of float64 numbers at |t|."""
    return torch.from_numpy(np.spacing(np.abs(t.detach().numpy())))


def ulp32(v) -> np.ndarray:
    return np.spacing(np.abs(np.asarray(v)).astype(np.float32)).astype(np.float64)


# ------------------------------------------------------- the domain map
@given(case=isqf_heads())
@example(case=EDGE_CASES[0])
@example(case=EDGE_CASES[3])
def test_breakpoints_match_reference_domain_map(case):
    # The fast domain map and breakpoints against the loop-built reference rows.
    # torch's softplus returns v itself above its threshold 20, an absolute error of
    # at most e**-20 (relative e**-20 / 20) on each gap and rate against ln(1 + e**v).
    softplus_rel = math.exp(-20) / 20
    dist = build(case)
    n_knots = len(case.levels)
    for i, row in enumerate(case.raw):
        s = ref.spline_from_raw(row, case.levels, case.n_pieces)
        atol = 1e-13 * (1 + np.abs(s.y).max()) + (n_knots - 1) * math.exp(-20)
        np.testing.assert_allclose(dist.knot_values[i].numpy(), s.y, rtol=0, atol=atol)
        np.testing.assert_allclose(dist.Y[i].numpy(), s.Y, rtol=0, atol=atol)
        np.testing.assert_allclose(dist.X[i].numpy(), s.X, rtol=0, atol=1e-15)
        np.testing.assert_allclose(dist.dx[i].numpy(), s.dx.ravel(), rtol=1e-13)
        rtol = 1e-13 + softplus_rel
        np.testing.assert_allclose(dist.dy[i].numpy(), s.dy.ravel(), rtol=rtol)
        np.testing.assert_allclose(dist.slope[i].numpy(), s.m, rtol=rtol)
        np.testing.assert_allclose(dist.beta_left[i].item(), s.beta_left, rtol=rtol)
        np.testing.assert_allclose(dist.beta_right[i].item(), s.beta_right, rtol=rtol)
        assert (np.diff(dist.X[i].numpy()) >= 0).all()
        assert (np.diff(dist.Y[i].numpy()) >= 0).all()


# -------------------------------------------------- oracle 1: no crossing
@given(case=isqf_heads())
@example(case=EDGE_CASES[0])
@example(case=EDGE_CASES[1])
@example(case=EDGE_CASES[2])
@example(case=EDGE_CASES[3])
@example(case=RIGHT_TAIL_CASE)
def test_quantile_never_crosses(case):
    for dtype in (F64, F32):
        if not representable(case.levels, dtype):
            continue  # e.g. the level 1 - 1e-9 is 1.0 in float32: fit rejects it
        dist = build(case, dtype)
        grid = alpha_grid(dist, dtype)
        q = dist.quantile(rows_of(grid, dist, dtype)).double().numpy()
        assert np.isfinite(q).all()
        step = np.diff(q, axis=-1)
        assert (step >= 0).all(), f"q decreases ({dtype}): min step {step.min()!r}"
        if dtype == F32:
            continue
        # Strictly increasing wherever the true rise exceeds the rounding of the
        # arithmetic that computes q. The oracle's bare 4 ulp(q) is out of reach,
        # so the margin is 4 ulp of the largest magnitude the row handles, max(|q|,
        # |y_1|, ..., |y_K|), plus
        # - inside, the end defect of the piece, |Y_j + m_j (X_{j+1} - X_j) -
        #   Y_{j+1}| (oracle 2 bounds it by 1e-12 (1 + |Y|)), which the clamp to
        #   Y_{j+1} turns into a flat stretch;
        # - in the tails, 4 ulp of the logarithms, over beta: ln(alpha / x_1) (an
        #   argument near 1) on the left, ln(1 - alpha) and ln(1 - x_K) (isqf.md
        #   section 3 subtracts them) on the right.
        # Measured where the bare 4 ulp(q) fails:
        # - |q| << |y_k|: EDGE_CASES[3], last row, y_1 = -1e3, q = 2e-4, m = 0.1 near
        #   x_3 = 0.012: an end defect of 2.5e-14 and q flat for 2.4e-13 in alpha;
        # - steep pieces (K = 2, P = 6, m = 7.2e5): the defect is m times the
        #   rounding of X, and q(0.99 - ulp) == q(0.99) = 707.956... (true rise 8e-11);
        # - right tail (x_K = 0.2499, beta_R = 0.01, q = 2e-4): one ulp above x_K the
        #   true rise is 3.7e-15, below ulp(ln(1 - x_K)) / beta_R = 5.6e-15: flat.
        # No step straddles a breakpoint (every X_j is on the grid), so the smallest
        # slope on [a, b] is at one end: the right derivative at a or the left at b.
        lo, hi = grid[:-1], grid[1:]
        X, Y, m = (t.numpy() for t in (dist.X, dist.Y, dist.slope))
        defect = np.abs(Y[:, :-1] + m * (X[:, 1:] - X[:, :-1]) - Y[:, 1:])
        for i, s in enumerate(splines(dist)):
            slope = np.minimum(
                ref.dq_dalpha(s, lo), ref.dq_dalpha(s, np.nextafter(hi, 0))
            )
            scale = np.maximum(np.abs(q[i, :-1]), np.abs(q[i, 1:]))
            scale = np.maximum(scale, np.abs(s.y).max())
            j = np.clip(np.searchsorted(X[i], lo, side="right") - 1, 0, m.shape[1] - 1)
            left, right = lo < s.x[0], lo >= s.x[-1]
            log_left = np.maximum(np.abs(np.log(lo / s.x[0])), 0.5)
            margin = 4 * np.spacing(scale) + np.select(
                [left, right],
                [
                    4 * np.spacing(log_left) / s.beta_left,
                    4 * np.spacing(np.abs(np.log1p(-hi))) / s.beta_right,
                ],
                defect[i, j],
            )
            must_rise = slope * (hi - lo) > margin
            assert (step[i][must_rise] > 0).all(), (
                f"q flat where it must rise at alpha = {lo[must_rise & (step[i] <= 0)]}"
            )


@given(case=isqf_heads())
@example(case=EDGE_CASES[0])
@example(case=EDGE_CASES[2])
@example(case=EDGE_CASES[3])
@example(case=EDGE_CASES[4])
def test_cdf_bounded_and_monotone(case):
    for dtype in (F64, F32):
        if not representable(case.levels, dtype):
            continue
        dist = build(case, dtype)
        grid = z_grid(dist, dtype)
        assert grid[0] == -1e6 and grid[-1] == 1e6
        F = dist.cdf_last(rows_of(grid, dist, dtype)).double().numpy()
        assert ((F >= 0) & (F <= 1)).all()
        assert (np.diff(F, axis=-1) >= 0).all(), f"F decreases ({dtype})"


def check_forms_agree(s: ref.Spline, z: np.ndarray, fast: np.ndarray, generic):
    """The two-part (fast), generic and per-interval forms agree to 1e-6 relative,
    plus 4 x 2**-52 times the magnitudes each reference form adds up.

    The oracle's bare 1e-6 is out of reach for the generic form on steep pieces: its
    z - c and b**2 - a**2 cancel, with c = Y_j - m X_j of the order of m. Measured:
    1.16e-6 (K = 2, levels 0.989 and 0.99, P = 4, m = 6.9e5, CRPS = 3.1e-4), where
    the two-part form was within 4e-12 of quadrature. Wherever a reference form
    strays past 1e-6, the quadrature of test 4 decides for the fast form.
    """
    per_interval = sum(ref.crps_per_interval(s, z))
    eps = 2.0**-52
    forms = [
        (generic, ref.crps_generic_magnitude(s, z)),
        (per_interval, ref.crps_per_interval_magnitude(s, z)),
    ]
    for form, magnitude in forms:
        err = np.abs(form - fast)
        assert (err <= 1e-6 * fast + 4 * eps * magnitude).all()
        for k in np.nonzero(err > 1e-6 * fast)[0]:
            quadrature = ref.crps_quadrature(s, z[k])
            assert abs(fast[k] - quadrature) <= 1e-8 * quadrature


@settings(max_examples=60)
@given(case=isqf_heads())
@example(case=EDGE_CASES[0])
@example(case=EDGE_CASES[1])
@example(case=EDGE_CASES[2])
@example(case=EDGE_CASES[3])
def test_crps_finite_nonnegative_and_forms_agree(case):
    for dtype in (F64, F32):
        if not representable(case.levels, dtype):
            continue
        dist = build(case, dtype)
        grid = z_grid(dist, dtype)
        crps = dist.crps_last(rows_of(grid, dist, dtype)).double().numpy()
        assert np.isfinite(crps).all()
        z = grid.astype(np.float64)
        for i, s in enumerate(splines(dist)):
            c_left, c_right = ref.crps_tails(s, z)
            pieces = ref.crps_generic_pieces(s, z)
            if dtype == F64:
                assert (crps[i] >= 0).all()
                check_forms_agree(s, z, crps[i], c_left + pieces.sum(-1) + c_right)
            else:
                # The terms the two-part form sums: C_L, every C_j and C_R.
                largest = np.maximum(np.abs(pieces).max(-1), np.abs(c_left))
                largest = np.maximum(largest, np.abs(c_right))
                assert (crps[i] >= -8 * ulp32(largest)).all()


# ---------------------------------------------- oracle 2: knots, continuity
@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_knots_and_continuity(levels, pieces):
    dist = build(normal_head(levels, pieces))
    x = dist.knot_levels
    y = dist.knot_values
    # q(x_k) == y_k exactly, the right tail's formula included (x_K is in it).
    assert torch.equal(dist.quantile(rows_of(x.numpy(), dist)), y)
    # |F(y_k) - x_k| <= 1e-15.
    assert (dist.cdf_last(y) - x).abs().max() <= 1e-15
    # Each piece, extended to the next breakpoint, lands on it.
    X, Y, m = dist.X, dist.Y, dist.slope
    reach = Y[..., :-1] + m * (X[..., 1:] - X[..., :-1])
    assert ((reach - Y[..., 1:]).abs() <= 1e-12 * (1 + Y[..., 1:].abs())).all()
    # The left tail's formula at x_1 gives y_1: one ulp below x_1 it is within the
    # tail slope times that ulp of y_1.
    x1, xK = x[0].item(), x[-1].item()
    below = np.nextafter(x1, 0.0)
    q_below = dist.quantile(torch.full(dist.batch_shape + (1,), below, dtype=F64))[:, 0]
    gap = (x1 - below) / (dist.beta_left * below)
    assert ((y[:, 0] - q_below) <= gap + 1e-15 * (1 + y[:, 0].abs())).all()
    assert (q_below <= y[:, 0]).all()
    for s, q1 in zip(splines(dist), q_below):
        assert abs(ref.quantile(s, x1)[0] - s.y[0]) <= 1e-15 * (1 + abs(s.y[0]))
        assert ref.quantile(s, xK)[0] == s.y[-1]
        # The reference left tail one ulp below x_1 equals the fast one.
        assert abs(ref.quantile(s, below)[0] - float(q1)) <= 4e-16 * (1 + abs(s.y[0]))
    # And the CDF tails at y_1 (from below) and y_K.
    F_below = dist.cdf_last(
        torch.nextafter(y[:, :1], torch.tensor(-math.inf, dtype=F64))
    )
    assert ((x1 - F_below) <= 1e-15).all() and (F_below <= x1).all()


# ------------------------------------------------ oracle 3: inverse pair
def check_inverse_pair(dist: ISQF, alphas: np.ndarray, zs: np.ndarray, loose: bool):
    """|F(q(a)) - a| and |q(F(y)) - y| within test 3's bounds."""
    q = dist.quantile(rows_of(alphas, dist))
    round_trip = dist.cdf_last(q).numpy()
    F = dist.cdf_last(rows_of(zs, dist))
    back = dist.quantile(F).numpy()
    F = F.numpy()
    q = q.numpy()
    for i, s in enumerate(splines(dist)):
        err = np.abs(round_trip[i] - alphas)
        # f on both sides of q, in case q sits on a breakpoint.
        f = np.maximum(
            ref.density(s, q[i]), ref.density(s, np.nextafter(q[i], -np.inf))
        )
        bound = 1e-10 + (4 * np.spacing(np.abs(q[i])) * f if loose else 0)
        assert (err < bound).all(), f"|F(q(a)) - a| = {err.max()!r}"
        inside = (F[i] > 0) & (F[i] < 1)
        y, level = zs[inside], F[i][inside]
        err = np.abs(back[i][inside] - y)
        with np.errstate(over="ignore"):  # dq/dalpha = inf where F underflows
            slope = ref.dq_dalpha(s, level)
        bound = 1e-8 * (1 + np.abs(y)) + 4 * 2.0**-52 * slope
        assert (err < bound).all(), f"|q(F(y)) - y| = {err.max()!r}"


@given(case=isqf_heads())
@example(case=EDGE_CASES[0])
@example(case=EDGE_CASES[1])
@example(case=EDGE_CASES[3])
def test_inverse_pair(case):
    dist = build(case)
    check_inverse_pair(dist, alpha_grid(dist, F64), z_grid(dist, F64), loose=True)


@given(case=isqf_heads(n_rows=1), data=st.data())
def test_quantile_at_any_float_level(case, data):
    # Levels drawn after the head: any float strictly inside (0, 1), subnormals and
    # 1 - 2**-53 included. q is finite and non-decreasing, and F(q(alpha)) returns
    # alpha within oracle 3's bound.
    level = st.floats(0.0, 1.0, exclude_min=True, exclude_max=True)
    alpha = np.sort(np.array(data.draw(st.lists(level, min_size=1, max_size=20))))
    dist = build(case)
    q = dist.quantile(torch.tensor(alpha)[None])
    assert torch.isfinite(q).all() and (q.diff(dim=-1) >= 0).all()
    err = (dist.cdf_last(q) - torch.tensor(alpha)).abs()[0].numpy()
    q = q[0].numpy()
    s = splines(dist)[0]
    f = np.maximum(ref.density(s, q), ref.density(s, np.nextafter(q, -np.inf)))
    assert (err < 1e-10 + 4 * np.spacing(np.abs(q)) * f).all(), err.max()


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_inverse_pair_normal_heads(levels, pieces):
    # For raw ~ N(0, 1.5**2) the conditioning term is not needed: < 1e-10.
    dist = build(normal_head(levels, pieces))
    check_inverse_pair(dist, alpha_grid(dist, F64), z_grid(dist, F64), loose=False)


# -------------------------------------------- oracle 4: CRPS vs quadrature
def crps_test_points(s: ref.Spline, rng: np.random.Generator) -> np.ndarray:
    """y_1 - 60/beta_L, y_K + 60/beta_R, 1e3 beyond the outer knots, every Y_j,
    random interior points, and a few moderate tail points."""
    y1, yK = s.y[0], s.y[-1]
    return np.concatenate(
        [
            [y1 - 60 / s.beta_left, yK + 60 / s.beta_right, y1 - 1e3, yK + 1e3],
            [y1 - 0.5 / s.beta_left, yK + 0.5 / s.beta_right],
            s.Y,
            rng.uniform(y1, yK, 4),
        ]
    )


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_crps_against_quadrature(levels, pieces):
    dist = build(normal_head(levels, pieces, seed=1, n_rows=2))
    rng = np.random.default_rng(2)
    for i, s in enumerate(splines(dist)):
        z = crps_test_points(s, rng)
        fast = dist.crps_last(torch.tensor(z, dtype=F64).expand(2, -1))[i].numpy()
        generic = sum(ref.crps_generic(s, z))
        per_interval = sum(ref.crps_per_interval(s, z))
        pinball = np.array([ref.crps_quadrature(s, zz) for zz in z])
        threshold = np.array([ref.crps_threshold_quad(s, zz) for zz in z])
        np.testing.assert_allclose(fast, pinball, rtol=1e-8, atol=0)
        np.testing.assert_allclose(fast, threshold, rtol=1e-8, atol=0)
        np.testing.assert_allclose(generic, fast, rtol=1e-9, atol=0)
        np.testing.assert_allclose(per_interval, fast, rtol=1e-9, atol=0)
        np.testing.assert_allclose(per_interval, generic, rtol=1e-9, atol=0)


# -------------------------------------------------- oracle 5: hand values
@pytest.mark.parametrize("pieces", [1, 2, 5])
def test_reference_values_two_knots(pieces):
    # K = 2, levels (0.1, 0.9), knot values (0, 1), beta_L = beta_R = 2, equal
    # weights (the straight line q = (alpha - 0.1) / 0.8), z = 0.5, so F(z) = 0.5.
    # C_L = x_1**2 (z - y_1) + x_1**2 / (2 beta_L) = 0.01 * 0.5 + 0.01 / 4 = 3/400,
    # and C_R = 3/400 by symmetry. Spline, with t = alpha - 0.1:
    # 2 int_0^0.4 (0.4 - t)/0.8 (t + 0.1) dt = 2.5 (0.024 + 0.016 - 0.064/3) = 7/150
    # below F(z), and the same above it: 7/75. Total 13/120.
    # Mean 0.5 (symmetric); Var = 0.1 (0.25 + 0.5 + 0.5) * 2 + 0.8 * 0.25 / 3 = 19/60.
    w = torch.full((1, 1, pieces), 1 / pieces, dtype=F64)
    two = torch.full((1,), 2.0, dtype=F64)
    dist = ISQF(
        torch.tensor([0.1, 0.9], dtype=F64),
        torch.zeros(1, dtype=F64),
        torch.ones(1, 1, dtype=F64),
        two,
        two,
        w,
        w,
    )
    z = torch.tensor([[0.5]], dtype=F64)
    assert dist.crps_last(z).item() == pytest.approx(13 / 120, rel=1e-15, abs=0)
    s = splines(dist)[0]
    for form in (ref.crps_generic, ref.crps_per_interval):
        c_left, spline, c_right = (float(part[0]) for part in form(s, 0.5))
        assert c_left == pytest.approx(3 / 400, rel=1e-14)
        assert c_right == pytest.approx(3 / 400, rel=1e-14)
        assert spline == pytest.approx(7 / 75, rel=1e-14)
    # Quantiles, CDF and density by hand: q(0.5) = 0.5, q(0.05) = ln(1/2)/2,
    # q(0.95) = 1 + ln(2)/2; F(-1) = 0.1 e**-2, F(0.25) = 0.1 + 0.8 * 0.25,
    # F(2) = 1 - 0.1 e**-2; f = 2 F on the left, 0.8 inside, 2 (1 - F) on the right.
    alpha = torch.tensor([[0.5, 0.05, 0.95]], dtype=F64)
    expected = torch.tensor([[0.5, math.log(0.5) / 2, 1 + math.log(2) / 2]], dtype=F64)
    torch.testing.assert_close(dist.quantile(alpha), expected, rtol=1e-15, atol=1e-16)
    z = torch.tensor([[-1.0, 0.25, 2.0]], dtype=F64)
    F = torch.tensor([[0.1 * math.exp(-2), 0.3, 1 - 0.1 * math.exp(-2)]], dtype=F64)
    torch.testing.assert_close(dist.cdf_last(z), F, rtol=1e-15, atol=1e-16)
    f = torch.tensor([[0.2 * math.exp(-2), 0.8, 0.2 * math.exp(-2)]], dtype=F64)
    torch.testing.assert_close(dist.log_prob_last(z).exp(), f, rtol=1e-15, atol=0)
    assert dist.mean.item() == pytest.approx(0.5, rel=1e-15)
    assert dist.variance.item() == pytest.approx(19 / 60, rel=1e-14)


def test_reference_values_three_knots():
    # K = 3, levels (0.1, 0.5, 0.9), knot values (0, 1, 2), beta = 1, P = 2 with all
    # spline logits 1, so w = 1/2 and q = 2.5 alpha - 0.25 on [0.1, 0.9]; z = 2 = y_K,
    # F(z) = 0.9. C_L = 0.01 * 2 + 0.01 / 2 = 0.025; C_R = 0 + 0.01 / 2 + 0 + 0 = 0.005;
    # spline 2 int_0.1^0.9 (2.25 - 2.5 alpha) alpha d alpha = 2 (0.9 - 0.728 * 2.5/3)
    # = 44/75. Total 37/60.
    logits = torch.ones(1, 2, 2, dtype=F64)
    w = torch.softmax(logits, -1)
    dist = ISQF(
        torch.tensor([0.1, 0.5, 0.9], dtype=F64),
        torch.zeros(1, dtype=F64),
        torch.ones(1, 2, dtype=F64),
        torch.ones(1, dtype=F64),
        torch.ones(1, dtype=F64),
        w,
        w,
    )
    assert dist.crps_last(torch.tensor([[2.0]], dtype=F64)).item() == pytest.approx(
        37 / 60, rel=1e-15, abs=0
    )
    s = splines(dist)[0]
    for form in (ref.crps_generic, ref.crps_per_interval):
        c_left, spline, c_right = (float(part[0]) for part in form(s, 2.0))
        assert c_left == pytest.approx(0.025, rel=1e-14)
        assert c_right == pytest.approx(0.005, rel=1e-14)
        assert spline == pytest.approx(44 / 75, rel=1e-14)
    assert ref.crps_quadrature(s, 2.0) == pytest.approx(37 / 60, rel=1e-12)


# --------------------------------------------------- oracle 6: affine rule
def affine_copy(dist: ISQF, sigma: float, mu: float) -> ISQF:
    """y_k -> mu + sigma y_k, beta -> beta / sigma; levels and weights unchanged."""
    n_knots = dist.knot_levels.shape[0]
    wx = dist.dx.unflatten(-1, (n_knots - 1, -1)) / dist.knot_levels.diff()[:, None]
    wy = dist.dy.unflatten(-1, (n_knots - 1, -1)) / dist.gaps.unsqueeze(-1)
    return ISQF(
        dist.knot_levels,
        mu + sigma * dist.first_value,
        sigma * dist.gaps,
        dist.beta_left / sigma,
        dist.beta_right / sigma,
        wx,
        wy,
    )


def away_from_breakpoints(dist: ISQF) -> torch.Tensor:
    """Piece midpoints in z and points in both tails, per row: (n_rows, J + 4)."""
    Y = dist.Y
    mid = (Y[..., :-1] + Y[..., 1:]) / 2
    bl, br = dist.beta_left[:, None], dist.beta_right[:, None]
    left = Y[..., :1] - torch.tensor([0.5, 5.0], dtype=F64) / bl
    right = Y[..., -1:] + torch.tensor([0.5, 5.0], dtype=F64) / br
    return torch.cat([left, mid, right], -1)


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_affine_rule(levels, pieces):
    dist = build(normal_head(levels, pieces, seed=3))
    rng = np.random.default_rng(4)
    sigmas = [0.1, 100.0, *np.exp(rng.uniform(math.log(0.1), math.log(100), 3))]
    alpha = rows_of(alpha_grid(dist, F64)[::7], dist)
    z = away_from_breakpoints(dist)
    for sigma in sigmas:
        mu = float(rng.normal(0.0, 1e3))  # N(0, 1e6): variance 1e6
        moved = affine_copy(dist, sigma, mu)

        def close(actual, expected):
            err = (actual - expected).abs()
            assert (err <= 1e-10 * (1 + expected.abs())).all(), err.max()

        close(moved.crps_last(sigma * z + mu), sigma * dist.crps_last(z))
        close(moved.quantile(alpha), mu + sigma * dist.quantile(alpha))
        close(moved.mean, mu + sigma * dist.mean)
        close(moved.variance, sigma**2 * dist.variance)
        # Pi_y(t) = sigma Pi_z((t - mu) / sigma), ES_y = mu + sigma ES_z and
        # dq_y/dalpha = sigma dq_z/dalpha.
        close(moved.expected_excess(sigma * z + mu), sigma * dist.expected_excess(z))
        close(
            moved.expected_shortfall(alpha), mu + sigma * dist.expected_shortfall(alpha)
        )
        close(moved.quantile_slope(alpha), sigma * dist.quantile_slope(alpha))
        # F to 1e-10, plus the rounding of the moved breakpoints and targets: both
        # carry ulp(mu + sigma z) of absolute error, which moves F by that times
        # f_y = f_z / sigma. (The oracle's plain 1e-10 is out of reach: measured
        # 2.7e-10 for K = 7, P = 4 at sigma = 0.1, mu = 659, f_z = 320.)
        moved_z = sigma * z + mu
        f_moved = moved.log_prob_last(moved_z).exp()
        err = (moved.cdf_last(moved_z) - dist.cdf_last(z)).abs()
        assert (err <= 1e-10 + 4 * ulp(moved_z) * f_moved).all(), err.max()
        log_f = dist.log_prob_last(z)
        close(moved.log_prob_last(sigma * z + mu), log_f - math.log(sigma))
        close(moved.log_prob_last(sigma * z + mu).exp(), log_f.exp() / sigma)


# ------------------------------------------ oracle 7: tails and derivatives
def derivative_points(dist: ISQF) -> tuple[torch.Tensor, torch.Tensor]:
    """Levels in both tails and at piece midpoints, with their step h: (n_rows, S)."""
    x1, xK = dist.knot_levels[0], dist.knot_levels[-1]
    rows = dist.batch_shape[0]
    left = x1 * torch.tensor([0.9, 0.5, 1e-3, 1e-8], dtype=F64).expand(rows, -1)
    # Right tail: 1 - alpha down to 1e-2 (1 - x_K), where differences of F (not of
    # S_R, which is private) still carry 14 digits.
    right = 1 - (1 - xK) * torch.tensor([0.9, 0.5, 0.1, 1e-2], dtype=F64).expand(
        rows, -1
    )
    mid = (dist.X[..., :-1] + dist.X[..., 1:]) / 2
    alpha = torch.cat([left, mid, right], -1)
    h = torch.cat([1e-5 * left, dist.dx / 4, 1e-5 * (1 - right)], -1)
    return alpha, h


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_derivatives_match_central_differences(levels, pieces):
    dist = build(normal_head(levels, pieces, seed=5))
    alpha, h = derivative_points(dist)
    dq = (dist.quantile(alpha + h) - dist.quantile(alpha - h)) / (2 * h)
    q = dist.quantile(alpha)
    density = dist.log_prob_last(q).exp()
    for i, s in enumerate(splines(dist)):
        analytic = ref.dq_dalpha(s, alpha[i].numpy())
        np.testing.assert_allclose(dq[i].numpy(), analytic, rtol=1e-6)
        np.testing.assert_allclose(1 / density[i].numpy(), analytic, rtol=1e-6)
    # f against central differences of F, with the step in z matching h in alpha.
    h_z = h / density
    dF = (dist.cdf_last(q + h_z) - dist.cdf_last(q - h_z)) / (2 * h_z)
    torch.testing.assert_close(dF, density, rtol=1e-6, atol=0)


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_tails_density_and_crps_gradient(levels, pieces):
    dist = build(normal_head(levels, pieces, seed=6))
    y1, yK = dist.knot_values[:, :1], dist.knot_values[:, -1:]
    bl, br = dist.beta_left[:, None], dist.beta_right[:, None]
    offsets = torch.tensor([1e-3, 0.5, 5.0, 60.0], dtype=F64)
    # On the right, F rounds to 1 by 60 tail scales: stop at 5, where 1 - F still
    # carries 10 digits.
    left, right = y1 - offsets / bl, yK + offsets[:3] / br
    # f = beta_L F on the left, f = beta_R (1 - F) on the right.
    torch.testing.assert_close(
        dist.log_prob_last(left).exp(), bl * dist.cdf_last(left), rtol=1e-13, atol=0
    )
    torch.testing.assert_close(
        dist.log_prob_last(right).exp(),
        br * (1 - dist.cdf_last(right)),
        rtol=1e-9,  # 1 - F loses digits where F is near 1
        atol=1e-300,
    )
    # exp(ln f) = f, with f from the reference (beta F, 1/m_j, beta (1 - F)).
    z = torch.cat([left, away_from_breakpoints(dist), right], -1)
    log_f = dist.log_prob_last(z)
    for i, s in enumerate(splines(dist)):
        np.testing.assert_allclose(
            log_f[i].exp().numpy(), ref.density(s, z[i].numpy()), rtol=1e-13
        )
    # The density integrates to 1: Gauss-Legendre on every piece (f is constant there)
    # and on 60 unit steps of each tail scale (the mass beyond is e**-60).
    for i in range(dist.batch_shape[0]):
        Y = dist.Y[i]
        steps = torch.arange(61, dtype=F64)
        edges = torch.cat(
            [
                Y[0] - steps.flip(0) / dist.beta_left[i],
                Y[1:-1],
                Y[-1] + steps / dist.beta_right[i],
            ]
        )
        lo, hi = edges[:-1].numpy(), edges[1:].numpy()
        keep = hi > lo
        nodes, weights = ref.gauss_legendre(lo[keep], hi[keep])
        f = dist.log_prob_last(
            torch.tensor(nodes.ravel())[None].expand(dist.batch_shape[0], -1)
        )
        total = float((f[i].exp().numpy() * weights.ravel()).sum())
        assert abs(total - 1) <= 1e-9
    # Autograd: dCRPS/dz = 2 F(z) - 1 everywhere, knots included.
    z = torch.cat([z, dist.Y, y1 - 1e3, yK + 1e3], -1).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(dist.crps_last(z).sum(), z)
    torch.testing.assert_close(
        grad, 2 * dist.cdf_last(z.detach()) - 1, rtol=0, atol=1e-12
    )


# ------------------------------------------------------- oracle 8: sampling
@pytest.mark.parametrize("dtype", [F64, F32])
def test_open_uniform_strictly_inside(dtype):
    generator = torch.Generator().manual_seed(0)
    u = open_uniform((200_000,), dtype, generator=generator)
    assert u.dtype == dtype
    assert ((u > 0) & (u < 1)).all()
    # U = (k + 1/2) / 2**b exactly, b the mantissa width.
    bits = 52 if dtype == F64 else 23
    k = u.double() * 2.0**bits - 0.5
    assert torch.equal(k, k.round())
    assert ((k >= 0) & (k <= 2**bits - 1)).all()
    assert u.min() >= 2.0 ** -(bits + 1) and u.max() <= 1 - 2.0 ** -(bits + 1)


def test_samples_follow_the_distribution():
    # Kolmogorov-Smirnov with a fixed seed. Under the model p is uniform, so a random
    # seed fails p > 1e-3 with probability 1e-3; the mean check |mean - E[Y]| <
    # 5 sqrt(Var / n) fails with probability ~5.7e-7 (normal approximation). Both are
    # deterministic here: the seed is fixed.
    levels, pieces = NORMAL_CONFIGS[2]
    dist = build(normal_head(levels, pieces, seed=7, n_rows=2))
    n = 20_000
    draws = dist.sample((n,), generator=torch.Generator().manual_seed(8))
    assert draws.shape == (n, 2) and draws.dtype == F64
    assert torch.isfinite(draws).all()
    for i, s in enumerate(splines(dist)):
        p = stats.kstest(draws[:, i].numpy(), lambda t, s=s: ref.cdf(s, t)).pvalue
        assert p > 1e-3
        se = math.sqrt(dist.variance[i].item() / n)
        assert abs(draws[:, i].mean().item() - dist.mean[i].item()) < 5 * se
    # rsample is differentiable: the draws carry gradients back to the parameters.
    raw = torch.tensor(
        normal_head(levels, pieces, seed=7, n_rows=2).raw, requires_grad=True
    )
    moved = isqf_domain_map(raw, torch.tensor(levels, dtype=F64), pieces)
    (grad,) = torch.autograd.grad(moved.rsample((10,)).sum(), raw)
    assert torch.isfinite(grad).all() and grad.abs().sum() > 0


# ------------------------------------------------------ oracle 9: moments
@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_moments_against_quadrature(levels, pieces):
    dist = build(normal_head(levels, pieces, seed=9))
    mean, variance = dist.mean.numpy(), dist.variance.numpy()
    for i, s in enumerate(splines(dist)):
        mu, second, var = (
            ref.mean_quadrature(s),
            ref.second_moment_quadrature(s),
            ref.variance_quadrature(s),
        )
        assert abs(mean[i] - mu) <= 1e-10 * (1 + abs(mu))
        assert abs(variance[i] - var) <= 1e-10 * (1 + abs(var))
        assert abs(variance[i] + mean[i] ** 2 - second) <= 1e-10 * (1 + abs(second))
        # The reference's closed forms (section 7) agree with its quadrature.
        assert abs(ref.mean_closed_form(s) - mu) <= 1e-10 * (1 + abs(mu))
        assert abs(ref.second_moment_closed_form(s) - second) <= 1e-10 * (1 + second)


def decision_points(dist: ISQF) -> tuple[torch.Tensor, torch.Tensor]:
    """Thresholds t and levels alpha in every region, per row: (n_rows, S).

    t: far in both tails (60 tail scales), near the outer knots, every Y_j exactly
    and the piece midpoints. alpha: deep in both tails, every X_j exactly and the
    piece midpoints.
    """
    Y, X = dist.Y, dist.X
    bl, br = dist.beta_left[:, None], dist.beta_right[:, None]
    scales = torch.tensor([60.0, 5.0, 0.5, 1e-3], dtype=F64)
    t = torch.cat(
        [Y[..., :1] - scales / bl, Y, (Y[..., :-1] + Y[..., 1:]) / 2]
        + [Y[..., -1:] + scales.flip(0) / br],
        -1,
    )
    x1, xK = dist.knot_levels[0], dist.knot_levels[-1]
    rows = dist.batch_shape[0]
    deep = torch.tensor([0.9, 0.5, 1e-3, 1e-8], dtype=F64).expand(rows, -1)
    alpha = torch.cat(
        [x1 * deep, X, (X[..., :-1] + X[..., 1:]) / 2, 1 - (1 - xK) * deep], -1
    )
    return t, alpha


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_decisions_against_quadrature(levels, pieces):
    # Pi(t), E[(t - Y)+] and ES(alpha) in both forms, to 1e-10 relative to
    # 1 + |value|, against Gauss-Legendre over alpha, scipy quad over t and the
    # reference's loop over pieces.
    dist = build(normal_head(levels, pieces, seed=10))
    t, alpha = decision_points(dist)
    excess = dist.expected_excess(t).numpy()
    shortfall = dist.expected_shortfall(alpha).numpy()
    q = dist.quantile(alpha)
    via_excess = (q + dist.expected_excess(q) / (1 - alpha)).numpy()
    mean = dist.mean.numpy()

    def close(actual, expected):
        assert abs(actual - expected) <= 1e-10 * (1 + abs(expected)), (
            actual,
            expected,
        )

    for i, s in enumerate(splines(dist)):
        for k, t_k in enumerate(t[i].tolist()):
            expected = ref.expected_excess_quadrature(s, t_k)
            close(excess[i, k], expected)
            # Relative to the loop form, so the tiny tail values (~1e-27 at 60 tail
            # scales beyond y_K) are checked too, not absorbed by the "1 +".
            loop = ref.expected_excess_closed_form(s, t_k)
            assert abs(excess[i, k] - loop) <= 1e-12 * abs(loop), (t_k, loop)
            close(excess[i, k], ref.expected_excess_threshold_quad(s, t_k))
            # Expected leftover E[(t - Y)+] = Pi(t) - E[Y] + t.
            leftover = ref.expected_leftover_quadrature(s, t_k)
            close(excess[i, k] - mean[i] + t_k, leftover)
        for k, a_k in enumerate(alpha[i].tolist()):
            expected = ref.expected_shortfall_quadrature(s, a_k)
            close(shortfall[i, k], expected)
            close(via_excess[i, k], expected)


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_decision_invariants(levels, pieces):
    dist = build(normal_head(levels, pieces, seed=11))
    t, alpha = decision_points(dist)
    excess = dist.expected_excess(t)
    # Pi is non-negative and non-increasing in t, with slope F(t) - 1 (central
    # differences at the piece midpoints, where F is linear).
    order = t.argsort(-1)
    assert (excess >= 0).all()
    assert (excess.gather(-1, order).diff(dim=-1) <= 0).all()
    mid, h = (dist.Y[..., :-1] + dist.Y[..., 1:]) / 2, 1e-7
    slope = (dist.expected_excess(mid + h) - dist.expected_excess(mid - h)) / (2 * h)
    torch.testing.assert_close(slope, dist.cdf_last(mid) - 1, rtol=0, atol=1e-6)
    # Pi(-inf side) approaches E[Y] - t; ES(alpha) >= q(alpha) and ES -> E[Y] as
    # alpha -> 0; above x_K, ES = q + 1 / beta_R exactly (the memoryless tail).
    far = dist.Y[..., :1] - 200 / dist.beta_left[:, None]
    torch.testing.assert_close(
        dist.expected_excess(far), dist.mean[:, None] - far, rtol=1e-12, atol=0
    )
    shortfall = dist.expected_shortfall(alpha)
    assert (shortfall >= dist.quantile(alpha)).all()
    tiny = torch.full((dist.batch_shape[0], 1), 1e-300, dtype=F64)
    torch.testing.assert_close(
        dist.expected_shortfall(tiny)[:, 0], dist.mean, rtol=1e-12, atol=1e-12
    )
    high = 1 - (1 - dist.knot_levels[-1]) * torch.tensor([[1.0, 0.5, 1e-6]], dtype=F64)
    high = high.expand(dist.batch_shape[0], -1)
    expected = dist.quantile(high) + 1 / dist.beta_right[:, None]
    torch.testing.assert_close(
        dist.expected_shortfall(high), expected, rtol=1e-14, atol=0
    )


@pytest.mark.parametrize(("levels", "pieces"), NORMAL_CONFIGS, ids=CONFIG_IDS)
def test_quantile_slope(levels, pieces):
    # dq/dalpha against the reference's right derivative (exactly at every X_j too)
    # and against central differences of q away from breakpoints (oracle 7's steps).
    dist = build(normal_head(levels, pieces, seed=12))
    _, alpha = decision_points(dist)
    slope = dist.quantile_slope(alpha).numpy()
    for i, s in enumerate(splines(dist)):
        np.testing.assert_allclose(
            slope[i], ref.dq_dalpha(s, alpha[i].numpy()), rtol=1e-13
        )
    alpha, h = derivative_points(dist)
    dq = (dist.quantile(alpha + h) - dist.quantile(alpha - h)) / (2 * h)
    torch.testing.assert_close(dist.quantile_slope(alpha), dq, rtol=1e-6, atol=0)
    assert (dist.quantile_slope(alpha) > 0).all()


# ------------------------------------------------------ oracle 10: gradcheck
def points_off_breakpoints(
    dist: ISQF, rng: np.random.Generator, size: int
) -> torch.Tensor:
    """Random z in every region, each at least 1e-3 from every Y_j: (n_rows, size)."""
    Y = dist.Y.detach()
    rows = []
    for i in range(dist.batch_shape[0]):
        lo, hi = (
            Y[i, 0].item() - 3 / dist.beta_left[i].item(),
            Y[i, -1].item() + 3 / dist.beta_right[i].item(),
        )
        cand = rng.uniform(lo, hi, 50 * size)
        far = np.abs(cand[:, None] - Y[i].numpy()).min(-1) >= 1e-3
        rows.append(cand[far][:size])
    return torch.tensor(np.array(rows), dtype=F64)


@pytest.mark.parametrize(
    ("levels", "pieces"), [((0.1, 0.5, 0.9), 2), ((0.05, 0.3, 0.95), 1)]
)
def test_gradcheck(levels, pieces):
    # CRPS (and F, ln f, q) with respect to raw and z (alpha), with z at least 1e-3
    # from every Y_j and alpha at least 1e-3 from every X_j, in every region.
    case = normal_head(levels, pieces, seed=10, n_rows=2)
    x = torch.tensor(levels, dtype=F64)
    raw = torch.tensor(case.raw, requires_grad=True)
    dist = isqf_domain_map(raw.detach(), x, pieces)
    z = points_off_breakpoints(dist, np.random.default_rng(11), 5)
    cand = np.linspace(1e-3, 1 - 1e-3, 400)
    far = np.abs(cand[:, None, None] - dist.X.numpy()[None]).min(-1).min(-1) >= 1e-3
    alpha = torch.tensor(cand[far][::40], dtype=F64).expand(2, -1).clone()

    def maths(raw, z, alpha):
        dist = isqf_domain_map(raw, x, pieces)
        return (
            dist.crps_last(z),
            dist.cdf_last(z),
            dist.log_prob_last(z),
            dist.quantile(alpha),
        )

    inputs = (raw, z.requires_grad_(True), alpha.requires_grad_(True))
    assert torch.autograd.gradcheck(maths, inputs, eps=1e-6, atol=1e-6, rtol=1e-5)


# --------------------------------------------------- oracle 11: no NaN gradient
@pytest.mark.parametrize("dtype", [F64, F32])
def test_no_nan_gradient_at_ties_and_extremes(dtype):
    levels, pieces = (0.05, 0.1, 0.5, 0.9, 0.95), 3
    raw = np.concatenate(
        [edge_head(levels, pieces).raw, normal_head(levels, pieces, seed=12).raw]
    )
    raw = torch.tensor(raw, dtype=dtype, requires_grad=True)
    x = torch.tensor(levels, dtype=dtype)
    dist = isqf_domain_map(raw, x, pieces)
    # z exactly at every y_k and Y_j (the y_k are among the Y_j), 1e3 beyond the outer
    # knots, and alpha exactly at every X_j.
    z = torch.cat(
        [dist.knot_values, dist.Y, dist.Y[..., :1] - 1e3, dist.Y[..., -1:] + 1e3], -1
    )
    z = z.detach().requires_grad_(True)
    alpha = dist.X.detach().clone().requires_grad_(True)
    outputs = {
        "crps": dist.crps_last(z),
        "cdf": dist.cdf_last(z),
        "log_prob": dist.log_prob_last(z),
        "quantile": dist.quantile(alpha),
        "mean": dist.mean,
        "variance": dist.variance,
    }
    for name, value in outputs.items():
        assert torch.isfinite(value).all(), name
        grads = torch.autograd.grad(
            value.sum(), (raw, z, alpha), retain_graph=True, allow_unused=True
        )
        for grad in grads:
            assert grad is None or torch.isfinite(grad).all(), name


def test_gradient_at_knots_matches_central_difference():
    # The CRPS is C^1 (isqf.md section 9): at z exactly on a knot, autograd's gradient
    # with respect to z and raw is the true one, and central differences converge to
    # it as O(h) (the second derivative jumps there).
    levels, pieces = (0.05, 0.3, 0.6, 0.95), 3
    case = normal_head(levels, pieces, seed=13, n_rows=1)
    x = torch.tensor(levels, dtype=F64)
    raw0 = torch.tensor(case.raw)
    knots = isqf_domain_map(raw0, x, pieces).Y.detach()

    def crps(raw, z):
        return isqf_domain_map(raw, x, pieces).crps_last(z)

    raw = raw0.clone().requires_grad_(True)
    z = knots.clone().requires_grad_(True)
    grad_raw, grad_z = torch.autograd.grad(crps(raw, z).sum(), (raw, z))
    # With respect to z: |central difference - 2F + 1| <= h max f (+ rounding).
    dist = isqf_domain_map(raw0, x, pieces)
    density_max = max(
        (1 / dist.slope).max().item(),
        (dist.beta_left * x[0]).item(),
        (dist.beta_right * (1 - x[-1])).item(),
    )
    for h in (1e-3, 1e-5):
        diff = (crps(raw0, knots + h) - crps(raw0, knots - h)) / (2 * h)
        assert ((diff - grad_z).abs() <= h * density_max + 1e-9).all()
    # With respect to each raw output (z held at the knots of raw0): the error of the
    # central difference shrinks with h.
    errors = []
    for h in (1e-3, 1e-5):
        err = torch.zeros_like(raw0)
        for d in range(raw0.shape[-1]):
            step = torch.zeros_like(raw0)
            step[0, d] = h
            diff = (crps(raw0 + step, knots).sum() - crps(raw0 - step, knots).sum()) / (
                2 * h
            )
            err[0, d] = (diff - grad_raw[0, d]).abs()
        errors.append(err)
    assert (errors[1] <= 0.05 * errors[0] + 1e-8).all()
    assert (errors[0] <= 1e-2 * (1 + grad_raw.abs())).all()


# ------------------------------------------------------------- shape table
@pytest.mark.parametrize("batch_shape", [(), (3,), (2, 3)], ids=str)
@pytest.mark.parametrize("sample_shape", [(), (4,), (5, 2)], ids=str)
@pytest.mark.parametrize("pieces", [1, 3])
def test_shapes(batch_shape, sample_shape, pieces):
    levels = (0.1, 0.5, 0.9)
    n_knots = len(levels)
    rng = np.random.default_rng(14)
    raw = torch.tensor(rng.normal(0, 1.5, batch_shape + (head_width(n_knots, pieces),)))
    dist = isqf_domain_map(raw, torch.tensor(levels, dtype=F64), pieces)
    n_segments = (n_knots - 1) * pieces
    full = torch.Size(sample_shape + batch_shape)
    assert dist.batch_shape == batch_shape and dist.event_shape == ()
    assert dist.knot_values.shape == batch_shape + (n_knots,)
    assert dist.X.shape == dist.Y.shape == batch_shape + (n_segments + 1,)
    assert (
        dist.dx.shape
        == dist.dy.shape
        == dist.slope.shape
        == batch_shape + (n_segments,)
    )
    assert dist.mean.shape == dist.variance.shape == batch_shape
    u = torch.tensor(rng.uniform(0.01, 0.99, full))
    z = torch.tensor(rng.normal(0, 2, full))
    for method, value in [
        (dist.icdf, u),
        (dist.cdf, z),
        (dist.log_prob, z),
        (dist.crps, z),
    ]:
        out = method(value)
        assert out.shape == full and out.dtype == F64
    assert dist.rsample(sample_shape).shape == full
    assert dist.sample(sample_shape).shape == full
    # A scalar broadcasts over the batch; levels-last methods take B + (S,).
    assert dist.icdf(torch.tensor(0.5)).shape == batch_shape
    assert dist.quantile(
        torch.full(batch_shape + (7,), 0.5, dtype=F64)
    ).shape == batch_shape + (7,)
    # The torch-convention methods agree with the levels-last ones.
    last = z.reshape((-1,) + batch_shape).movedim(0, -1)
    expected = dist.crps_last(last).movedim(-1, 0).reshape(full)
    torch.testing.assert_close(dist.crps(z), expected, rtol=0, atol=0)
    expected = dist.quantile(u.reshape((-1,) + batch_shape).movedim(0, -1))
    torch.testing.assert_close(
        dist.icdf(u), expected.movedim(-1, 0).reshape(full), rtol=0, atol=0
    )


# ------------------------------------- float32 vs float64 CRPS on extreme heads
def extreme_heads(
    rng: np.random.Generator, levels, pieces: int, n_rows: int
) -> np.ndarray:
    """Standardised location, gaps from the floor to wide, tail rates at either floor,
    and spline logits at +-1e3, so pieces sit at the minimum width and are as steep as
    the floors allow (the heads of isqf.md section 11, first bullet)."""
    n_knots = len(levels)
    raw = rng.normal(0.0, 1.5, size=(n_rows, head_width(n_knots, pieces)))
    raw[:, 0] = rng.normal(0.0, 1.0, n_rows)
    raw[:, 1:n_knots] = rng.choice([-1e3, -5.0, 0.0, 3.0], size=(n_rows, n_knots - 1))
    raw[:, n_knots : n_knots + 2] = rng.choice([-1e3, 1e3, 0.0], size=(n_rows, 2))
    raw[:, n_knots + 2 :] = rng.choice(
        [-1e3, 1e3], size=(n_rows, raw.shape[1] - n_knots - 2)
    )
    return raw.astype(np.float32).astype(np.float64)


def test_float32_crps_matches_float64_on_extreme_heads():
    # Float32 must not go negative or cancel away on steep, narrow pieces (in isqf.md
    # section 11 it gave -17,182 where float64 gave +7,943). On identical raw outputs
    # and targets, the float32 loss keeps 4 digits of the float64 one. What is left
    # is the float32 rounding of the parameters themselves: measured 7.5e-8 median
    # and 7.6e-6 max relative over 10 seeds of this setup (slopes up to 6e4).
    rng = np.random.default_rng(15)
    levels, pieces = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95), 4
    raw = extreme_heads(rng, levels, pieces, n_rows=64)
    x = torch.tensor(levels, dtype=F64)
    dist64 = isqf_domain_map(torch.tensor(raw), x, pieces)
    dist32 = isqf_domain_map(torch.tensor(raw, dtype=F32), x.float(), pieces)
    assert dist64.slope.max() > 1e4  # the heads are extreme indeed
    # Targets standardised: N(0, 1), plus every breakpoint (in float32).
    z = np.concatenate([rng.normal(0, 1, (64, 32)), dist32.Y.double().numpy()], -1)
    z = z.astype(np.float32).astype(np.float64)
    c64 = dist64.crps_last(torch.tensor(z)).numpy()
    c32 = dist32.crps_last(torch.tensor(z, dtype=F32)).double().numpy()
    assert np.isfinite(c32).all() and (c32 >= 0).all()
    relative = np.abs(c32 - c64) / c64
    assert relative.max() <= 1e-4, relative.max()


# ------------------------------------------------------------- input checks
def test_constructor_errors():
    one = torch.ones(2, dtype=F64)
    msg = "knot_levels must be a 1-d tensor of at least 2 levels; got shape (1,)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        ISQF(torch.tensor([0.5], dtype=F64), one, torch.ones(2, 0, dtype=F64), one, one)
    msg = "gaps must have K - 1 = 2 entries on its last axis; got shape (2, 3)."
    with pytest.raises(ValueError, match=re.escape(msg)):
        levels = torch.tensor([0.1, 0.5, 0.9], dtype=F64)
        ISQF(levels, one, torch.ones(2, 3, dtype=F64), one, one)
    msg = "weights_x and weights_y must both be given or both None."
    with pytest.raises(ValueError, match=re.escape(msg)):
        ISQF(
            torch.tensor([0.1, 0.9], dtype=F64),
            one,
            torch.ones(2, 1, dtype=F64),
            one,
            one,
            torch.ones(2, 1, 1, dtype=F64),
        )


@pytest.mark.parametrize("n_pieces", [1, 3])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_quantile_shared_equals_quantile(n_pieces, dtype):
    """The shared-levels fast path gives bit-identical values, tails included."""
    levels = torch.tensor([0.05, 0.2, 0.5, 0.8, 0.95], dtype=torch.float64)
    gen = torch.Generator().manual_seed(5)
    width = isqf_head_width(5, n_pieces)
    raw = (1.5 * torch.randn(7, width, generator=gen, dtype=torch.float64)).to(dtype)
    dist = isqf_domain_map(raw, levels.to(dtype), n_pieces)
    alpha = torch.tensor(
        [1e-9, 0.01, 0.05, 0.1, 0.5, 0.7, 0.95, 0.99, 1 - 1e-7], dtype=dtype
    )
    expected = dist.quantile(alpha.expand(7, -1))
    assert torch.equal(dist.quantile_shared(alpha), expected)
