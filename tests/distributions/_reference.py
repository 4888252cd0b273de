"""Plain float64 reference for the ISQF maths, written apart from the fast code.

Map of this module
------------------
- :class:`Spline` holds one row's parameters (NumPy float64) and derives the
  breakpoints ``X``, ``Y`` and slopes ``m`` with explicit loops.
- :func:`spline_from_raw` is the domain map of ``isqf.md`` section 2, in NumPy.
- :func:`quantile`, :func:`cdf`, :func:`survival`, :func:`density` and
  :func:`dq_dalpha` loop over the pieces (sections 3 to 5, 7).
- :func:`crps_generic` and :func:`crps_per_interval` are the two CRPS forms of
  section 6 that the fast code does not implement (it uses the two-part form); they
  return the parts ``(C_L, spline, C_R)``. :func:`crps_generic_pieces` gives each
  segment's C_j; :func:`crps_generic_magnitude` and
  :func:`crps_per_interval_magnitude` the sum of the magnitudes each form adds up,
  which scales its float64 rounding error.
- :func:`integrate_levels` is the quadrature oracle of test 4: 20-point
  Gauss-Legendre on every spline piece and on geometric grids in both tails, each
  sub-interval split at a given level; :func:`crps_quadrature`,
  :func:`mean_quadrature`, :func:`second_moment_quadrature` and
  :func:`variance_quadrature` use it. :func:`crps_threshold_quad` integrates
  ``(F(t) - 1{t >= z})**2`` over t with :func:`scipy.integrate.quad`.
- :func:`mean_closed_form`, :func:`second_moment_closed_form` and
  :func:`expected_excess_closed_form` are section 7's formulas with explicit loops;
  :func:`expected_excess_quadrature`, :func:`expected_excess_threshold_quad` and
  :func:`expected_shortfall_quadrature` integrate the same quantities directly.

Nothing here is fast or vectorised over rows: one row at a time, arrays of
evaluation points, Python loops over knots and pieces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import integrate

# The floors of isqf.md section 2, restated here so the reference does not import
# the code under test (tests/nn/test_heads.py checks the package uses these values).
SPEC_EPS_GAP = 1e-4
SPEC_EPS_BETA = 1e-2
SPEC_EPS_SPACING = 1e-3

# Gauss-Legendre rule of test 4: 20 nodes on [-1, 1].
GL_NODES, GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
# Geometric tail grids of test 4: x_1 * 2**-i and (1 - x_K) * 2**-i, i = 0..200.
TAIL_HALVINGS = 200


@dataclass
class Spline:
    """One row of ISQF parameters in float64, with loop-derived breakpoints.

    ``dx`` and ``dy`` have shape (K - 1, P): the spacings of each piece.
    """

    x: np.ndarray
    y: np.ndarray
    beta_left: float
    beta_right: float
    dx: np.ndarray
    dy: np.ndarray
    X: np.ndarray = field(init=False)
    Y: np.ndarray = field(init=False)
    m: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n_knots, n_pieces = self.x.shape[0], self.dx.shape[1]
        X, Y, m = [], [], []
        for k in range(n_knots - 1):
            run_x, run_y = 0.0, 0.0
            for p in range(n_pieces):
                X.append(min(self.x[k] + run_x, self.x[k + 1]))
                Y.append(min(self.y[k] + run_y, self.y[k + 1]))
                m.append(self.dy[k, p] / self.dx[k, p])
                run_x += self.dx[k, p]
                run_y += self.dy[k, p]
        X.append(self.x[-1])
        Y.append(self.y[-1])
        self.X, self.Y, self.m = np.array(X), np.array(Y), np.array(m)

    @property
    def n_segments(self) -> int:
        return self.m.shape[0]


def spline_from_params(x, first, gaps, beta_left, beta_right, wx, wy) -> Spline:
    """Build a :class:`Spline` from knot levels, y_1, gaps, rates and weights."""
    x = np.asarray(x, dtype=np.float64)
    gaps = np.asarray(gaps, dtype=np.float64)
    y = np.empty(x.shape[0])
    y[0] = first
    for k in range(1, x.shape[0]):
        y[k] = y[k - 1] + gaps[k - 1]
    wx, wy = np.asarray(wx, dtype=np.float64), np.asarray(wy, dtype=np.float64)
    dx = wx * np.diff(x)[:, None]
    dy = wy * gaps[:, None]
    return Spline(x, y, float(beta_left), float(beta_right), dx, dy)


def _softplus(v):
    return np.logaddexp(0.0, v)


def _floored_softmax(logits):
    e = np.exp(logits - logits.max())
    return (e / e.sum() + SPEC_EPS_SPACING) / (1 + logits.shape[0] * SPEC_EPS_SPACING)


def spline_from_raw(raw, x, n_pieces: int) -> Spline:
    """The domain map of isqf.md section 2 for one row of raw head outputs."""
    raw = np.asarray(raw, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    n_knots = x.shape[0]
    gaps = _softplus(raw[1:n_knots]) + SPEC_EPS_GAP
    beta_left = _softplus(raw[n_knots]) + SPEC_EPS_BETA
    beta_right = _softplus(raw[n_knots + 1]) + SPEC_EPS_BETA
    wx = np.ones((n_knots - 1, n_pieces))
    wy = np.ones((n_knots - 1, n_pieces))
    if n_pieces > 1:
        n_spline = (n_knots - 1) * n_pieces
        A = raw[n_knots + 2 : n_knots + 2 + n_spline].reshape(n_knots - 1, n_pieces)
        H = raw[n_knots + 2 + n_spline :].reshape(n_knots - 1, n_pieces)
        for k in range(n_knots - 1):
            wx[k] = _floored_softmax(A[k])
            wy[k] = _floored_softmax(H[k])
    return spline_from_params(x, raw[0], gaps, beta_left, beta_right, wx, wy)


# ---------------------------------------------------------------- q, F, S, f
def quantile(s: Spline, alpha) -> np.ndarray:
    """q(alpha) for alpha in (0, 1), looping over the pieces."""
    alpha = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
    out = np.full(alpha.shape, np.nan)
    x1, xK = s.x[0], s.x[-1]
    left, right = alpha < x1, alpha >= xK
    out[left] = s.y[0] + np.log(alpha[left] / x1) / s.beta_left
    out[right] = s.y[-1] - np.log((1 - alpha[right]) / (1 - xK)) / s.beta_right
    for j in range(s.n_segments):
        inside = (s.X[j] <= alpha) & (alpha < s.X[j + 1]) & ~left & ~right
        out[inside] = s.Y[j] + s.m[j] * (alpha[inside] - s.X[j])
    return out


def _cdf_and_survival(s: Spline, z) -> tuple[np.ndarray, np.ndarray]:
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    F = np.full(z.shape, np.nan)
    S = np.full(z.shape, np.nan)
    y1, yK = s.y[0], s.y[-1]
    left, right = z < y1, z >= yK
    F[left] = s.x[0] * np.exp(s.beta_left * (z[left] - y1))
    S[left] = 1 - F[left]
    S[right] = (1 - s.x[-1]) * np.exp(-s.beta_right * (z[right] - yK))
    F[right] = 1 - S[right]
    for j in range(s.n_segments):
        inside = (s.Y[j] <= z) & (z < s.Y[j + 1]) & ~left & ~right
        F[inside] = s.X[j] + (z[inside] - s.Y[j]) / s.m[j]
        S[inside] = 1 - F[inside]
    return F, S


def cdf(s: Spline, z) -> np.ndarray:
    """F(z), looping over the pieces."""
    return _cdf_and_survival(s, z)[0]


def survival(s: Spline, z) -> np.ndarray:
    """1 - F(z), computed directly in the right tail (no cancellation)."""
    return _cdf_and_survival(s, z)[1]


def density(s: Spline, z) -> np.ndarray:
    """f(z): beta_L F, 1 / m_j (right-continuous), beta_R (1 - F)."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    F, S = _cdf_and_survival(s, z)
    f = np.full(z.shape, np.nan)
    left, right = z < s.y[0], z >= s.y[-1]
    f[left] = s.beta_left * F[left]
    f[right] = s.beta_right * S[right]
    for j in range(s.n_segments):
        inside = (s.Y[j] <= z) & (z < s.Y[j + 1]) & ~left & ~right
        f[inside] = 1 / s.m[j]
    return f


