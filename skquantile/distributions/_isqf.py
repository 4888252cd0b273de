"""The incremental spline quantile function (ISQF) as a torch distribution.

Map of this module
------------------
- :class:`ISQF` holds valid parameters (knot levels, a first knot value, positive knot
  gaps, tail rates and spline weights) and derives the breakpoints ``X``, ``Y`` of the
  piecewise-linear interior once.
- Quantile, CDF, density, CRPS and moments are written in a *levels-last* layout:
  parameters have batch shape ``B`` and the evaluation points have shape ``B + (S,)``.
  The torch-convention methods (``icdf``, ``cdf``, ``log_prob``, ``crps``) accept the
  usual ``sample_shape + batch_shape`` values and move the sample axes last and back.

The formulas are those of Park et al. (2022), written out in ``shared/design/isqf.md``.
Every branch of every ``torch.where`` is finite for every input, so gradients never
turn NaN through an unselected branch.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor
from torch.distributions import Distribution, constraints

__all__ = ["ISQF", "open_uniform"]


class ISQF(Distribution):
    r"""Incremental spline quantile function with exponential tails.

    Parameters
    ----------
    knot_levels : Tensor of shape (K,)
        Strictly increasing levels :math:`0 < x_1 < \dots < x_K < 1`, shared by every
        batch element, K >= 2.
    first_value : Tensor of shape B
        The quantile :math:`y_1` at the first knot level.
    gaps : Tensor of shape B + (K - 1,)
        Positive increments :math:`g_k = y_{k+1} - y_k`.
    beta_left, beta_right : Tensor of shape B
        Positive rates of the exponential tails.
    weights_x, weights_y : Tensor of shape B + (K - 1, P), optional
        Positive spline weights summing to one over the last axis. ``None`` means
        ``P = 1``: the interior is linear interpolation between the knots.
    validate_args : bool, optional
        Passed to :class:`torch.distributions.Distribution`.
    """

    arg_constraints: dict = {}
    support = constraints.real
    has_rsample = True

    def __init__(
        self,
        knot_levels: Tensor,
        first_value: Tensor,
        gaps: Tensor,
        beta_left: Tensor,
        beta_right: Tensor,
        weights_x: Tensor | None = None,
        weights_y: Tensor | None = None,
        validate_args: bool | None = None,
    ) -> None:
        dtype, device = gaps.dtype, gaps.device
        x = knot_levels.to(dtype=dtype, device=device)
        if x.ndim != 1 or x.shape[0] < 2:
            raise ValueError(
                f"knot_levels must be a 1-d tensor of at least 2 levels; "
                f"got shape {tuple(x.shape)}."
            )
        if gaps.shape[-1] != x.shape[0] - 1:
            raise ValueError(
                f"gaps must have K - 1 = {x.shape[0] - 1} entries on its last axis; "
                f"got shape {tuple(gaps.shape)}."
            )
        if (weights_x is None) != (weights_y is None):
            raise ValueError("weights_x and weights_y must both be given or both None.")
        batch_shape = gaps.shape[:-1]
        self.knot_levels = x
        self.first_value = first_value
        self.gaps = gaps
        self.beta_left = beta_left
        self.beta_right = beta_right
        self.n_pieces = 1 if weights_x is None else weights_x.shape[-1]
        self._build_breakpoints(first_value, gaps, weights_x, weights_y)
        super().__init__(batch_shape, torch.Size(), validate_args=validate_args)

    def _build_breakpoints(
        self, first: Tensor, gaps: Tensor, wx: Tensor | None, wy: Tensor | None
    ) -> None:
        """Derive knot values ``y`` and breakpoints ``X``, ``Y`` (B + (J + 1,)).

        With P = 1 (no weights) the breakpoints are the knots themselves: the same
        values the general path gives with unit weights, without per-row work.
        """
        x = self.knot_levels
        y = torch.cat([first.unsqueeze(-1), first.unsqueeze(-1) + gaps.cumsum(-1)], -1)
        self.knot_values = y
        if wx is None or wy is None:
            self.X = x.expand(y.shape)
            self.Y = y
            self.dx = (x[1:] - x[:-1]).expand(gaps.shape)
            self.dy = gaps
            self.slope = self.dy / self.dx
            return
        dx = wx * (x[1:] - x[:-1]).unsqueeze(-1)  # B + (K - 1, P)
        dy = wy * gaps.unsqueeze(-1)
        X = _exclusive_cumsum(dx).add(x[:-1].unsqueeze(-1)).minimum(x[1:].unsqueeze(-1))
        Y = _exclusive_cumsum(dy).add(y[..., :-1].unsqueeze(-1))
        Y = Y.minimum(y[..., 1:].unsqueeze(-1))
        last_x = x[-1:].expand(X.shape[:-2] + (1,))
        self.X = torch.cat([X.flatten(-2), last_x], -1)
        self.Y = torch.cat([Y.flatten(-2), y[..., -1:]], -1)
        self.dx = dx.flatten(-2)
        self.dy = dy.flatten(-2)
        self.slope = self.dy / self.dx

    # ------------------------------------------------------------------ helpers
    @property
    def _x1(self) -> Tensor:
        return self.knot_levels[0]

    @property
    def _xK(self) -> Tensor:
        return self.knot_levels[-1]

    def _params_last(self) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        """y_1, y_K, beta_L, beta_R with a trailing axis for broadcasting."""
        return (
            self.knot_values[..., :1],
            self.knot_values[..., -1:],
            self.beta_left.unsqueeze(-1),
            self.beta_right.unsqueeze(-1),
        )

    def _segment(self, sorted_seq: Tensor, values: Tensor) -> Tensor:
        """Index j of the piece with ``sorted_seq[j] <= values < sorted_seq[j + 1]``."""
        n_pieces = self.dx.shape[-1]
        seq = sorted_seq.expand(values.shape[:-1] + sorted_seq.shape[-1:])
        j = torch.searchsorted(seq.contiguous(), values.contiguous(), right=True) - 1
        return j.clamp(0, n_pieces - 1)

    def _expand(self, t: Tensor, like: Tensor) -> Tensor:
        return t.expand(like.shape[:-1] + t.shape[-1:])

    # ------------------------------------------------------- levels-last maths
    def quantile(self, alpha: Tensor) -> Tensor:
        """Quantile function q(alpha), levels last: ``alpha`` of shape B + (S,).

        The domain is the open interval (0, 1); at 0 and 1 the result is -inf, +inf.
        """
        x1, xK = self._x1, self._xK
        y1, yK, bl, br = self._params_last()
        a_c = alpha.clamp(x1, xK)
        j = self._segment(self.X, a_c)
        X, Y = self._expand(self.X, a_c), self._expand(self.Y, a_c)
        Xj, Yj, Yj1 = X.gather(-1, j), Y.gather(-1, j), Y.gather(-1, j + 1)
        mj = self._expand(self.slope, a_c).gather(-1, j)
        interior = torch.minimum(torch.maximum(Yj + mj * (a_c - Xj), Yj), Yj1)
        left = y1 + torch.log(alpha.clamp(max=x1) / x1) / bl
        right_log = torch.log1p(-alpha.clamp(min=xK)) - torch.log1p(-xK)
        right = yK - right_log / br
        return torch.where(alpha < x1, left, torch.where(alpha >= xK, right, interior))

    def quantile_shared(self, alpha: Tensor) -> Tensor:
        """Quantiles at levels shared by every batch element: (S,) -> B + (S,).

        The same values as ``quantile(alpha.expand(batch_shape + (S,)))``. With
        P = 1 the breakpoints are the knots, so each level's piece and tail branch
        are found once for all rows and every row needs only a few fused passes.
        """
        if self.n_pieces > 1 or alpha.ndim != 1:
            return self.quantile(alpha.expand(self.batch_shape + alpha.shape))
        x = self.knot_levels
        x1, xK = x[0], x[-1]
        a_c = alpha.clamp(x1, xK)
        j = (torch.searchsorted(x, a_c, right=True) - 1).clamp(0, x.shape[0] - 2)
        Yj, Yj1 = self.Y[..., j], self.Y[..., j + 1]
        out = torch.minimum(
            torch.maximum(Yj + self.slope[..., j] * (a_c - x[j]), Yj), Yj1
        )
        y1, yK, bl, br = self._params_last()
        left = alpha < x1
        if bool(left.any()):
            out[..., left] = y1 + torch.log(alpha[left] / x1) / bl
        right = alpha >= xK
        if bool(right.any()):
            right_log = torch.log1p(-alpha[right]) - torch.log1p(-xK)
            out[..., right] = yK - right_log / br
        return out

    def _tail_masses(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """F_L(z) = min(F, x_1) and S_R(z) = min(1 - F, 1 - x_K), overflow-safe."""
        y1, yK, bl, br = self._params_last()
        f_left = self._x1 * torch.exp(bl * (z - y1).clamp(max=0))
        s_right = (1 - self._xK) * torch.exp(-br * (z - yK).clamp(min=0))
        return f_left, s_right

    def _interior_cdf(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """CDF on the spline part at z clamped to [y_1, y_K], and the piece index."""
        y1, yK, _, _ = self._params_last()
        zc = torch.minimum(torch.maximum(z, y1), yK)
        j = self._segment(self.Y, zc)
        X, Y = self._expand(self.X, zc), self._expand(self.Y, zc)
        Xj, Xj1, Yj = X.gather(-1, j), X.gather(-1, j + 1), Y.gather(-1, j)
        dx = self._expand(self.dx, zc).gather(-1, j)
        dy = self._expand(self.dy, zc).gather(-1, j)
        F = torch.minimum(torch.maximum(Xj + (zc - Yj) * dx / dy, Xj), Xj1)
        return F, j

    def cdf_last(self, z: Tensor) -> Tensor:
        """CDF F(z), levels-last layout: ``z`` of shape B + (S,)."""
        y1, yK, _, _ = self._params_last()
        f_left, s_right = self._tail_masses(z)
        interior, _ = self._interior_cdf(z)
        # 1 - (1 - x_K) can round below x_K (when x_K < 1/2): keep F(y_K) >= F(y_K^-).
        right = torch.maximum(1 - s_right, self._xK)
        return torch.where(z < y1, f_left, torch.where(z >= yK, right, interior))

    def log_prob_last(self, z: Tensor) -> Tensor:
        """Log density ln f(z), levels-last layout (right-continuous at breakpoints)."""
        y1, yK, bl, br = self._params_last()
        left = torch.log(bl) + torch.log(self._x1) + bl * (z - y1).clamp(max=0)
        right = torch.log(br) + torch.log1p(-self._xK) - br * (z - yK).clamp(min=0)
        _, j = self._interior_cdf(z)
        dx = self._expand(self.dx, z).gather(-1, j)
        dy = self._expand(self.dy, z).gather(-1, j)
        interior = torch.log(dx) - torch.log(dy)
        return torch.where(z < y1, left, torch.where(z >= yK, right, interior))

    def crps_last(self, z: Tensor) -> Tensor:
        """Closed-form CRPS at z, levels-last layout, in the two-part form.

        Piece j on [a, b] with r = clamp(F(z), a, b), u = r - a, v = b - r and
        w = z - q(r) contributes its two integrals (isqf.md section 6), written so
        that every term is non-negative where it is active (w >= 0 when u > 0 and
        w <= 0 when v > 0) and nothing cancels between pieces in float32:

            C_j = m [u^2 (a + u/3) + v^2 (1 - r - 2v/3)]
                + w [u (2a + u) - v (2 (1 - r) - v)].

        The level F(z) carries no gradient: dC_j/dr = 2 (z - q(r)) (...) vanishes
        at r = F(z), so detaching it gives the exact gradient at a fraction of the
        cost. The tails use Python-float constants to keep the op count low.
        """
        y1, yK, bl, br = self._params_last()
        with torch.no_grad():
            level = self.cdf_last(z).unsqueeze(-1)  # B + (S, 1)
        a, b = self.X[..., :-1].unsqueeze(-2), self.X[..., 1:].unsqueeze(-2)
        m = self.slope.unsqueeze(-2)
        r = torch.minimum(torch.maximum(level, a), b)
        u, v, rest = r - a, b - r, 1 - r
        # z - Y_j first: exact in floating point when z is near Y_j (Sterbenz), so
        # w keeps its small absolute value even at large |z| in float32.
        w = (z.unsqueeze(-1) - self.Y[..., :-1].unsqueeze(-2)) - m * u
        spline = m * (u * u * (a + u / 3) + v * v * (rest - 2 * v / 3)) + w * (
            u * (2 * a + u) - v * (2 * rest - v)
        )
        spline = spline.sum(-1)
        x1, sK = float(self._x1), 1.0 - float(self._xK)
        d1, d2 = z - y1, z - yK
        n1, p2 = d1.clamp(max=0), d2.clamp(min=0)
        c_left = x1 * x1 * d1 - 2 * x1 * n1
        c_left = c_left + (x1 * x1 / 2 - 2 * x1 + 2 * x1 * torch.exp(bl * n1)) / bl
        c_right = 2 * sK * p2 - sK * sK * d2
        c_right = c_right + (sK * sK / 2 - 2 * sK + 2 * sK * torch.exp(-br * p2)) / br
        return c_left + spline + c_right

    # ---------------------------------------------------------------- moments
    @property
    def mean(self) -> Tensor:
        """Analytic mean: tails in closed form, trapezoids on the spline pieces."""
        x1, xK = self._x1, self._xK
        y1, yK = self.knot_values[..., 0], self.knot_values[..., -1]
        widths = self.X[..., 1:] - self.X[..., :-1]
        spline = (widths * (self.Y[..., :-1] + self.Y[..., 1:])).sum(-1) / 2
        return (
            x1 * (y1 - 1 / self.beta_left)
            + spline
            + (1 - xK) * (yK + 1 / self.beta_right)
        )

    @property
    def variance(self) -> Tensor:
        """Analytic variance, the second moment taken about the mean."""
        x1, xK = self._x1, self._xK
        mu = self.mean
        bl, br = self.beta_left, self.beta_right
        Yc = self.Y - mu.unsqueeze(-1)
        y1, yK = Yc[..., 0], Yc[..., -1]
        widths = self.X[..., 1:] - self.X[..., :-1]
        Ya, Yb = Yc[..., :-1], Yc[..., 1:]
        spline = (widths * (Ya * Ya + Ya * Yb + Yb * Yb)).sum(-1) / 3
        left = x1 * (y1 * y1 - 2 * y1 / bl + 2 / bl**2)
        right = (1 - xK) * (yK * yK + 2 * yK / br + 2 / br**2)
        return left + spline + right

    # --------------------------------------------------------------- decisions
    def quantile_slope(self, alpha: Tensor) -> Tensor:
        """dq/dalpha, levels last: the right derivative at spline breakpoints.

        ``1 / (beta_L alpha)`` in the left tail, the piece slope ``m_j`` inside and
        ``1 / (beta_R (1 - alpha))`` in the right tail; equal to ``1 / f(q(alpha))``.
        """
        x1, xK = self._x1, self._xK
        _, _, bl, br = self._params_last()
        a_c = alpha.clamp(x1, xK)
        j = self._segment(self.X, a_c)
        interior = self._expand(self.slope, a_c).gather(-1, j)
        left = 1 / (bl * alpha.clamp(max=x1))
        right = 1 / (br * (1 - alpha.clamp(min=xK)))
        return torch.where(alpha < x1, left, torch.where(alpha >= xK, right, interior))

    def _upper_pieces(self, level: Tensor, shift: Tensor | float = 0.0) -> Tensor:
        """Sum over pieces of the integral of q - shift above the level.

        With r_j = clamp(level, X_j, X_{j+1}): sum_j (X_{j+1} - r_j)((q(r_j) +
        Y_{j+1}) / 2 - shift), the trapezoid of each linear piece above the level.
        ``shift`` has the shape of ``level`` (or is a float).
        """
        a, b = self.X[..., :-1].unsqueeze(-2), self.X[..., 1:].unsqueeze(-2)
        r = torch.minimum(torch.maximum(level.unsqueeze(-1), a), b)
        q_r = self.Y[..., :-1].unsqueeze(-2) + self.slope.unsqueeze(-2) * (r - a)
        if isinstance(shift, Tensor):
            shift = shift.unsqueeze(-1)
        return ((b - r) * ((q_r + self.Y[..., 1:].unsqueeze(-2)) / 2 - shift)).sum(-1)

    def expected_excess(self, t: Tensor) -> Tensor:
        """Pi(t) = E[(Y - t)+], levels-last layout: ``t`` of shape B + (S,).

        The integral of q - t over the levels above F(t) (isqf.md section 7). Every
        term is non-negative, so nothing cancels: the pieces below F(t) add 0 and
        the one holding it starts at q = t. For t >= y_K it is S_R(t) / beta_R.
        """
        y1, yK, bl, br = self._params_last()
        x1, sK = self._x1, 1 - self._xK
        f_left, s_right = self._tail_masses(t)
        # Above y_K every piece lies below F(t) and adds 0; min(t, y_K) keeps that
        # 0 (not 0 * inf) at t = +inf.
        spline = self._upper_pieces(self.cdf_last(t), torch.minimum(t, yK))
        left = x1 * (y1 - t).clamp(min=0) - (x1 - f_left) / bl
        right = sK * (yK - t).clamp(min=0) + s_right / br
        return left + spline + right

    def upper_integral(self, alpha: Tensor) -> Tensor:
        """U(alpha), the integral of q over (alpha, 1), levels last.

        With s = min(alpha, x_1) and s' = max(alpha, x_K): the left tail gives
        (x_1 - s)(y_1 - 1/beta_L) - s ln(s / x_1) / beta_L, the pieces their
        trapezoids above alpha, and the right tail (1 - s')(q(s') + 1/beta_R).
        """
        x1, xK = self._x1, self._xK
        y1, yK, bl, br = self._params_last()
        s, s_right = alpha.clamp(max=x1), alpha.clamp(min=xK)
        left = (x1 - s) * (y1 - 1 / bl) - s * torch.log(s / x1) / bl
        q_right = yK - (torch.log1p(-s_right) - torch.log1p(-xK)) / br
        right = (1 - s_right) * (q_right + 1 / br)
        return left + self._upper_pieces(alpha) + right

    def expected_shortfall(self, alpha: Tensor) -> Tensor:
        """ES(alpha) = E[Y | Y >= q(alpha)] = U(alpha) / (1 - alpha), levels last.

        For alpha >= x_K both factors hold the same ``1 - alpha``, so the result is
        exactly q(alpha) + 1 / beta_R, the memoryless tail.
        """
        return self.upper_integral(alpha) / (1 - alpha)

    # ------------------------------------------------- torch-convention methods
    def _to_last(self, value: Tensor) -> tuple[Tensor, torch.Size]:
        """Broadcast ``value`` to sample + batch shape; move the sample axes last."""
        value = torch.as_tensor(value, dtype=self.gaps.dtype, device=self.gaps.device)
        nb = len(self.batch_shape)
        shape = torch.broadcast_shapes(value.shape, self.batch_shape)
        value = value.expand(shape)
        sample_shape = shape[: len(shape) - nb]
        flat = value.reshape((-1,) + self.batch_shape)
        return flat.movedim(0, -1), sample_shape

    def _from_last(self, result: Tensor, sample_shape: torch.Size) -> Tensor:
        return result.movedim(-1, 0).reshape(sample_shape + self.batch_shape)

    def icdf(self, value: Tensor) -> Tensor:
        last, sample_shape = self._to_last(value)
        return self._from_last(self.quantile(last), sample_shape)

    def cdf(self, value: Tensor) -> Tensor:
        last, sample_shape = self._to_last(value)
        return self._from_last(self.cdf_last(last), sample_shape)

    def log_prob(self, value: Tensor) -> Tensor:
        last, sample_shape = self._to_last(value)
        return self._from_last(self.log_prob_last(last), sample_shape)

    def crps(self, value: Tensor) -> Tensor:
        """Closed-form CRPS of this distribution at ``value`` (lower is better)."""
        last, sample_shape = self._to_last(value)
        return self._from_last(self.crps_last(last), sample_shape)

    def rsample(
        self,
        sample_shape: torch.Size | tuple = (),
        generator: torch.Generator | None = None,
    ) -> Tensor:
        """Inverse-transform draws, with levels strictly inside (0, 1)."""
        shape = torch.Size(sample_shape) + self.batch_shape
        u = open_uniform(shape, self.gaps.dtype, self.gaps.device, generator)
        return self.icdf(u)

    def sample(
        self,
        sample_shape: torch.Size | tuple = (),
        generator: torch.Generator | None = None,
    ) -> Tensor:
        with torch.no_grad():
            return self.rsample(sample_shape, generator)


def _exclusive_cumsum(t: Tensor) -> Tensor:
    """[0, t_0, t_0 + t_1, ...] along the last axis (never ``cumsum - t``)."""
    zero = torch.zeros_like(t[..., :1])
    return torch.cat([zero, t[..., :-1].cumsum(-1)], -1)


def open_uniform(
    shape: torch.Size | tuple,
    dtype: torch.dtype,
    device: torch.device | str | None = None,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Uniform draws on the *open* interval (0, 1), exactly representable.

    ``U = (k + 1/2) / 2**b`` with ``k`` uniform on ``{0, ..., 2**b - 1}``, where ``b``
    is the mantissa width (52 for float64, 23 for float32), so
    ``2**-(b+1) <= U <= 1 - 2**-(b+1)`` and the quantile is always finite.
    """
    bits = round(-math.log2(torch.finfo(dtype).eps))  # mantissa width: 52 or 23
    k = torch.randint(0, 2**bits, tuple(shape), generator=generator, device=device)
    return (k.to(torch.float64 if bits > 23 else dtype) + 0.5).div(2.0**bits).to(dtype)
