"""Tests of the PICNN and the convex potential head (``skquantile.nn._picnn``).

Oracles of ``shared/design/mqf2.md`` section 10 at the network level: 1 (convex along
lines, for the PICNN N alone and for the whole potential u), the initial state of a
fresh head (section 3), the training and validation score (section 5), and the
head's shapes. The map's oracles (2-7) are in
``tests/distributions/test_convex_map.py``. Everything runs in float64, on heads
whose every parameter hypothesis re-draws (factors 0.3-3, ``tests/strategies.py``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats
from torch.nn.functional import softplus

from skquantile.distributions import energy_score_draws
from skquantile.nn import (
    HESSIAN_FLOOR,
    PICNN,
    ConvexPotentialHead,
    _picnn,
    even_convex,
    smooth_relu,
)

from ..strategies import (
    CONVEX_EDGE_CASES,
    LATENT_BOUND,
    ConvexCase,
    convex_cases,
    convex_head,
    convex_inputs,
    relative_scales,
    seeds,
)

F64 = torch.float64
# Slack of the convexity inequality, relative to 1 + |u| (mqf2.md section 10,
# oracle 1): float64 rounding of u is ~1e-16 |u| per term, so 1e-10 leaves 6 digits.
CONVEXITY_RTOL = 1e-10
# Distance of the near pairs: the chord gap is then ~1e-7 |u''|, second order, where
# a non-convex kink or a negative curvature shows first.
NEAR = 1e-3


def chords(case: ConvexCase, n_rows: int, n_pairs: int):
    """Contexts and segments [a, b] with a weight t in [0, 1] for each.

    Half the pairs are far apart (uniform in [-5, 5]^d), half are 1e-3 apart; the
    first pair runs corner to corner (+5 to -5) and t is pinned at 0, 1 and 1/2 on
    the first three pairs.
    """
    c, a = convex_inputs(case, n_rows, n_pairs)
    rng = np.random.default_rng([case.seed, 2])
    far = rng.uniform(-LATENT_BOUND, LATENT_BOUND, a.shape)
    near = a.numpy() + NEAR * rng.standard_normal(a.shape)
    b = np.where(np.arange(n_pairs)[:, None] < n_pairs // 2, far, near)
    a[:, 0], b[:, 0] = LATENT_BOUND, -LATENT_BOUND
    t = rng.uniform(0, 1, (n_rows, n_pairs))
    t[:, :3] = [0.0, 1.0, 0.5]
    return c, a, torch.tensor(b), torch.tensor(t)


def chord_gaps(function, a, b, t) -> tuple[torch.Tensor, torch.Tensor]:
    """t f(a) + (1 - t) f(b) - f(t a + (1 - t) b), and 1 + max |f| of the three."""
    with torch.no_grad():
        fa, fb = function(a), function(b)
        fm = function(t.unsqueeze(-1) * a + (1 - t.unsqueeze(-1)) * b)
    gap = t * fa + (1 - t) * fb - fm
    size = 1 + torch.stack([fa.abs(), fb.abs(), fm.abs()]).amax(0)
    return gap, size


# ------------------------------------------------------------ the activations
def test_activations_hand_values():
    """g(0) = phi(0) = 1/sqrt(2 pi); g(t) -> t and sigma_0(t) -> |t|/2 in the tails
    (the tail terms t Phi(-|t|) and phi(t) are below 1e-100 at |t| = 30)."""
    t = torch.tensor([0.0, 30.0, -30.0, 1.0], dtype=F64)
    phi_1 = math.exp(-0.5) / math.sqrt(2 * math.pi)
    g_1 = stats.norm.cdf(1.0) + phi_1  # 1 Phi(1) + phi(1)
    expected_g = [1 / math.sqrt(2 * math.pi), 30.0, 0.0, g_1]
    np.testing.assert_allclose(
        smooth_relu(t).numpy(), expected_g, rtol=1e-15, atol=1e-100
    )
    expected_even = [1 / math.sqrt(2 * math.pi), 15.0, 15.0, g_1 - 0.5]
    np.testing.assert_allclose(
        even_convex(t).numpy(), expected_even, rtol=1e-15, atol=1e-100
    )


def test_activation_derivatives():
    """g' = Phi in (0, 1), g'' = phi > 0; sigma_0 is even with slope in (-1/2, 1/2)."""
    t = torch.linspace(-12, 12, 481, dtype=F64, requires_grad=True)
    (slope,) = torch.autograd.grad(smooth_relu(t).sum(), t, create_graph=True)
    (curvature,) = torch.autograd.grad(slope.sum(), t)
    x = t.detach().numpy()
    np.testing.assert_allclose(slope.detach().numpy(), stats.norm.cdf(x), atol=1e-15)
    np.testing.assert_allclose(curvature.numpy(), stats.norm.pdf(x), atol=1e-15)
    even = even_convex(t.detach()).numpy()
    np.testing.assert_allclose(even, even_convex(-t.detach()).numpy(), rtol=1e-15)
    (even_slope,) = torch.autograd.grad(even_convex(t).sum(), t)
    # Phi(t) rounds to 1 in float64 from t = 8.3 on (and the autograd slope
    # Phi + t phi - t phi to 1/2 + 1 ulp); inside, the bound is strict.
    assert (even_slope.abs() <= 0.5 + 1e-15).all()
    assert (even_slope[t.detach().abs() <= 8].abs() < 0.5).all()


