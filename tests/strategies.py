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
