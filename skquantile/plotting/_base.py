"""Private helpers shared by the Display classes.

- :func:`_pyplot`: the lazy matplotlib import, with an install hint.
- :func:`_figure_and_ax`: a new ``(figure, ax)`` pair, or the given ax and its figure.
- :func:`_style`: user style keywords over defaults, aliases normalised.
- ``_check_*``: argument checks that name the argument, state the rule and echo
  the first bad value with its index.
- :func:`_binomial_interval`: the equal-tailed interval of a binomial count, for
  the sampling bands of the calibration displays (NumPy only, no scipy).
"""

import numbers

import numpy as np


def _pyplot(caller):
    """Import and return ``matplotlib.pyplot``; explain how to install it if absent."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires matplotlib, which is not installed. Install it with "
            '`pip install matplotlib` (or `pip install -e ".[plot]"` from a clone).'
        ) from exc
    return plt


def _figure_and_ax(ax, caller):
    """A new ``(figure, ax)`` when ``ax`` is None, else ``ax`` and its figure."""
    plt = _pyplot(caller)
    if ax is None:
        fig, ax = plt.subplots()
        return fig, ax
    return ax.figure, ax


def _style(defaults, user, artist):
    """Merge ``user`` style keywords over ``defaults`` for an ``artist`` class.

    Aliases are normalised first (``c`` -> ``color``, ``lw`` -> ``linewidth``), so
    a user's ``c="red"`` replaces a default ``color`` instead of clashing with it.
    """
    from matplotlib import cbook

    return {
        **cbook.normalize_kwargs(defaults, artist),
        **cbook.normalize_kwargs(user or {}, artist),
    }


def _percent(value):
    """``0.95`` -> ``'95%'``, ``0.975`` -> ``'97.5%'``."""
    return f"{100 * float(value):.4g}%"


def _first_bad(values, bad):
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    where = f" at index {index[0] if len(index) == 1 else index}" if index else ""
    return float(values[index]), where


def _check_array(name, values, ndim, shape_text):
    """A finite float64 array with ``ndim`` dimensions (``shape_text`` for errors)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must be an array of shape {shape_text}; got shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if bad.any():
        value, where = _first_bad(arr, bad)
        raise ValueError(f"{name} must be finite; got {value!r}{where}.")
    return arr


def _check_levels(name, values, increasing=False):
    """Quantile levels in the open interval (0, 1), as a 1-d array."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim > 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a float or a non-empty 1-d array; got shape {arr.shape}."
        )
    bad = ~((arr > 0) & (arr < 1))  # also catches NaN
    if bad.any():
        value, where = _first_bad(arr, bad)
        raise ValueError(
            f"{name} must lie in the open interval (0, 1); got {value!r}{where}."
        )
    arr = np.atleast_1d(arr)
    if increasing and arr.size > 1:
        steps = np.diff(arr)
        if (steps <= 0).any():
            i = int(np.argwhere(steps <= 0)[0, 0])
            raise ValueError(
                f"{name} must be strictly increasing; got {float(arr[i])!r} at index "
                f"{i} followed by {float(arr[i + 1])!r}."
            )
    return arr


def _check_length(name, arr, length, other):
    """``arr`` has ``length`` entries along its first axis, as ``other`` has."""
    if arr.shape[0] != length:
        raise ValueError(
            f"{name} must have {length} entries along its first axis, as {other} "
            f"has; got shape {arr.shape}."
        )


def _check_int(name, value, minimum):
    """An int (not a bool) >= ``minimum``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(f"{name} must be an int >= {minimum}; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}; got {int(value)!r}.")
    return int(value)


def _one_row(X, caller):
    """Check that ``X`` holds exactly one row, as the single-row displays need."""
    n_rows = len(X)
    if n_rows != 1:
        raise ValueError(
            f"X must hold exactly one row for {caller}; got {n_rows} rows. "
            "Select one with X[i:i + 1]."
        )


def _binomial_interval(n, p, mass):
    """Equal-tailed interval ``(lo, hi)`` of a Binomial(n, p) count.

    ``lo`` is the smallest k with P(K <= k) >= (1 - mass) / 2 and ``hi`` the smallest
    k with P(K <= k) >= (1 + mass) / 2 (the definition of ``scipy.stats.binom.ppf``),
    so the interval holds at least ``mass``. The pmf is built in log space from
    the ratio pmf(k + 1) / pmf(k) = (n - k) / (k + 1) * p / (1 - p).
    """
    if p >= 1:
        return n, n
    k = np.arange(n)
    log_ratio = np.log(n - k) - np.log(k + 1) + np.log(p) - np.log1p(-p)
    log_pmf = np.concatenate([[0.0], np.cumsum(log_ratio)])
    cdf = np.cumsum(np.exp(log_pmf - log_pmf.max()))
    cdf /= cdf[-1]
    lo = int(np.searchsorted(cdf, (1 - mass) / 2))
    hi = int(np.searchsorted(cdf, (1 + mass) / 2))
    return lo, min(hi, n)


def _check_band_coverage(band_coverage):
    """None, or a float in the open interval (0, 1)."""
    if band_coverage is None:
        return None
    if np.ndim(band_coverage) != 0:
        raise ValueError(
            "band_coverage must be None or a float in the open interval (0, 1); "
            f"got an array of shape {np.shape(band_coverage)}."
        )
    return float(_check_levels("band_coverage", band_coverage)[0])
