"""Tests of the ISQF head: oracles 12 (initialisation) and 13 (P = 1) of
``shared/design/isqf.md`` section 10, the head width and the domain map's errors."""

from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import example, given
from scipy import stats

from skquantile.nn import (
    EPS_BETA,
    EPS_GAP,
    EPS_SPACING,
    ISQFHead,
    isqf_domain_map,
    isqf_head_width,
    isqf_initial_bias,
)

from ..distributions import _reference as ref
from ..strategies import knot_levels, n_pieces

F64, F32 = torch.float64, torch.float32


@pytest.fixture
def float64_default():
    """Build modules in float64 (restoring the default dtype afterwards)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(F64)
    yield
    torch.set_default_dtype(previous)


def test_floors_are_the_spec_defaults():
    assert (EPS_GAP, EPS_BETA, EPS_SPACING) == (
        ref.SPEC_EPS_GAP,
        ref.SPEC_EPS_BETA,
        ref.SPEC_EPS_SPACING,
    )


# ------------------------------------------------- oracle 12: initialisation
def check_standard_normal_start(dist, levels, n_pieces, tol_q, tol_beta, tol_w):
    """q(x_k) = Phi^-1(x_k), beta x_1 = phi(Phi^-1(x_1)), beta (1 - x_K) likewise
    and w = 1/P, each to its tolerance (scipy's Phi^-1, not torch's ndtri)."""
    x = np.asarray(levels, dtype=np.float64)
    normal_q = stats.norm.ppf(x)
    normal_f = stats.norm.pdf(normal_q)
    alpha = torch.tensor(x, dtype=dist.gaps.dtype).expand(dist.batch_shape + (-1,))
    q = dist.quantile(alpha).double().numpy()
    assert np.abs(q - normal_q).max() <= tol_q
    assert np.abs(dist.knot_values.double().numpy() - normal_q).max() <= tol_q
    beta_left = dist.beta_left.double().numpy()
    beta_right = dist.beta_right.double().numpy()
    assert np.abs(beta_left * x[0] - normal_f[0]).max() <= tol_beta
    assert np.abs(beta_right * (1 - x[-1]) - normal_f[-1]).max() <= tol_beta
    widths = np.diff(x)[:, None]
    wx = dist.dx.double().numpy().reshape(dist.batch_shape + (len(x) - 1, -1)) / widths
    gaps = dist.gaps.double().numpy()[..., None]
    wy = dist.dy.double().numpy().reshape(dist.batch_shape + (len(x) - 1, -1)) / gaps
    assert np.abs(wx - 1 / n_pieces).max() <= tol_w
    assert np.abs(wy - 1 / n_pieces).max() <= tol_w


@given(levels=knot_levels(), pieces=n_pieces)
@example(levels=np.array([1e-9, 0.5, 1 - 1e-9]), pieces=3)
@example(levels=np.array([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]), pieces=8)
@example(levels=np.array([0.5, 0.501]), pieces=1)
def test_initial_bias_starts_at_the_standard_normal(levels, pieces):
    bias = isqf_initial_bias(torch.tensor(levels, dtype=F64), pieces)
    assert bias.dtype == F64
    assert bias.shape == (isqf_head_width(len(levels), pieces),)
    assert (bias[len(levels) + 2 :] == 0).all()  # A = H = 0
    dist = isqf_domain_map(bias[None], torch.tensor(levels, dtype=F64), pieces)
    check_standard_normal_start(dist, levels, pieces, 1e-12, 1e-12, 1e-15)


@pytest.mark.parametrize("pieces", [1, 4])
def test_head_starts_at_the_standard_normal(pieces, float64_default):
    # With zero weights every row's output is the bias, whatever the features.
    levels = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)
    head = ISQFHead(5, torch.tensor(levels, dtype=F64), pieces)
    assert head.linear.weight.dtype == F64
    assert (head.linear.weight == 0).all()
    features = torch.randn(4, 5, generator=torch.Generator().manual_seed(0))
    raw = head(features)
    assert raw.shape == (4, isqf_head_width(len(levels), pieces))
    assert torch.equal(raw, head.linear.bias.expand(4, -1))
    dist = head.distribution(raw.detach())
    check_standard_normal_start(dist, levels, pieces, 1e-12, 1e-12, 1e-15)


def test_float32_head_stores_the_rounded_bias():
    # Built in the default float32, the head holds the float64 bias rounded once, and
    # its distribution starts at N(0, 1) to float32 precision.
    levels, pieces = (0.05, 0.25, 0.5, 0.75, 0.95), 3
    head = ISQFHead(3, torch.tensor(levels, dtype=F64), pieces)
    assert head.linear.bias.dtype == F32
    expected = isqf_initial_bias(torch.tensor(levels, dtype=F64), pieces).float()
    assert torch.equal(head.linear.bias.detach(), expected)
    assert (head.linear.weight == 0).all()
    assert head.knot_levels.dtype == F64
    dist = head.distribution(head(torch.ones(2, 3)).detach())
    assert dist.gaps.dtype == F32
    check_standard_normal_start(dist, levels, pieces, 1e-6, 1e-6, 1e-7)


def test_equal_logits_give_equal_weights():
    # softmax of equal logits is 1/P, and (1/P + eps) / (1 + P eps) = 1/P.
    levels, pieces = (0.1, 0.5, 0.9), 5
    width = isqf_head_width(3, pieces)
    raw = torch.full((2, width), 7.3, dtype=F64)
    raw[1, 5:] = -40.0
    dist = isqf_domain_map(raw, torch.tensor(levels, dtype=F64), pieces)
    widths = torch.tensor(levels, dtype=F64).diff()[:, None]
    wx = dist.dx.unflatten(-1, (2, pieces)) / widths
    wy = dist.dy.unflatten(-1, (2, pieces)) / dist.gaps[..., None]
    assert (wx - 1 / pieces).abs().max() <= 1e-15
    assert (wy - 1 / pieces).abs().max() <= 1e-15


# --------------------------------------------------------- oracle 13: P = 1
@pytest.mark.parametrize("n_knots", [2, 3, 7, 19])
def test_head_width(n_knots):
    assert isqf_head_width(n_knots, 1) == n_knots + 2
    for pieces in (2, 3, 8):
        expected = n_knots + 2 + 2 * (n_knots - 1) * pieces
        assert isqf_head_width(n_knots, pieces) == expected
    levels = torch.linspace(0.05, 0.95, n_knots)
    assert ISQFHead(4, levels, 1).linear.out_features == n_knots + 2


@pytest.mark.parametrize(
    "levels", [(0.1, 0.9), (0.05, 0.3, 0.6, 0.95), (0.2, 0.21, 0.8)]
)
def test_one_piece_is_linear_interpolation(levels):
    n_knots = len(levels)
    rng = np.random.default_rng(0)
    raw = torch.tensor(rng.normal(0.0, 1.5, size=(3, n_knots + 2)))
    dist = isqf_domain_map(raw, torch.tensor(levels, dtype=F64), 1)
    x = np.asarray(levels)
    assert dist.X.shape == (3, n_knots) and dist.slope.shape == (3, n_knots - 1)
    assert (dist.X.numpy() == x).all()
    assert torch.equal(dist.Y, dist.knot_values)
    alpha = np.linspace(x[0], x[-1], 301)
    q = dist.quantile(torch.tensor(alpha).expand(3, -1)).numpy()
    for i in range(3):
        y = dist.knot_values[i].numpy()
        line = np.interp(alpha, x, y)
        assert np.abs(q[i] - line).max() <= 1e-13 * (1 + np.abs(y).max())
        # And the pieces are the straight lines between the knots.
        np.testing.assert_allclose(
            dist.slope[i].numpy(), np.diff(y) / np.diff(x), rtol=1e-12
        )


@pytest.mark.parametrize("pieces", [1, 3])
def test_every_raw_output_gets_a_gradient(pieces):
    # With P = 1 the spline logits are dropped (a softmax over one element has zero
    # gradient forever); every output that remains moves the CRPS.
    levels = (0.05, 0.3, 0.6, 0.95)
    width = isqf_head_width(len(levels), pieces)
    rng = np.random.default_rng(1)
    raw = torch.tensor(rng.normal(0.0, 1.0, size=(1, width)), requires_grad=True)
    z = torch.tensor(rng.normal(0.0, 2.0, size=(1, 200)))
    dist = isqf_domain_map(raw, torch.tensor(levels, dtype=F64), pieces)
    (grad,) = torch.autograd.grad(dist.crps_last(z).sum(), raw)
    assert (grad != 0).all()


# ------------------------------------------------------------------- errors
@pytest.mark.parametrize(
    ("n_knots", "pieces", "width"), [(3, 2, 12), (3, 1, 13), (4, 1, 5)]
)
def test_domain_map_rejects_wrong_width(n_knots, pieces, width):
    expected = isqf_head_width(n_knots, pieces)
    levels = torch.linspace(0.1, 0.9, n_knots)
    msg = (
        f"raw must have {expected} outputs for {n_knots} knots and {pieces} pieces; "
        f"got {width}."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        isqf_domain_map(torch.zeros(2, width), levels, pieces)


def test_initial_bias_rejects_knots_too_close():
    # Phi^-1(0.50003) - Phi^-1(0.5) = 7.5e-5 <= EPS_GAP = 1e-4.
    levels = torch.tensor([0.1, 0.5, 0.50003, 0.9], dtype=F64)
    msg = (
        "knot levels 0.5 and 0.50003 are too close: their normal quantiles differ by "
        "less than EPS_GAP = 0.0001."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        isqf_initial_bias(levels, 2)
    with pytest.raises(ValueError, match=re.escape(msg)):
        ISQFHead(3, levels, 2)
