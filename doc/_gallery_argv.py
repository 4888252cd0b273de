"""Command-line arguments that sphinx-gallery gives each example it runs.

sphinx-gallery runs every example with its working directory set to ``examples/``.
Scripts that write files there by default get arguments that redirect those files
into ``doc/auto_examples/_script_output/`` (git-ignored, rebuilt each time). A new
example that writes files must get an entry in ``_ARGV``; one that writes none
needs nothing. conf.py names ``reset_argv`` by its qualified name so that the
Sphinx configuration stays picklable.
"""

from pathlib import Path


def _argv(output_dir):
    return {
        "plot_quickstart.py": [
            "--output",
            str(output_dir / "quickstart_fan_chart.png"),
        ],
    }


def reset_argv(gallery_conf, script_vars):
    """Return ``sys.argv[1:]`` for the example ``script_vars["src_file"]``."""
    src_file = Path(script_vars["src_file"])
    output_dir = Path(script_vars["target_file"]).parent / "_script_output"
    output_dir.mkdir(parents=True, exist_ok=True)
    return _argv(output_dir).get(src_file.name, [])
