"""Hypothesis strategies shared by the tests.

Map of this module
------------------
- :func:`knot_levels`: K strictly increasing knot levels in [0.01, 0.99], at least
  1e-3 apart, built constructively (no filtering).
- :data:`n_pieces`: P in 1..8.
- :func:`raw_outputs`: bulk raw head outputs from a NumPy Generator, uniform in
  [-1e3, 1e3] with exact -1e3, 0 and +1e3 sprinkled in.
- :func:`isqf_heads`: a whole head case (levels, P, raw rows), the seed for the bulk
  arrays drawn by hypothesis so that every example is reproducible.
- :func:`edge_head`: the fixed rows used with ``@example`` (all +-1e3, all 0, mixed).

Seeds are drawn by hypothesis and fed to ``np.random.default_rng``; nothing here
seeds anything at import time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st

LEVEL_LOW, LEVEL_HIGH = 0.01, 0.99
# Smallest distance between knot levels that ``fit`` accepts (isqf.md section 1),
# plus a hair so that rounding of the cumulative sum never goes below it.
MIN_LEVEL_SPACING = 1e-3 * (1 + 1e-9)
RAW_BOUND = 1e3
MAX_KNOTS, MAX_PIECES = 8, 8

n_pieces = st.integers(1, MAX_PIECES)
seeds = st.integers(0, 2**32 - 1)


class HeadCase(NamedTuple):
    """Knot levels (K,), pieces per interval P, raw head outputs (n_rows, D)."""

    levels: np.ndarray
    n_pieces: int
    raw: np.ndarray


def head_width(n_knots: int, n_pieces: int) -> int:
    """D = K + 2 (+ 2 (K - 1) P spline logits when P > 1), from isqf.md section 1."""
    return n_knots + 2 + (2 * (n_knots - 1) * n_pieces if n_pieces > 1 else 0)


@st.composite
def knot_levels(draw, min_knots: int = 2, max_knots: int = MAX_KNOTS) -> np.ndarray:
    """K levels in [0.01, 0.99], strictly increasing and at least 1e-3 apart.

    The span 0.98 is cut into a leading slack, K - 1 gaps of at least 1e-3 and a
    trailing slack, in proportions drawn by hypothesis (zeros allowed, so the
    levels can sit exactly on 0.01 and 0.99 and the gaps exactly at the minimum).
    """
    n_knots = draw(st.integers(min_knots, max_knots))
    fraction = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False)
    parts = np.array(
        draw(st.lists(fraction, min_size=n_knots + 1, max_size=n_knots + 1))
    )
    free = (LEVEL_HIGH - LEVEL_LOW) - (n_knots - 1) * MIN_LEVEL_SPACING
    parts = parts / parts.sum() if parts.sum() > 0 else np.full(n_knots + 1, 1.0)
    parts = parts / parts.sum() * free
    levels = np.empty(n_knots)
    levels[0] = LEVEL_LOW + parts[0]
    for k in range(1, n_knots):
        levels[k] = levels[k - 1] + MIN_LEVEL_SPACING + parts[k]
    return np.minimum(levels, LEVEL_HIGH)


def raw_outputs(rng: np.random.Generator, n_rows: int, width: int) -> np.ndarray:
    """Uniform in [-1e3, 1e3]; about a quarter of the entries set to -1e3, 0 or 1e3."""
    raw = rng.uniform(-RAW_BOUND, RAW_BOUND, size=(n_rows, width))
    pinned = rng.random((n_rows, width)) < 0.25
    raw[pinned] = rng.choice([-RAW_BOUND, 0.0, RAW_BOUND], size=int(pinned.sum()))
    return raw


@st.composite
def isqf_heads(draw, n_rows: int = 3) -> HeadCase:
    """Levels, then P, then a seed for ``n_rows`` rows of raw outputs."""
    levels = draw(knot_levels())
    pieces = draw(n_pieces)
    rng = np.random.default_rng(draw(seeds))
    return HeadCase(
        levels, pieces, raw_outputs(rng, n_rows, head_width(len(levels), pieces))
    )


def edge_head(levels, pieces: int) -> HeadCase:
    """Rows all +1e3, all -1e3, all 0, and alternating +-1e3 (for ``@example``)."""
    levels = np.asarray(levels, dtype=np.float64)
    width = head_width(len(levels), pieces)
    alternating = np.where(np.arange(width) % 2 == 0, RAW_BOUND, -RAW_BOUND)
    raw = np.stack(
        [
            np.full(width, RAW_BOUND),
            np.full(width, -RAW_BOUND),
            np.zeros(width),
            alternating,
            -alternating,
        ]
    )
    return HeadCase(levels, pieces, raw)


# ------------------------------------------------------------------------------------
# Convex potentials (mqf2.md section 10): cases for tests/nn/test_picnn.py and
# tests/distributions/test_convex_map.py.
#
# - :func:`convex_cases`: a :class:`ConvexCase` (d in 1..5, context width, PICNN
#   size, weight factors in [0.3, 3], whether A sits at its floor, a seed).
# - :func:`convex_head`: the float64 :class:`~skquantile.nn.ConvexPotentialHead` of a
#   case, every parameter re-drawn from a seeded ``torch.Generator``.
# - :func:`convex_inputs`: contexts (factor in [0.3, 3]) and latent points uniform in
#   [-5, 5]^d, from the case's seed.
#
# torch is imported inside the builders, so the ISQF strategies above stay NumPy-only.

MAX_EVENT_DIM = 5
# Weight and context factors of oracle section 10: "scales 0.3-3".
SCALE_LOW, SCALE_HIGH = 0.3, 3.0
# Latent points reach 5 standard deviations out in each coordinate.
LATENT_BOUND = 5.0
# softplus(-40) = 4e-18: a raw value that switches a softplus'd term off numerically.
RAW_OFF = -40.0


class ConvexCase(NamedTuple):
    """A random convex potential head and where to evaluate it.

    ``weight_scale`` None draws one factor in [0.3, 3] per parameter tensor from the
    seed; a number uses that factor for all of them. ``at_floor`` switches the
    quadratic head off (diag raw -40, B = 0), so A is exactly its floor
    ``HESSIAN_FLOOR * diag(r)`` and the PICNN alone adds curvature.
    """

    event_dim: int
    context_dim: int
    hidden: int
    n_layers: int
    seed: int
    weight_scale: float | None = None
    context_scale: float = 1.0
    at_floor: bool = False


@st.composite
def convex_cases(
    draw,
    min_dim: int = 1,
    max_dim: int = MAX_EVENT_DIM,
    at_floor: bool | None = None,
) -> ConvexCase:
    """d, then the network's sizes, the factors, the floor switch (drawn unless
    ``at_floor`` fixes it), a seed."""
    factor = st.floats(SCALE_LOW, SCALE_HIGH, allow_nan=False, allow_infinity=False)
    return ConvexCase(
        event_dim=draw(st.integers(min_dim, max_dim)),
        context_dim=draw(st.integers(1, 4)),
        hidden=draw(st.integers(1, 12)),
        n_layers=draw(st.integers(1, 3)),
        seed=draw(seeds),
        weight_scale=draw(st.none() | factor),
        context_scale=draw(factor),
        at_floor=draw(st.booleans()) if at_floor is None else at_floor,
    )


# @example pins: everything at its largest (d = 5, H = 12, L = 3, weights and
# contexts x3), at its smallest (d = H = L = 1, x0.3), a zero context, and a head at
# its floor.
CONVEX_EDGE_CASES = [
    ConvexCase(5, 4, 12, 3, seed=0, weight_scale=SCALE_HIGH, context_scale=SCALE_HIGH),
    ConvexCase(1, 1, 1, 1, seed=0, weight_scale=SCALE_LOW, context_scale=SCALE_LOW),
    ConvexCase(3, 2, 8, 2, seed=1, context_scale=0.0),
    ConvexCase(3, 2, 8, 2, seed=2, at_floor=True),
]


def relative_scales(rng: np.random.Generator, d: int) -> np.ndarray:
    """r_i = sd_i / sqrt(mean sd^2) for sd_i uniform in [0.3, 3] (mqf2.md section 6)."""
    sd = rng.uniform(SCALE_LOW, SCALE_HIGH, size=d)
    return sd / np.sqrt(np.mean(sd**2))


def convex_head(case: ConvexCase):
    """The case's head in float64, each parameter re-drawn as factor * N(0, 1), over
    sqrt(fan-in) for matrices. Construction runs in a forked RNG (global state kept).
    """
    import torch

    from skquantile.nn import ConvexPotentialHead

    rng = np.random.default_rng(case.seed)
    rel_scale = torch.tensor(relative_scales(rng, case.event_dim))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(case.seed)
        head = ConvexPotentialHead(
            case.context_dim, rel_scale, hidden=case.hidden, n_layers=case.n_layers
        ).double()
    generator = torch.Generator().manual_seed(case.seed)
    with torch.no_grad():
        for param in head.parameters():
            if case.weight_scale is None:
                factor = rng.uniform(SCALE_LOW, SCALE_HIGH)
            else:
                factor = case.weight_scale
            fan_in = param.shape[-1] if param.dim() == 2 else 1
            noise = torch.randn(param.shape, generator=generator, dtype=param.dtype)
            param.copy_(noise * (factor / np.sqrt(fan_in)))
        if case.at_floor:
            head.diag.weight.zero_()
            head.diag.bias.fill_(RAW_OFF)
            head.factor.weight.zero_()
            head.factor.bias.zero_()
    return head


def convex_inputs(case: ConvexCase, n_rows: int, n_points: int):
    """Contexts (n_rows, context_dim) ~ N(0, context_scale^2) and latent points
    (n_rows, n_points, d) uniform in [-5, 5]^d, as float64 tensors."""
    import torch

    rng = np.random.default_rng([case.seed, 1])
    c = rng.standard_normal((n_rows, case.context_dim)) * case.context_scale
    z = rng.uniform(-LATENT_BOUND, LATENT_BOUND, (n_rows, n_points, case.event_dim))
    return torch.tensor(c), torch.tensor(z)
