"""Validation of method arguments (levels, coverages, targets, knots, seeds).

Each check raises a ``ValueError`` that names the argument, states the rule, echoes
the first bad value (with its index for arrays) and hints at the fix.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "check_alpha",
    "check_alpha_rows",
    "check_coverage",
    "check_level_vectors",
    "check_output_targets",
    "check_knots",
    "check_n_draws",
    "check_targets",
    "seed_from",
]

# Smallest distance between two knot levels: closer knots make the spline pieces
# between them narrower than float32 can resolve against the level itself.
MIN_KNOT_SPACING = 1e-3
# Out-of-range levels from here up to 100 get the hint "did you mean value / 100?".
PERCENT_HINT_MIN = 2


def _first_bad(values: NDArray, bad: NDArray) -> tuple[float, str]:
    index = np.argwhere(bad)[0]
    where = f" at index {tuple(int(i) for i in index)}" if values.ndim else ""
    return float(values[tuple(index)]), where


def _open_unit(name: str, values: ArrayLike, hint: str, max_ndim: int = 1) -> NDArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim > max_ndim:
        allowed = "a scalar or a 1-d array" if max_ndim == 1 else "at most 2-d"
        raise ValueError(
            f"{name} must be {allowed}; got an array of shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty.")
    bad = ~((arr > 0) & (arr < 1))
    if bad.any():
        value, where = _first_bad(arr, bad)
        extra = ""
        # Values from 2 to 100 read as percentages (95 for 0.95); just above 1,
        # such as 1.2, they are more likely a slip than 1.2%.
        if np.isfinite(value) and PERCENT_HINT_MIN <= value < 100:
            extra = f" Levels are fractions: did you mean {value / 100!r}?"
        raise ValueError(
            f"{name} must lie in the open interval (0, 1); got {value!r}{where}. "
            f"{hint}{extra}"
        )
    return arr


def check_alpha(alpha: ArrayLike) -> NDArray:
    """Quantile level(s) in the open interval (0, 1): a float or a 1-d float array."""
    return _open_unit(
        "alpha", alpha, "Use a level such as 0.001 or 0.999 for an extreme quantile."
    )


def check_alpha_rows(alpha: ArrayLike, n_samples: int) -> NDArray:
    """Quantile levels per row: a scalar, a 1-d array or an (n_samples, m) array.

    The 2-d form gives each row its own m levels (for example its own service
    level); the others are shared by all rows and pass through :func:`check_alpha`.
    """
    arr = _open_unit(
        "alpha",
        alpha,
        "Use a level such as 0.001 or 0.999 for an extreme quantile.",
        max_ndim=2,
    )
    if arr.ndim == 2 and arr.shape[0] != n_samples:
        raise ValueError(
            f"alpha of shape (n_samples, m) gives levels per row and must have "
            f"n_samples = {n_samples} rows, as X has; got shape {arr.shape}. For "
            f"levels shared by all rows pass a 1-d array."
        )
    return arr


def check_coverage(coverage: ArrayLike) -> NDArray:
    """Central-interval mass(es) in the open interval (0, 1)."""
    return _open_unit("coverage", coverage, "Use for example coverage=0.9.")


def check_knots(knots: int | ArrayLike) -> NDArray:
    """Knot levels: K evenly spaced levels for an int K >= 2, else the given levels.

    Levels must be strictly increasing, inside (0, 1) and at least
    ``MIN_KNOT_SPACING`` apart.
    """
    if isinstance(knots, numbers.Integral) and not isinstance(knots, bool):
        if knots < 2:
            raise ValueError(f"knots must be at least 2; got {int(knots)!r}.")
        return np.arange(1, knots + 1, dtype=np.float64) / (knots + 1)
    levels = np.asarray(knots, dtype=np.float64)
    if levels.ndim != 1 or levels.size < 2:
        raise ValueError(
            "knots must be an int >= 2 or a 1-d array of at least 2 levels; "
            f"got shape {levels.shape}."
        )
    _open_unit("knots", levels, "Knot levels are quantile levels such as 0.05.")
    steps = np.diff(levels)
    bad = steps < MIN_KNOT_SPACING
    if bad.any():
        i = int(np.argwhere(bad)[0, 0])
        rule = "strictly increasing" if steps[i] <= 0 else "at least 0.001 apart"
        raise ValueError(
            f"knots must be {rule}; got {float(levels[i])!r} at index {i} followed by "
            f"{float(levels[i + 1])!r}. Sort the levels and drop repeats."
        )
    return levels


def check_targets(name: str, values: ArrayLike, n_samples: int) -> NDArray:
    """Evaluation points for ``predict_cdf``-like methods: scalar, (n,) or (n, m).

    Returns a float64 array of shape (n, m); callers restore the input's shape.
    """
    arr = np.asarray(values, dtype=np.float64)
    bad = np.isnan(arr)
    if bad.any():
        _, where = _first_bad(arr, bad)
        raise ValueError(f"{name} must not contain NaN; got NaN{where}.")
    if arr.ndim == 0:
        arr = np.full((n_samples, 1), float(arr))
    elif arr.ndim == 1:
        if arr.shape[0] != n_samples:
            raise ValueError(
                f"{name} must be a scalar, or have one value per row of X "
                f"({n_samples}); got shape {arr.shape}."
            )
        arr = arr[:, None]
    elif arr.ndim == 2:
        if arr.shape[0] != n_samples:
            raise ValueError(
                f"{name} of shape (n_samples, m) must have n_samples = {n_samples} "
                f"rows, as X has; got shape {arr.shape}. For a grid shared by all "
                f"rows pass np.broadcast_to(grid, ({n_samples}, len(grid)))."
            )
    else:
        raise ValueError(
            f"{name} must be a scalar, a 1-d or a 2-d array; got shape {arr.shape}."
        )
    return arr


def check_n_draws(n_samples: object, name: str = "n_samples") -> int:
    """A count such as the number of draws per row: an int >= 1."""
    if not isinstance(n_samples, numbers.Integral) or isinstance(n_samples, bool):
        shown = n_samples
        if isinstance(n_samples, numbers.Real) and not isinstance(n_samples, bool):
            shown = float(n_samples)
        raise ValueError(f"{name} must be an int >= 1; got {shown!r}.")
    if n_samples < 1:
        raise ValueError(f"{name} must be an int >= 1; got {int(n_samples)!r}.")
    return int(n_samples)


def check_level_vectors(
    alpha: ArrayLike, n_outputs: int, single_output: bool
) -> tuple[NDArray, bool]:
    """Level vectors of a multivariate quantile: (d,) or (k, d), in (0, 1)^d.

    A model fitted on a 1-d y (``single_output``) also takes a float or k levels.
    Returns the levels as (k, d) and whether one vector was given (the result then
    has no level axis).
    """
    arr = _open_unit(
        "alpha",
        alpha,
        "Use a level such as 0.001 or 0.999 for an extreme quantile.",
        max_ndim=2,
    )
    if single_output and arr.ndim < 2:
        return arr.reshape(-1, 1), arr.ndim == 0
    if arr.ndim == 0 or arr.shape[-1] != n_outputs:
        raise ValueError(
            f"alpha must be a vector of {n_outputs} levels (one per output) or an "
            f"array of shape (n_levels, {n_outputs}); got shape {arr.shape}. For "
            "the quantiles of each output on its own use predict_marginal_quantile."
        )
    return arr.reshape(-1, n_outputs), arr.ndim == 1


def check_output_targets(
    values: ArrayLike,
    n_samples: int,
    n_outputs: int,
    single_output: bool,
    max_ndim: int = 3,
) -> tuple[NDArray, tuple[int, ...]]:
    """Target vectors of a multivariate model: (n, d) or m per row, (n, m, d).

    A model fitted on a 1-d y takes (n,) or (n, m) instead. Returns the finite
    float64 values as (n, m, d) and the shape the result takes.
    """
    arr = np.asarray(values, dtype=np.float64)
    per_row = arr.ndim - (0 if single_output else 1)
    rule = "(n_samples,)" if single_output else f"(n_samples, {n_outputs})"
    if max_ndim == 3:
        many = "(n_samples, m)" if single_output else f"(n_samples, m, {n_outputs})"
        rule = f"{rule} or {many}"
    if (
        per_row not in ((1, 2) if max_ndim == 3 else (1,))
        or arr.shape[0] != n_samples
        or (not single_output and arr.shape[-1] != n_outputs)
    ):
        raise ValueError(
            f"y must have shape {rule}, with n_samples = {n_samples} rows as X has; "
            f"got shape {arr.shape}."
        )
    bad = ~np.isfinite(arr)
    if bad.any():
        value, where = _first_bad(arr, bad)
        raise ValueError(f"y must be finite; got {value!r}{where}.")
    shape = arr.shape
    if single_output:
        arr = arr[..., None]
    if per_row == 1:
        arr = arr[:, None, :]
    return arr, shape


def seed_from(random_state: object) -> int:
    """A 63-bit seed from None, an int, a RandomState or a Generator.

    None draws from OS entropy; neither numpy's global state nor torch's is touched.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(2, np.uint64)[0] >> 1)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool
    ):
        return int(
            np.random.SeedSequence(int(random_state)).generate_state(2, np.uint64)[0]
            >> 1
        )
    raise ValueError(
        "random_state must be None, an int, a numpy RandomState or a numpy Generator; "
        f"got {random_state!r}."
    )
