"""doc/api.rst lists every public name exactly once, and nothing else."""

import pathlib
import re

import skquantile
from skquantile import datasets, metrics, plotting

API = pathlib.Path(__file__).resolve().parents[1] / "doc" / "api.rst"


def _public_names():
    names = [f"skquantile.{n}" for n in skquantile.__all__ if n != "__version__"]
    names += [f"skquantile.metrics.{n}" for n in metrics.__all__]
    names += [f"skquantile.datasets.{n}" for n in datasets.__all__]
    names += [f"skquantile.plotting.{n}" for n in plotting.__all__]
    return names


def _documented_names():
    text = API.read_text()
    current = None
    names = []
    for line in text.splitlines():
        module = re.match(r"\.\. (?:currentmodule|module):: (\S+)", line.strip())
        if module:
            current = module.group(1)
            continue
        entry = re.match(r"^\s{3,}(\w+)\s*$", line)
        if entry and current:
            names.append(f"{current}.{entry.group(1)}")
    return names


def test_every_public_name_is_documented_once():
    documented = _documented_names()
    public = _public_names()
    assert sorted(documented) == sorted(public)
    assert len(documented) == len(set(documented))