# ------------------------------------------------ oracle 1: convex along lines
@given(case=convex_cases())
@example(case=CONVEX_EDGE_CASES[0])
@example(case=CONVEX_EDGE_CASES[1])
@example(case=CONVEX_EDGE_CASES[2])
@example(case=CONVEX_EDGE_CASES[3])
@settings(max_examples=60)
def test_picnn_is_convex_along_lines(case):
    """t N(a) + (1 - t) N(b) - N(t a + (1 - t) b) >= -1e-10 (1 + |N|): N alone is
    convex in z for every context and weight value (mqf2.md section 3)."""
    head = convex_head(case)
    c, a, b, t = chords(case, n_rows=3, n_pairs=40)
    terms = head.picnn.context(c)
    gap, size = chord_gaps(lambda z: head.picnn(z, terms), a, b, t)
    assert (gap >= -CONVEXITY_RTOL * size).all(), (gap / size).min()


@given(case=convex_cases())
@example(case=CONVEX_EDGE_CASES[0])
@example(case=CONVEX_EDGE_CASES[1])
@example(case=CONVEX_EDGE_CASES[2])
@example(case=CONVEX_EDGE_CASES[3])
@settings(max_examples=60)
def test_potential_is_convex_along_lines(case):
    """The same for u = <mu, z> + z^T A z / 2 + kappa N; the chord gap of u is at
    least the floor's, HESSIAN_FLOOR min(r) t (1 - t) |a - b|^2 / 2, minus rounding."""
    head = convex_head(case)
    c, a, b, t = chords(case, n_rows=3, n_pairs=40)
    gap, size = chord_gaps(head.distribution(c).potential, a, b, t)
    floor = HESSIAN_FLOOR * float(head.rel_scale.min())
    strong = 0.5 * floor * t * (1 - t) * ((a - b) ** 2).sum(-1)
    assert (gap - strong >= -CONVEXITY_RTOL * size).all(), ((gap - strong) / size).min()


def test_a_signed_picnn_would_be_caught(monkeypatch):
    """Control for oracle 1: with every softplus of the module replaced by the
    identity (P, p, gates and kappa of any sign) the chord test finds non-convex
    chords, so it can fail."""
    monkeypatch.setattr(_picnn, "softplus", lambda x: x)
    case = ConvexCase(2, 2, 8, 2, seed=3, weight_scale=3.0)
    head = convex_head(case)
    c, a, b, t = chords(case, n_rows=3, n_pairs=40)
    terms = head.picnn.context(c)
    gap, size = chord_gaps(lambda z: head.picnn(z, terms), a, b, t)
    assert (gap < -CONVEXITY_RTOL * size).any()


# ------------------------------------------------------- the initial state
@given(
    d=st.integers(1, 5),
    in_features=st.integers(1, 8),
    seed=seeds,
)
@example(d=1, in_features=1, seed=0)
@example(d=5, in_features=8, seed=0)
@settings(max_examples=20)
def test_initial_state(d, in_features, seed):
    """A fresh head (mqf2.md section 3): mu = 0, A = diag(r) + B B^T with a small,
    non-zero B, kappa = softplus(kappa~) = 0.1, every gate and z-scale exactly 1.

    Contexts have norm <= 1, so each entry of B(c) = W c + b is N(0, s^2) with
    s^2 <= 2e-4 (weights and bias N(0, 1e-2^2)), and diag(B B^T) <= 2e-4 chi2_5: the
    bound 1e-2 fails with probability P(chi2_5 > 50) = 1.4e-9 per coordinate.
    """
    rng = np.random.default_rng(seed)
    r = torch.tensor(relative_scales(rng, d), dtype=torch.float32)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        head = ConvexPotentialHead(in_features, r).double()
    c = torch.tensor(rng.standard_normal((4, in_features)))
    c = c / c.norm(dim=-1, keepdim=True).clamp(min=1)
    dist = head.distribution(c)
    r = r.double()

    assert (dist.loc == 0).all()
    factor = head.factor(c).unflatten(-1, (d, head.rank))
    assert head.rank == min(d, 8)
    assert (factor.abs().amax((-1, -2)) > 0).all()  # B(c) != 0 in every row
    low_rank = factor @ factor.transpose(-1, -2)
    # softplus^-1((1 - floor) r) is computed in float32: r comes back to ~1e-7.
    torch.testing.assert_close(
        dist.quadratic - low_rank,
        torch.diag_embed(r).expand(4, d, d),
        rtol=0,
        atol=1e-6 * float(r.max()),
    )
    extra = torch.diagonal(dist.quadratic, dim1=-2, dim2=-1) - r
    assert (extra >= -1e-6).all() and (extra <= 1e-2).all()

    assert abs(float(softplus(head.kappa.detach())) - 0.1) <= 1e-7  # kappa~ is float32
    for scale, _, gate in head.picnn.context(c):
        assert (gate == 1).all()
        assert (scale == 1).all()


