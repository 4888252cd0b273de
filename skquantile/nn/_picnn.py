r"""The partially input-convex network and the convex potential head (pure torch).

Map of this module
------------------
- :func:`smooth_relu` (:math:`g(t) = t\Phi(t) + \varphi(t)`) and :func:`even_convex`
  (:math:`g(t) - t/2`): the convex activations of the PICNN.
- :class:`PICNN`: :math:`N(z, c)`, convex in the latent z for every context c and
  every weight value (Amos, Xu and Kolter, 2017), built as in mqf2.md section 3.
- :class:`ConvexPotentialHead`: the potential
  :math:`u(z; c) = \langle \mu(c), z\rangle + \tfrac12 z^\top A(c) z + \kappa N(z, c)`
  on top of a context c (the trunk's features). Its ``distribution`` is the
  :class:`~skquantile.distributions.ConvexQuantileMap` of each row and its ``score``
  the unbiased energy score of the map's draws (the training loss).

No tensor that depends on z is normalised by data statistics: there is no
first-batch normalisation anywhere (mqf2.md section 3).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn
from torch.nn.functional import softplus

from ..distributions import ConvexQuantileMap, energy_score_draws

__all__ = [
    "HESSIAN_FLOOR",
    "PICNN",
    "ConvexPotentialHead",
    "even_convex",
    "smooth_relu",
]

# Floor of the quadratic term's diagonal, in units of each coordinate's relative
# scale: the Hessian of u is at least HESSIAN_FLOOR * min(r) * I, so the map is
# injective, its inverse (the rank) exists for every y and Newton converges.
HESSIAN_FLOOR = 1e-3
# softplus(log(e - 1)) = 1: the context gates of the PICNN start at exactly 1.
_LOG_E_MINUS_1 = math.log(math.e - 1)
# The convex term's weight kappa starts here (mqf2.md section 3).
INITIAL_KAPPA = 0.1
# Standard deviation of the low-rank factor's initial weights: B must not start at
# exactly 0, where the gradient of B B^T vanishes and no correlation is ever learnt.
FACTOR_INIT_STD = 1e-2
# Draws per row of the fixed validation latents (common random numbers, so epochs
# compare without Monte Carlo noise).
VALID_DRAWS = 64
_INV_SQRT_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def smooth_relu(t: Tensor) -> Tensor:
    """g(t) = t Phi(t) + phi(t): convex, non-decreasing, g' = Phi, g'' = phi."""
    return (
        t * 0.5 * (1 + torch.erf(t * _INV_SQRT_2))
        + torch.exp(-0.5 * t * t) * _INV_SQRT_2PI
    )


def even_convex(t: Tensor) -> Tensor:
    """g(t) - t / 2: even and convex, with slope in (-1/2, 1/2)."""
    return smooth_relu(t) - 0.5 * t


def _softplus_inverse(v: Tensor) -> Tensor:
    return v + torch.log(-torch.expm1(-v))


def _zero_linear(in_features: int, out_features: int) -> nn.Linear:
    layer = nn.Linear(in_features, out_features)
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.zero_()
    return layer


class PICNN(nn.Module):
    r"""Partially input-convex network :math:`N(z, c)`, convex in z.

    Parameters
    ----------
    event_dim : int
        Dimension d of the latent z.
    context_dim : int
        Width of the context c.
    hidden : int
        Width H of each convex layer.
    n_layers : int
        Number L >= 1 of convex layers.

    Notes
    -----
    :math:`h_1 = \sigma_0(W_1(z \odot (1 + U_1 c)) + V_1 c + b_1)` and
    :math:`h_\ell = g(P_\ell(h_{\ell-1} \odot \gamma_\ell(c)) + W_\ell(z \odot (1 +
    U_\ell c)) + V_\ell c + b_\ell)`, with :math:`P_\ell = \mathrm{softplus}(\tilde
    P_\ell) / H \ge 0` and gates :math:`\gamma_\ell = \mathrm{softplus}(G_\ell c +
    \ln(e - 1)) > 0`; the output is :math:`p^\top (h_L \odot \gamma_{L+1}(c))` with
    :math:`p = \mathrm{softplus}(\tilde p) / H`. Non-negative combinations of convex
    functions and convex non-decreasing activations of them keep N convex in z.
    """

    def __init__(
        self, event_dim: int, context_dim: int, hidden: int, n_layers: int
    ) -> None:
        super().__init__()
        self.hidden = int(hidden)
        self.z_weights = nn.ModuleList(
            nn.Linear(event_dim, hidden, bias=False) for _ in range(n_layers)
        )
        self.z_scales = nn.ModuleList(
            _zero_linear(context_dim, event_dim) for _ in range(n_layers)
        )
        self.shifts = nn.ModuleList(
            nn.Linear(context_dim, hidden) for _ in range(n_layers)
        )
        self.gates = nn.ModuleList(
            _zero_linear(context_dim, hidden) for _ in range(n_layers)
        )
        self.hidden_weights = nn.ParameterList(
            nn.Parameter(nn.Linear(hidden, hidden).weight.detach().clone())
            for _ in range(n_layers - 1)
        )
        self.output_weight = nn.Parameter(torch.zeros(hidden))

    def context(self, c: Tensor) -> list[tuple[Tensor, Tensor, Tensor]]:
        """Per-row context terms of each layer: (1 + U c, V c + b, gamma(c))."""
        return [
            (1 + scale(c), shift(c), softplus(gate(c) + _LOG_E_MINUS_1))
            for scale, shift, gate in zip(self.z_scales, self.shifts, self.gates)
        ]

    def forward(self, z: Tensor, terms: list[tuple[Tensor, Tensor, Tensor]]) -> Tensor:
        """N at latent points ``z`` of shape (rows, m, d): shape (rows, m).

        Layer l uses the gate of ``terms[l]`` on its input from layer l - 1; the
        last gate weighs the output.
        """
        h = None
        for layer, (scale, shift, _) in enumerate(terms):
            pre = self.z_weights[layer](z * scale.unsqueeze(-2)) + shift.unsqueeze(-2)
            if h is None:
                h = even_convex(pre)
                continue
            gate = terms[layer - 1][2].unsqueeze(-2)
            P = softplus(self.hidden_weights[layer - 1]) / self.hidden
            h = smooth_relu(pre + (h * gate) @ P.T)
        p = softplus(self.output_weight) / self.hidden
        return (h * terms[-1][2].unsqueeze(-2) * p).sum(-1)


