"""Networks (pure torch): the MLP trunk and distribution heads."""

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

__all__ = [
    "ACTIVATIONS",
    "EPS_BETA",
    "EPS_GAP",
    "EPS_SPACING",
    "MLP",
    "DistributionNetwork",
    "ISQFHead",
    "isqf_domain_map",
    "isqf_head_width",
    "isqf_initial_bias",
]
