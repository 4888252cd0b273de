"""Sphinx configuration of the skquantile documentation.

Build with ``python -m sphinx -W -b html doc doc/_build/html`` from the repository
root. No extension needs the network: CI reaches only package registries.
"""

import os
import sys

# Document the working tree even when skquantile is not installed.
sys.path.insert(0, os.path.abspath(".."))

import skquantile  # noqa: E402

project = "skquantile"
author = "skquantile developers"
copyright = "skquantile developers"
version = release = skquantile.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
]

# Cross-project links would need objects.inv files from the network; keep none.
intersphinx_mapping = {}

templates_path = ["_templates"]
exclude_patterns = ["_build"]

autosummary_generate = True
autodoc_default_options = {"member-order": "bysource"}
# The class template lists the methods itself; numpydoc's own member tables would
# point at stub pages that do not exist.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

html_theme = "alabaster"
html_title = f"skquantile {release}"
