"""Proper scores of sampled multivariate forecasts, in torch (the training losses).

- :func:`energy_score_draws`: the unbiased (``"fair"``) energy score with beta = 1 of
  m draws per row, with an optional per-coordinate weighting of the norm.

The NumPy metrics in :mod:`skquantile.metrics` are written apart from this module,
and the tests check one against the other.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["energy_score_draws"]


def energy_score_draws(
    draws: Tensor, y: Tensor, inv_scale: Tensor | None = None
) -> Tensor:
    r"""Unbiased energy score of each row's draws at its target (lower is better).

    .. math::

        \widehat{ES}_i = \frac{1}{m}\sum_j \|w_{ij} - y_i\|
        - \frac{1}{m(m-1)} \sum_{j \ne k} \tfrac12 \|w_{ij} - w_{ik}\|,

    the second sum taken over the m (m - 1) / 2 pairs j < k only, so no norm is
    evaluated at 0 (where its gradient is undefined).

    Parameters
    ----------
    draws : Tensor of shape B + (m, d)
        m >= 2 draws per row.
    y : Tensor of shape B + (d,)
        Targets.
    inv_scale : Tensor of shape (d,), optional
        Weights of the coordinates inside the norm, ``||diag(inv_scale)(a - b)||``.

    Returns
    -------
    Tensor of shape B
        The energy score of each row.
    """
    m = draws.shape[-2]
    if m < 2:
        raise ValueError(f"the energy score needs at least 2 draws per row; got {m}.")
    if y.shape != draws.shape[:-2] + draws.shape[-1:]:
        raise ValueError(
            f"y must have shape {tuple(draws.shape[:-2] + draws.shape[-1:])} for draws "
            f"of shape {tuple(draws.shape)}; got {tuple(y.shape)}."
        )
    if inv_scale is not None:
        draws, y = draws * inv_scale, y * inv_scale
    first = torch.linalg.vector_norm(draws - y.unsqueeze(-2), dim=-1).mean(-1)
    if not (torch.is_grad_enabled() and draws.requires_grad):
        # Without gradients: m x m distances, not m x m x d differences.
        dist = torch.cdist(draws, draws, compute_mode="donot_use_mm_for_euclid_dist")
        return first - dist.sum((-1, -2)) / (2 * m * (m - 1))
    # All pairs by broadcasting (no index gathering, whose backward accumulates in
    # a thread-dependent order); the diagonal and lower triangle are replaced by 1
    # before the norm, so no norm is taken at 0, and masked out after it.
    upper = torch.ones(m, m, dtype=torch.bool, device=draws.device).triu(1)
    diff = draws.unsqueeze(-2) - draws.unsqueeze(-3)
    diff = torch.where(upper.unsqueeze(-1), diff, torch.ones_like(diff))
    pairs = torch.linalg.vector_norm(diff, dim=-1) * upper
    return first - pairs.sum((-1, -2)) / (m * (m - 1))