class ConvexPotentialHead(nn.Module):
    r"""Convex potential on a context, and its quantile map (mqf2.md section 3).

    :math:`u(z; c) = \langle \mu(c), z\rangle + \tfrac12 z^\top A(c) z + \kappa
    N(z, c)` with :math:`A(c) = \mathrm{diag}(w r + \mathrm{softplus}(a(c))) +
    B(c) B(c)^\top` (w = ``HESSIAN_FLOOR``, r the coordinates' relative scales),
    :math:`\kappa = \mathrm{softplus}(\tilde\kappa)` and N a :class:`PICNN`.

    Parameters
    ----------
    in_features : int
        Width of the context (the trunk's features).
    rel_scale : Tensor of shape (d,)
        Relative scales r of the standardised target's coordinates: the initial
        diagonal of A, the floors, and the weights 1 / r of the loss norm.
    hidden : int
        Width of the PICNN's layers.
    n_layers : int
        Number of PICNN layers.
    n_draws : int
        Draws per row of the training energy score.
    rank : int, optional
        Columns q of the low-rank factor B; default ``min(d, 8)``.

    Notes
    -----
    At initialisation :math:`\mu = 0`, :math:`A \approx \mathrm{diag}(r)` and
    :math:`\kappa = 0.1`: the law starts close to the independent Gaussian with
    the training spreads, and training bends it from there.
    """

    def __init__(
        self,
        in_features: int,
        rel_scale: Tensor,
        hidden: int = 32,
        n_layers: int = 2,
        n_draws: int = 32,
        rank: int | None = None,
    ) -> None:
        super().__init__()
        d = int(rel_scale.shape[0])
        self.event_dim = d
        self.rank = min(d, 8) if rank is None else int(rank)
        self.n_draws = int(n_draws)
        self.register_buffer("rel_scale", rel_scale.detach().clone().float())
        self.loc = _zero_linear(in_features, d)
        self.diag = _zero_linear(in_features, d)
        self.factor = nn.Linear(in_features, d * self.rank)
        self.kappa = nn.Parameter(_softplus_inverse(torch.tensor(INITIAL_KAPPA)))
        self.picnn = PICNN(d, in_features, hidden, n_layers)
        with torch.no_grad():
            start = (1 - HESSIAN_FLOOR) * self.rel_scale
            self.diag.bias.copy_(_softplus_inverse(start))
            nn.init.normal_(self.factor.weight, std=FACTOR_INIT_STD)
            nn.init.normal_(self.factor.bias, std=FACTOR_INIT_STD)
        generator = torch.Generator().manual_seed(0)
        self.register_buffer(
            "valid_latents", torch.randn(VALID_DRAWS, d, generator=generator)
        )

    def forward(self, features: Tensor) -> Tensor:
        """The context is the trunk's features themselves."""
        return features

    def _parts(self, c: Tensor):
        dtype = self.loc.weight.dtype
        c = c.to(dtype)
        floor = HESSIAN_FLOOR * self.rel_scale.to(dtype)
        diag = floor + softplus(self.diag(c))
        factor = self.factor(c).unflatten(-1, (self.event_dim, self.rank))
        return c, self.loc(c), diag, factor

    def distribution(self, c: Tensor) -> ConvexQuantileMap:
        """The quantile map of each row's potential, for contexts ``c`` (rows, m_c)."""
        c, loc, diag, factor = self._parts(c)
        kappa = softplus(self.kappa)
        terms = self.picnn.context(c)

        def potential(z: Tensor) -> Tensor:
            linear = (loc.unsqueeze(-2) * z).sum(-1)
            projected = z @ factor
            quadratic = (diag.unsqueeze(-2) * z * z).sum(-1) + (projected**2).sum(-1)
            return linear + 0.5 * quadratic + kappa * self.picnn(z, terms)

        quadratic = torch.diag_embed(diag) + factor @ factor.transpose(-1, -2)
        return ConvexQuantileMap(potential, loc, quadratic)

    def score(self, c: Tensor, y: Tensor) -> Tensor:
        """Unbiased energy score of each row at its standardised target (the loss).

        With gradients enabled (training) each row gets ``n_draws`` fresh latents
        from torch's global generator (seeded by the estimator) and the map keeps
        its graph; otherwise (validation) the fixed ``valid_latents`` are used.
        """
        dist = self.distribution(c)
        training = torch.is_grad_enabled()
        dtype = dist.loc.dtype
        rows = dist.loc.shape[0]
        if training:
            z = torch.randn(
                rows, self.n_draws, self.event_dim, dtype=dtype, device=c.device
            )
        else:
            z = self.valid_latents.to(dtype).expand(rows, -1, -1)
        draws = dist.quantile(z, create_graph=training)
        inv_scale = 1 / self.rel_scale.to(dtype)
        return energy_score_draws(draws, y.to(dtype), inv_scale)
