"""Fixtures of the plotting tests: the Agg backend, closed figures, one tiny model."""

import matplotlib

matplotlib.use("Agg")  # draw off-screen; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from skquantile import IncrementalQuantileRegressor  # noqa: E402
from skquantile.datasets import make_heteroscedastic  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def data():
    """200 rows of make_heteroscedastic; tests read them, never modify them."""
    return make_heteroscedastic(n_samples=200, random_state=0)


@pytest.fixture(scope="module")
def model(data):
    """A tiny fitted model (5 knots), fitted once per module and never refitted."""
    X, y = data
    return IncrementalQuantileRegressor(
        hidden_layer_sizes=(8,), max_epochs=5, knots=5, random_state=0
    ).fit(X, y)
