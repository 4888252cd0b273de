"""numpydoc validation of every public docstring."""

import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate")

import skquantile  # noqa: E402
from skquantile import datasets, metrics, plotting  # noqa: E402

# Checks we do not require: extended summaries (ES01), See Also on every object
# (SA01), the summary-line style check GL08 for objects that inherit docstrings
# (set_params and friends come from scikit-learn), and RT02: like scikit-learn, we
# name single return values. Examples (EX01) are required on every public class,
# function and method; pytest runs them as doctests.
IGNORED = {"ES01", "SA01", "GL08", "RT02"}


def _public_objects():
    for module, names in [
        (skquantile, skquantile.__all__),
        (metrics, metrics.__all__),
        (datasets, datasets.__all__),
        (plotting, plotting.__all__),
    ]:
        for name in names:
            obj = getattr(module, name)
            if isinstance(obj, str):
                continue
            yield f"{module.__name__}.{name}"
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    # classmethods (from_estimator, ...) are not callable objects
                    # in the class __dict__; unwrap them to check them too.
                    member = getattr(member, "__func__", member)
                    if not attr.startswith("_") and callable(member):
                        yield f"{module.__name__}.{name}.{attr}"


@pytest.mark.parametrize("name", sorted(set(_public_objects())))
def test_docstring_is_valid_numpydoc(name):
    result = numpydoc_validate.validate(name)
    errors = [(code, msg) for code, msg in result["errors"] if code not in IGNORED]
    assert not errors, "\n".join(f"{code}: {msg}" for code, msg in errors)