def dq_dalpha(s: Spline, alpha) -> np.ndarray:
    """Right derivative of q: 1/(beta_L alpha), m_j, 1/(beta_R (1 - alpha))."""
    alpha = np.atleast_1d(np.asarray(alpha, dtype=np.float64))
    out = np.full(alpha.shape, np.nan)
    left, right = alpha < s.x[0], alpha >= s.x[-1]
    out[left] = 1 / (s.beta_left * alpha[left])
    out[right] = 1 / (s.beta_right * (1 - alpha[right]))
    for j in range(s.n_segments):
        inside = (s.X[j] <= alpha) & (alpha < s.X[j + 1]) & ~left & ~right
        out[inside] = s.m[j]
    return out


# ------------------------------------------------------------- CRPS forms
def crps_tails(s: Spline, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """C_L and C_R of isqf.md section 6, with F_L and S_R in their section 4 forms.

    F_L = x_1 exp(beta_L min(z - y_1, 0)) rather than min(F, x_1): where a piece is
    nearly flat, F just below y_K carries the rounding of z - Y_j over a tiny slope
    and can pass x_K, and C_R multiplies S_R - (1 - x_K) by 2 / beta_R (up to 200).
    """
    x1, xK, y1, yK = s.x[0], s.x[-1], s.y[0], s.y[-1]
    bl, br = s.beta_left, s.beta_right
    F_L = x1 * np.exp(bl * np.minimum(z - y1, 0))
    S_R = (1 - xK) * np.exp(-br * np.maximum(z - yK, 0))
    c_left = (
        x1**2 * (z - y1)
        + x1**2 / (2 * bl)
        - 2 * x1 * np.minimum(z - y1, 0)
        + 2 / bl * (F_L - x1)
    )
    c_right = (
        (1 - xK) ** 2 * (yK - z)
        + (1 - xK) ** 2 / (2 * br)
        + 2 * (1 - xK) * np.maximum(z - yK, 0)
        + 2 / br * (S_R - (1 - xK))
    )
    return c_left, c_right


def crps_generic_pieces(s: Spline, z) -> np.ndarray:
    """C_j of every segment j (generic form of section 6), shape (len(z), J)."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    level = cdf(s, z)
    pieces = np.zeros(z.shape + (s.n_segments,))
    for j in range(s.n_segments):
        a, b, m = s.X[j], s.X[j + 1], s.m[j]
        c = s.Y[j] - m * a
        r = np.clip(level, a, b)
        pieces[:, j] = (
            (z - c) * (b**2 - a**2)
            - 2 / 3 * m * (b**3 - a**3)
            - 2 * (z - c) * (b - r)
            + m * (b**2 - r**2)
        )
    return pieces


def crps_generic(s: Spline, z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(C_L, sum_j C_j, C_R) with the generic per-segment form of section 6."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    c_left, c_right = crps_tails(s, z)
    return c_left, crps_generic_pieces(s, z).sum(-1), c_right


def crps_per_interval(s: Spline, z) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(C_L, sum_k C_k, C_R) with the per-interval cross-check form of section 6."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    level = cdf(s, z)
    n_pieces = s.dx.shape[1]
    spline = np.zeros(z.shape)
    for k in range(s.x.shape[0] - 1):
        xk, xk1, yk = s.x[k], s.x[k + 1], s.y[k]
        level_k = np.clip(level, xk, xk1)
        spline += (xk1**2 - xk**2) * (z - yk) + 2 * (xk1 - level_k) * (yk - z)
        for p in range(n_pieces):
            j = k * n_pieces + p
            lo, hi, m = s.X[j], s.X[j + 1], s.m[j]
            r = np.clip(level_k, lo, hi)
            spline += m * (
                -2 / 3 * hi**3
                + lo * hi**2
                + hi**2
                - lo**3 / 3
                - 2 * lo * hi
                - r**2
                + 2 * lo * r
            )
            spline += s.dy[k, p] * (
                hi**2 - 2 * np.maximum(level_k, hi) + 2 * xk1 - xk1**2
            )
    c_left, c_right = crps_tails(s, z)
    return c_left, spline, c_right


def crps_generic_magnitude(s: Spline, z) -> np.ndarray:
    """The scale of the generic form's float64 rounding error, over 2**-52: every
    difference in it (z - c, b**2 - a**2, ...) taken as the sum of magnitudes."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    level = cdf(s, z)
    total = _tails_magnitude(s, z)
    for j in range(s.n_segments):
        a, b, m = s.X[j], s.X[j + 1], abs(s.m[j])
        zc = np.abs(z) + abs(s.Y[j]) + m * a
        r = np.clip(level, a, b)
        total += zc * (b**2 + a**2) + 2 / 3 * m * (b**3 + a**3)
        total += 2 * zc * (b + r) + m * (b**2 + r**2)
    return total


def crps_per_interval_magnitude(s: Spline, z) -> np.ndarray:
    """The same scale for the per-interval form (each monomial taken apart)."""
    z = np.atleast_1d(np.asarray(z, dtype=np.float64))
    level = cdf(s, z)
    n_pieces = s.dx.shape[1]
    total = _tails_magnitude(s, z)
    for k in range(s.x.shape[0] - 1):
        xk, xk1 = s.x[k], s.x[k + 1]
        zy = np.abs(z) + abs(s.y[k])
        level_k = np.clip(level, xk, xk1)
        total += (xk1**2 + xk**2) * zy + 2 * (xk1 + level_k) * zy
        for p in range(n_pieces):
            j = k * n_pieces + p
            lo, hi, m = s.X[j], s.X[j + 1], abs(s.m[j])
            r = np.clip(level_k, lo, hi)
            total += m * (
                2 / 3 * hi**3 + lo * hi**2 + hi**2 + lo**3 / 3 + 2 * lo * hi
            ) + m * (r**2 + 2 * lo * r)
            total += s.dy[k, p] * (
                hi**2 + 2 * np.maximum(level_k, hi) + 2 * xk1 + xk1**2
            )
    return total


def _tails_magnitude(s: Spline, z: np.ndarray) -> np.ndarray:
    x1, xK, y1, yK = s.x[0], s.x[-1], abs(s.y[0]), abs(s.y[-1])
    bl, br = s.beta_left, s.beta_right
    zy1, zyK = np.abs(z) + y1, np.abs(z) + yK
    left = x1**2 * zy1 + x1**2 / (2 * bl) + 2 * x1 * zy1 + 4 / bl * x1
    right = (1 - xK) ** 2 * zyK + (1 - xK) ** 2 / (2 * br) + 2 * (1 - xK) * zyK
    return left + right + 4 / br * (1 - xK)


# -------------------------------------------------------------- quadrature
def gauss_legendre(lo: np.ndarray, hi: np.ndarray):
    """Nodes (n, 20) and weights (n, 20) of the 20-point rule on each [lo, hi]."""
    half = (hi - lo)[:, None] / 2
    nodes = (lo + hi)[:, None] / 2 + half * GL_NODES
    return nodes, half * GL_WEIGHTS


def _split(lo: np.ndarray, hi: np.ndarray, at: float | None):
    """Split every interval [lo, hi] that strictly contains ``at`` in two."""
    if at is None:
        return lo, hi
    inside = (lo < at) & (at < hi)
    lo = np.concatenate([lo, np.full(inside.sum(), at)])
    hi = np.concatenate([np.where(inside, at, hi), hi[inside]])
    return lo, hi


def integrate_levels(s: Spline, g, level=None, tail_level=None) -> float:
    """Integral over alpha in (0, 1) of ``g(alpha, v, q(alpha))``, with v = 1 - alpha.

    20-point Gauss-Legendre on each piece [X_j, X_{j+1}], on the left tail grid
    [x_1 2**-(i+1), x_1 2**-i] in alpha and on the right tail grid in v = 1 - alpha
    (q written in v), i = 0..200. ``level`` (an alpha) and ``tail_level`` (the same
    point as a v, for precision near 1) split the sub-interval holding them.
    """
    x1, xK = s.x[0], s.x[-1]
    halvings = 2.0 ** -np.arange(TAIL_HALVINGS + 2)
    total = 0.0
    # Left tail, in alpha.
    lo, hi = _split(x1 * halvings[1:], x1 * halvings[:-1], level)
    a, w = gauss_legendre(lo, hi)
    q = s.y[0] + np.log(a / x1) / s.beta_left
    total += np.sum(w * g(a, 1 - a, q))
    # Spline pieces.
    lo, hi = _split(s.X[:-1], s.X[1:], level)
    keep = hi > lo
    a, w = gauss_legendre(lo[keep], hi[keep])
    total += np.sum(w * g(a, 1 - a, quantile(s, a.ravel()).reshape(a.shape)))
    # Right tail, in v = 1 - alpha.
    lo, hi = _split((1 - xK) * halvings[1:], (1 - xK) * halvings[:-1], tail_level)
    v, w = gauss_legendre(lo, hi)
    q = s.y[-1] - np.log(v / (1 - xK)) / s.beta_right
    total += np.sum(w * g(1 - v, v, q))
    return float(total)


def crps_quadrature(s: Spline, z: float) -> float:
    """CRPS as the integral of 2 x pinball loss over alpha (test 4's oracle)."""
    F, S = _cdf_and_survival(s, z)
    level, tail_level = float(F[0]), float(S[0])

    def twice_pinball(a, v, q):
        u = z - q
        # 2 rho_alpha(u) = 2 u alpha if u >= 0, else 2 (-u)(1 - alpha).
        return np.where(u >= 0, 2 * u * a, -2 * u * v)

    in_left = level < s.x[0]
    return integrate_levels(
        s,
        twice_pinball,
        level=level if level < s.x[-1] else None,
        tail_level=tail_level if not in_left and level >= s.x[-1] else None,
    )


def _cdf_scalar(s: Spline, t: float) -> tuple[float, float]:
    """(F(t), 1 - F(t)) for one float t: the scalar loop behind the scipy quad."""
    if t < s.y[0]:
        F = s.x[0] * np.exp(s.beta_left * (t - s.y[0]))
        return F, 1 - F
    if t >= s.y[-1]:
        S = (1 - s.x[-1]) * np.exp(-s.beta_right * (t - s.y[-1]))
        return 1 - S, S
    for j in range(s.n_segments):
        if s.Y[j] <= t < s.Y[j + 1]:
            F = s.X[j] + (t - s.Y[j]) / s.m[j]
            return F, 1 - F
    raise AssertionError(f"no piece holds t = {t!r}")


def crps_threshold_quad(s: Spline, z: float) -> float:
    """CRPS as the integral over t of (F(t) - 1{t >= z})**2 (scipy quad)."""
    edges = np.unique(np.concatenate([s.Y, [z]]))

    def integrand(t):
        F, S = _cdf_scalar(s, t)
        return F * F if t < z else S * S

    pieces = [(-np.inf, edges[0]), *zip(edges[:-1], edges[1:]), (edges[-1], np.inf)]
    total = 0.0
    for lo, hi in pieces:
        total += integrate.quad(integrand, lo, hi, epsabs=0.0, epsrel=1e-13, limit=200)[
            0
        ]
    return total


def mean_quadrature(s: Spline) -> float:
    """E[Y] as the integral of q over alpha."""
    return integrate_levels(s, lambda a, v, q: q)


def second_moment_quadrature(s: Spline) -> float:
    """E[Y**2] as the integral of q**2 over alpha."""
    return integrate_levels(s, lambda a, v, q: q**2)


def variance_quadrature(s: Spline) -> float:
    """Var[Y] as the integral of (q - E[Y])**2 over alpha."""
    mu = mean_quadrature(s)
    return integrate_levels(s, lambda a, v, q: (q - mu) ** 2)


# ------------------------------------------------------ closed-form moments
def mean_closed_form(s: Spline) -> float:
    """E[Y] of isqf.md section 7, summing the pieces one by one."""
    x1, xK, y1, yK = s.x[0], s.x[-1], s.y[0], s.y[-1]
    total = x1 * (y1 - 1 / s.beta_left) + (1 - xK) * (yK + 1 / s.beta_right)
    for j in range(s.n_segments):
        total += (s.X[j + 1] - s.X[j]) * (s.Y[j] + s.Y[j + 1]) / 2
    return float(total)


def second_moment_closed_form(s: Spline, about: float = 0.0) -> float:
    """E[(Y - about)**2] of isqf.md section 7, summing the pieces one by one."""
    x1, xK = s.x[0], s.x[-1]
    y1, yK = s.y[0] - about, s.y[-1] - about
    bl, br = s.beta_left, s.beta_right
    total = x1 * (y1**2 - 2 * y1 / bl + 2 / bl**2)
    total += (1 - xK) * (yK**2 + 2 * yK / br + 2 / br**2)
    for j in range(s.n_segments):
        a, b = s.Y[j] - about, s.Y[j + 1] - about
        total += (s.X[j + 1] - s.X[j]) * (a * a + a * b + b * b) / 3
    return float(total)


# ------------------------------------------------------------------ decisions
def _integrate_split_at_value(s: Spline, t: float, g) -> float:
    """``integrate_levels`` with the sub-interval holding F(t) split there."""
    F, S = _cdf_and_survival(s, t)
    level, tail_level = float(F[0]), float(S[0])
    in_left = level < s.x[0]
    return integrate_levels(
        s,
        g,
        level=level if level < s.x[-1] else None,
        tail_level=tail_level if not in_left and level >= s.x[-1] else None,
    )


def expected_excess_quadrature(s: Spline, t: float) -> float:
    """Pi(t) = E[(Y - t)+] as the integral of (q - t)+ over alpha, split at F(t)."""
    return _integrate_split_at_value(s, t, lambda a, v, q: np.maximum(q - t, 0.0))


def expected_leftover_quadrature(s: Spline, t: float) -> float:
    """E[(t - Y)+] as the integral of (t - q)+ over alpha, split at F(t)."""
    return _integrate_split_at_value(s, t, lambda a, v, q: np.maximum(t - q, 0.0))


def expected_excess_threshold_quad(s: Spline, t: float) -> float:
    """Pi(t) as the integral of the survival function 1 - F over (t, inf)."""
    edges = np.unique(np.concatenate([s.Y[s.Y > t], [t]]))
    pieces = [*zip(edges[:-1], edges[1:]), (edges[-1], np.inf)]
    total = 0.0
    for lo, hi in pieces:
        total += integrate.quad(
            lambda u: _cdf_scalar(s, u)[1], lo, hi, epsabs=0.0, epsrel=1e-13, limit=200
        )[0]
    return total


def expected_shortfall_quadrature(s: Spline, alpha: float) -> float:
    """ES(alpha) as the integral of q over (alpha, 1), divided by 1 - alpha."""
    v = 1.0 - alpha
    in_right = alpha >= s.x[-1]

    def above(a, w, q):
        # In the right tail compare in v = 1 - alpha, where the nodes are exact.
        return np.where(w <= v if in_right else a >= alpha, q, 0.0)

    upper = integrate_levels(
        s,
        above,
        level=alpha if alpha < s.x[-1] else None,
        tail_level=v if alpha >= s.x[-1] else None,
    )
    return upper / v


def expected_excess_closed_form(s: Spline, t: float) -> float:
    """Pi(t) of isqf.md section 7, summing the pieces one by one."""
    F, S = _cdf_and_survival(s, t)
    F, S = float(F[0]), float(S[0])
    x1, xK, y1, yK = s.x[0], s.x[-1], s.y[0], s.y[-1]
    F_left, S_right = min(F, x1), min(S, 1 - xK)
    total = x1 * max(y1 - t, 0.0) - (x1 - F_left) / s.beta_left
    total += (1 - xK) * max(yK - t, 0.0) + S_right / s.beta_right
    for j in range(s.n_segments):
        r = min(max(F, s.X[j]), s.X[j + 1])
        q_r = s.Y[j] + s.m[j] * (r - s.X[j])
        total += (s.X[j + 1] - r) * ((q_r + s.Y[j + 1]) / 2 - t)
    return float(total)
