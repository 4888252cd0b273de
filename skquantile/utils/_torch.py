"""Torch helpers for the estimators: seeded RNG scopes and dtype conversion."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

__all__ = ["seeded", "torch_device"]


def torch_device(device: str | torch.device) -> torch.device:
    """Parse ``device``; ``'cuda'`` without an index means the current CUDA device."""
    dev = torch.device(device)
    if dev.type == "cuda" and dev.index is None:
        dev = torch.device("cuda", torch.cuda.current_device())
    return dev


@contextlib.contextmanager
def seeded(seed: int, device: torch.device) -> Iterator[None]:
    """Run a block with torch's global RNG seeded, restoring its state afterwards.

    Weight initialisation and dropout draw from torch's global generator; forking it
    keeps the caller's RNG state untouched while making the block reproducible.
    """
    devices = [device.index] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices, device_type=device.type):
        torch.manual_seed(seed)
        yield
