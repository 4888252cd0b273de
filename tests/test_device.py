"""The ``device`` parameter: one code path, NumPy in and out, on every device.

Each test runs on the CPU and, where PyTorch sees one, on a CUDA device, so the
GPU path is exercised by the same assertions that the CPU run proves meaningful.
"""

import pickle

import numpy as np
import pytest
import torch

from skquantile import ConvexMultivariateQuantileRegressor, IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic, make_multi_horizon

DEVICES = [
    "cpu",
    pytest.param(
        "cuda",
        marks=pytest.mark.skipif(
            not torch.cuda.is_available(), reason="PyTorch sees no CUDA device"
        ),
    ),
]
SMALL = dict(
    hidden_layer_sizes=(16,),
    max_epochs=5,
    batch_size=64,
    early_stopping=False,
    random_state=0,
)


@pytest.mark.parametrize("device", DEVICES)
def test_incremental_on_device(device):
    X, y = make_heteroscedastic(n_samples=400, random_state=0)
    model = IncrementalQuantileRegressor(device=device, **SMALL).fit(X, y)

    assert all(p.device.type == device for p in model.net_.module_.parameters())
    levels = np.linspace(0.01, 0.99, 25)
    quantiles = model.predict_quantile(X, levels)
    assert isinstance(quantiles, np.ndarray) and quantiles.dtype == np.float64
    assert quantiles.shape == (400, 25)
    assert np.all(np.diff(quantiles, axis=1) > 0)
    np.testing.assert_allclose(
        model.predict_cdf(X, quantiles), np.tile(levels, (400, 1)), atol=1e-10
    )
    assert np.isfinite(model.score(X, y))

    clone = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(clone.predict_quantile(X, levels), quantiles)


@pytest.mark.parametrize("device", DEVICES)
def test_cpu_and_device_fits_agree(device):
    """The same seed on another device trains the same model up to float32 noise."""
    X, y = make_heteroscedastic(n_samples=400, random_state=0)
    on_cpu = IncrementalQuantileRegressor(device="cpu", **SMALL).fit(X, y)
    on_device = IncrementalQuantileRegressor(device=device, **SMALL).fit(X, y)
    assert on_device.score(X, y) == pytest.approx(on_cpu.score(X, y), abs=0.05)


@pytest.mark.parametrize("device", DEVICES)
def test_convex_on_device(device):
    X, Y = make_multi_horizon(n_samples=300, n_horizons=2, random_state=0)
    model = ConvexMultivariateQuantileRegressor(
        device=device, n_draws=4, potential_hidden=8, **SMALL
    ).fit(X, Y)

    draws = model.sample(X[:5], n_samples=10, random_state=0)
    assert isinstance(draws, np.ndarray) and draws.dtype == np.float64
    assert draws.shape == (5, 10, 2)
    levels = np.array([0.2, 0.7])
    point = model.predict_quantile(X[:5], levels)
    np.testing.assert_allclose(
        model.predict_cdf(X[:5], point), np.tile(levels, (5, 1)), atol=1e-6
    )
