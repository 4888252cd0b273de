"""Networks (pure torch): the MLP trunk, distribution heads and the PICNN."""

from ._heads import (
    EPS_BETA,
    EPS_GAP,
    EPS_SPACING,
    ISQFHead,
    isqf_domain_map,
    isqf_head_width,
    isqf_initial_bias,
)
from ._mlp import ACTIVATIONS, MLP, DistributionNetwork
from ._picnn import (
    HESSIAN_FLOOR,
    PICNN,
    ConvexPotentialHead,
    even_convex,
    smooth_relu,
)

__all__ = [
    "ACTIVATIONS",
    "EPS_BETA",
    "EPS_GAP",
    "EPS_SPACING",
    "HESSIAN_FLOOR",
    "PICNN",
    "ConvexPotentialHead",
    "even_convex",
    "smooth_relu",
    "MLP",
    "DistributionNetwork",
    "ISQFHead",
    "isqf_domain_map",
    "isqf_head_width",
    "isqf_initial_bias",
]
