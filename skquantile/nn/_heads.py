"""Heads: map raw network outputs to valid distribution parameters.

Map of this module
------------------
- The floors ``EPS_GAP``, ``EPS_BETA``, ``EPS_SPACING`` (standardised target units).
- :func:`isqf_head_width`: how many raw outputs an ISQF head needs.
- :func:`isqf_domain_map`: raw outputs -> :class:`~skquantile.distributions.ISQF`.
- :func:`isqf_initial_bias`: the raw outputs that make the head start as N(0, 1).
- :class:`ISQFHead`: a linear layer with that initialisation, followed by the map.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.nn.functional import softplus

from ..distributions import ISQF

__all__ = [
    "EPS_BETA",
    "EPS_GAP",
    "EPS_SPACING",
    "ISQFHead",
    "isqf_domain_map",
    "isqf_head_width",
    "isqf_initial_bias",
]

# Smallest knot gap y_{k+1} - y_k, in standardised target units: keeps every spline
# piece of positive height, so the density stays finite and F is well defined.
EPS_GAP = 1e-4
# Smallest tail rate beta: the exponential tail scale 1/beta is at most 100 standard
# deviations of the target, so a tail cannot run away while CRPS barely sees it.
EPS_BETA = 1e-2
# Mass added to each softmax spline weight before renormalising: every piece keeps at
# least ~1e-3 of its interval's width and height, which bounds the slope ratio and
# keeps the float32 CRPS from cancelling (isqf.md, section 11).
EPS_SPACING = 1e-3


def isqf_head_width(n_knots: int, n_pieces: int) -> int:
    """Number of raw outputs: K + 2, plus 2 (K - 1) P spline logits when P > 1."""
    return n_knots + 2 + (2 * (n_knots - 1) * n_pieces if n_pieces > 1 else 0)


def _spline_weights(logits: Tensor) -> Tensor:
    """Floored softmax over the pieces of each interval.

    Written out rather than ``torch.softmax``, which is ~20x slower on CPU over a
    last axis of a few pieces (measured: 1.8 ms for 1024 x 18 x 3 in float32).
    """
    n_pieces = logits.shape[-1]
    e = torch.exp(logits - logits.detach().amax(-1, keepdim=True))
    return (e / e.sum(-1, keepdim=True) + EPS_SPACING) / (1 + n_pieces * EPS_SPACING)


def isqf_domain_map(raw: Tensor, knot_levels: Tensor, n_pieces: int) -> ISQF:
    """Turn raw outputs of shape B + (D,) into an :class:`ISQF` of batch shape B.

    Layout of the last axis: ``u_1..u_K | l_L, l_R | A | H``, with ``A`` and ``H`` the
    (K - 1) P spline logits (row-major (K - 1, P)), present only when P > 1.
    """
    k = knot_levels.shape[-1]
    expected = isqf_head_width(k, n_pieces)
    if raw.shape[-1] != expected:
        raise ValueError(
            f"raw must have {expected} outputs for {k} knots and {n_pieces} pieces; "
            f"got {raw.shape[-1]}."
        )
    # One split rather than six slices: its backward is a single concatenation,
    # where each slice's backward would zero-fill a full-width gradient.
    n_spline = (k - 1) * n_pieces if n_pieces > 1 else 0
    # The gap and tail logits are adjacent: one softplus serves both.
    first, positive_raw, x_logits, y_logits = raw.split(
        [1, k + 1, n_spline, n_spline], dim=-1
    )
    first = first.squeeze(-1)
    positive = softplus(positive_raw)
    gaps = positive[..., : k - 1] + EPS_GAP
    beta_left, beta_right = (positive[..., k - 1 :] + EPS_BETA).unbind(-1)
    weights_x = weights_y = None
    if n_pieces > 1:
        shape = raw.shape[:-1] + (k - 1, n_pieces)
        weights_x = _spline_weights(x_logits.reshape(shape))
        weights_y = _spline_weights(y_logits.reshape(shape))
    return ISQF(knot_levels, first, gaps, beta_left, beta_right, weights_x, weights_y)


def _softplus_inverse(v: Tensor) -> Tensor:
    return v + torch.log(-torch.expm1(-v))


def isqf_initial_bias(knot_levels: Tensor, n_pieces: int) -> Tensor:
    """Raw outputs (float64) for which the ISQF matches N(0, 1) at every knot.

    The knot values are the normal quantiles and each tail's density at its outer knot
    equals the normal density; the spline logits are zero, so the pieces are uniform.
    """
    x = knot_levels.to(torch.float64)
    z = torch.special.ndtri(x)
    gaps = z[1:] - z[:-1] - EPS_GAP
    if bool((gaps <= 0).any()):
        bad = int(torch.nonzero(gaps <= 0)[0, 0])
        raise ValueError(
            f"knot levels {float(x[bad])!r} and {float(x[bad + 1])!r} are too close: "
            f"their normal quantiles differ by less than EPS_GAP = {EPS_GAP!r}."
        )
    density = torch.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    rate_left = torch.clamp(density[0] / x[0], min=2 * EPS_BETA) - EPS_BETA
    rate_right = torch.clamp(density[-1] / (1 - x[-1]), min=2 * EPS_BETA) - EPS_BETA
    k = x.shape[0]
    bias = torch.zeros(isqf_head_width(k, n_pieces), dtype=torch.float64)
    bias[0] = z[0]
    bias[1:k] = _softplus_inverse(gaps)
    bias[k] = _softplus_inverse(rate_left)
    bias[k + 1] = _softplus_inverse(rate_right)
    return bias


class ISQFHead(nn.Module):
    """Linear layer from features to raw ISQF outputs, initialised at N(0, 1).

    The weights start at zero and the bias at :func:`isqf_initial_bias`, so before
    training every row's quantile function is the standard normal's at the knots.

    Parameters
    ----------
    in_features : int
        Width of the features the trunk produces.
    knot_levels : Tensor of shape (K,)
        The fixed knot levels.
    n_pieces : int
        Linear pieces per knot interval.
    """

    def __init__(self, in_features: int, knot_levels: Tensor, n_pieces: int) -> None:
        super().__init__()
        self.n_pieces = int(n_pieces)
        self.register_buffer("knot_levels", knot_levels.to(torch.float64).clone())
        width = isqf_head_width(knot_levels.shape[0], self.n_pieces)
        self.linear = nn.Linear(in_features, width)
        with torch.no_grad():
            self.linear.weight.zero_()
            self.linear.bias.copy_(isqf_initial_bias(knot_levels, self.n_pieces))

    def forward(self, features: Tensor) -> Tensor:
        return self.linear(features)

    def distribution(self, raw: Tensor) -> ISQF:
        """The ISQF for raw outputs, in the dtype of ``raw``."""
        return isqf_domain_map(raw, self.knot_levels.to(raw.dtype), self.n_pieces)

    def score(self, raw: Tensor, y: Tensor) -> Tensor:
        """Closed-form CRPS of each row's distribution at its target (the loss)."""
        return self.distribution(raw).crps_last(y.unsqueeze(-1)).squeeze(-1)
