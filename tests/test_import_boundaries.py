"""The dependency rule of STYLE.md, checked on every module's imports via ast."""

import ast
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "skquantile"

ALLOWED = {
    "distributions": {"torch"},
    "nn": {"torch"},
    "metrics": {"numpy", "scipy", "sklearn"},
    "datasets": {"numpy", "scipy", "sklearn"},
    # matplotlib only inside the functions that draw (checked below by importing).
    "plotting": {"numpy", "sklearn", "matplotlib"},
}
INTERNAL = {
    "distributions": {"distributions"},
    "nn": {"nn", "distributions"},
    "metrics": {"metrics", "utils._validation", "utils._sklearn_compat"},
    "datasets": {"datasets", "utils._validation", "utils._sklearn_compat"},
    "plotting": {"plotting", "utils._validation", "utils._sklearn_compat", "metrics"},
}
STDLIB = set(sys.stdlib_module_names) | {"__future__"}


def _imports(path):
    tree = ast.parse(path.read_text())
    package = path.relative_to(ROOT).parts[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, 0
        elif isinstance(node, ast.ImportFrom):
            yield (node.module or ""), node.level
    del package


def _resolve(path, module, level):
    """Absolute skquantile sub-path of a relative import, e.g. 'utils._validation'."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    base = parts[: len(parts) - level]
    return ".".join(base + ([module] if module else []))


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_follow_the_dependency_rule(package):
    for path in sorted((ROOT / package).glob("*.py")):
        for module, level in _imports(path):
            if level:
                target = _resolve(path, module, level)
                assert any(target.startswith(p) for p in INTERNAL[package]), (
                    f"{path.name} imports skquantile.{target}"
                )
            else:
                top = module.split(".")[0]
                assert top in STDLIB or top in ALLOWED[package], (
                    f"{path.relative_to(ROOT)} imports {module}"
                )


def test_utils_are_leaves():
    for path in sorted((ROOT / "utils").glob("*.py")):
        for module, level in _imports(path):
            top = module.split(".")[0]
            assert not level or module == "", f"{path.name} imports a sibling"
            expected = {"torch"} if path.name == "_torch.py" else {"numpy", "sklearn"}
            assert top in STDLIB or top in expected, f"{path.name} imports {module}"


def test_importing_skquantile_loads_no_matplotlib():
    code = "import sys, skquantile; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_importing_skquantile_plotting_loads_no_matplotlib():
    code = "import sys, skquantile.plotting; print('matplotlib' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"


def test_private_sklearn_names_come_from_the_compat_module():
    # STYLE.md: only utils/_sklearn_compat.py imports private or version-dependent
    # scikit-learn names, so a scikit-learn upgrade has one place to fix.
    compat = ROOT / "utils" / "_sklearn_compat.py"
    for path in sorted(ROOT.rglob("*.py")):
        if path == compat:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "sklearn"
            ):
                private = [a.name for a in node.names if a.name.startswith("_")]
                private_module = any(
                    part.startswith("_") for part in node.module.split(".")
                )
                assert not private and not private_module, (
                    f"{path.relative_to(ROOT)} imports {node.module}: {private}"
                )
