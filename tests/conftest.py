"""Test configuration: hypothesis profiles.

Profiles, picked by ``SKQUANTILE_HYPOTHESIS_PROFILE`` (default ``ci``):

- ``ci``: derandomised and reproducible, no example database, no deadline.
- ``dev``: randomised, for exploring locally.
- ``nightly``: 1000 examples per property.
"""

import os

import torch
from hypothesis import settings

# The suite fits many tiny networks: with batches of a few rows, intra-op threads
# only add synchronisation (8x slower on a loaded 2-core machine, measured), so the
# tests run torch single-threaded. The library itself never changes this setting.
torch.set_num_threads(1)

settings.register_profile(
    "ci", derandomize=True, database=None, deadline=None, print_blob=True
)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.register_profile("nightly", max_examples=1000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("SKQUANTILE_HYPOTHESIS_PROFILE", "ci"))
