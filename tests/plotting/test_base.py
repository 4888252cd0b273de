"""Shared helpers: the binomial band, style merging, and the lazy matplotlib import."""

import re
import sys

import numpy as np
import pytest
from matplotlib.lines import Line2D

from skquantile.plotting import PITHistogramDisplay
from skquantile.plotting._base import _binomial_interval, _percent, _style

stats = pytest.importorskip("scipy.stats")


@pytest.mark.parametrize("n", [1, 7, 50, 1000, 100_000])
@pytest.mark.parametrize("p", [0.01, 0.1, 0.5, 0.97])
@pytest.mark.parametrize("mass", [0.5, 0.95, 0.99])
def test_binomial_interval_matches_scipy(n, p, mass):
    expected = stats.binom.ppf([(1 - mass) / 2, (1 + mass) / 2], n, p)
    assert _binomial_interval(n, p, mass) == tuple(int(k) for k in expected)


def test_binomial_interval_of_a_sure_event():
    assert _binomial_interval(20, 1.0, 0.95) == (20, 20)


def test_percent_and_style():
    assert [_percent(v) for v in (0.5, 0.95, 0.975)] == ["50%", "95%", "97.5%"]
    # A user's alias replaces the default it stands for instead of clashing.
    style = _style({"color": "C0", "linewidth": 1}, {"c": "red"}, Line2D)
    assert style == {"color": "red", "linewidth": 1}


def test_plot_without_matplotlib_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    display = PITHistogramDisplay(pit_values=np.array([0.5]), n_bins=2)
    msg = (
        "PITHistogramDisplay.plot requires matplotlib, which is not installed. "
        'Install it with `pip install matplotlib` (or `pip install -e ".[plot]"` '
        "from a clone)."
    )
    with pytest.raises(ImportError, match=re.escape(msg)):
        display.plot()