def test_initial_factor_weights_are_small_and_random():
    """B's weights and bias start N(0, 1e-2^2): the sample sd of 72 + 9 entries lies
    in [0.5e-2, 2e-2] but for P(chi2_80 < 20) + P(chi2_80 > 320) < 1e-12."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        head = ConvexPotentialHead(8, torch.ones(3))
    entries = torch.cat([head.factor.weight.flatten(), head.factor.bias])
    assert entries.numel() == 81
    assert 0.5e-2 <= float(entries.detach().std()) <= 2e-2
    assert len(set(entries.tolist())) == 81


# ------------------------------------------------------------ the score
@pytest.mark.parametrize(("d", "n_layers"), [(1, 1), (3, 2), (4, 3)])
def test_training_score_reaches_every_parameter(d, n_layers):
    """With gradients on, ``score`` draws fresh latents and keeps the double-backward
    graph: finite per-row values whose gradient reaches every parameter (loc, diag,
    factor, kappa and each PICNN tensor), finite and not all zero."""
    case = ConvexCase(d, 3, 6, n_layers, seed=d)
    head = convex_head(case)
    c, _ = convex_inputs(case, 5, 1)
    y = torch.tensor(np.random.default_rng(d).standard_normal((5, d)))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        score = head.score(c, y)
        again = head.score(c, y)
    assert score.shape == (5,)
    assert torch.isfinite(score).all()
    assert not torch.equal(score, again)  # fresh draws at every call
    score.mean().backward()
    groups = {"loc", "diag", "factor", "kappa", "picnn"}
    assert {name.split(".")[0] for name, _ in head.named_parameters()} == groups
    for name, param in head.named_parameters():
        assert param.grad is not None, name
        assert torch.isfinite(param.grad).all(), name
        assert (param.grad != 0).any(), name


def test_validation_score_uses_the_fixed_latents():
    """Under ``no_grad`` the score is the fair energy score of Q(valid_latents), the
    same at every call, and leaves torch's global generator alone."""
    case = ConvexCase(3, 2, 6, 2, seed=5)
    head = convex_head(case)
    c, _ = convex_inputs(case, 4, 1)
    y = torch.tensor(np.random.default_rng(5).standard_normal((4, 3)))
    state = torch.random.get_rng_state()
    with torch.no_grad():
        first, second = head.score(c, y), head.score(c, y)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.equal(first, second)
    z = head.valid_latents.expand(4, -1, -1)
    assert z.shape == (4, 64, 3)
    draws = head.distribution(c).quantile(z)
    expected = energy_score_draws(draws, y, 1 / head.rel_scale)
    torch.testing.assert_close(first, expected, rtol=1e-15, atol=0)


# ------------------------------------------------------------ shapes
@pytest.mark.parametrize("n_draws", [1, 5])
@pytest.mark.parametrize("d", [1, 3])
def test_head_shapes(d, n_draws):
    """rows = 3: loc (3, d), A (3, d, d), N and u (3, m) at z of shape (3, m, d), the
    score (3,); contexts are broadcast, never looped over rows."""
    head = convex_head(ConvexCase(d, 2, 5, 2, seed=0))
    c = torch.zeros(3, 2, dtype=F64)
    z = torch.zeros(3, n_draws, d, dtype=F64)
    dist = head.distribution(c)
    assert dist.loc.shape == (3, d)
    assert dist.quadratic.shape == (3, d, d)
    assert head.picnn(z, head.picnn.context(c)).shape == (3, n_draws)
    assert dist.potential(z).shape == (3, n_draws)
    assert head.score(c, torch.zeros(3, d, dtype=F64)).shape == (3,)
    assert isinstance(head.picnn, PICNN)
