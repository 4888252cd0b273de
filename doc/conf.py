"""Sphinx configuration of the skquantile documentation.

Build with ``python -m sphinx -W -b html doc doc/_build/html`` from the repository
root. No extension needs the network: CI reaches only package registries.
"""

import os
import sys

# Document the working tree even when skquantile is not installed; doc/ itself holds
# the gallery's reset_argv helper.
sys.path.insert(0, os.path.abspath(".."))
sys.path.insert(0, os.path.abspath("."))

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
    "sphinx_gallery.gen_gallery",
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

# The examples run during the build (each < 1 min on a CPU); a failing example fails
# the build. Nothing here fetches: no binder or JupyterLite links, and code links
# use only the (empty) intersphinx inventories.
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Every example runs during the build (each writes its figures into the
    # gallery page).
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "plot_gallery": "True",
    # sphinx-gallery runs examples with examples/ as working directory; this gives
    # the scripts that write files by default arguments that redirect them into
    # auto_examples/_script_output/.
    "reset_argv": "_gallery_argv.reset_argv",
    "binder": {},
    "jupyterlite": {},
    "download_all_examples": True,
    "remove_config_comments": True,
    # Show printed output only, not the reprs of the last expression of a block
    # (Legend and Text objects from matplotlib calls).
    "capture_repr": (),
}

html_theme = "pydata_sphinx_theme"
html_title = f"skquantile {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
