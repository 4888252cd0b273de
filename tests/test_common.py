"""scikit-learn's common estimator checks.

The regular suite runs them on a small instance (a narrow trunk, few epochs) so that
CI stays fast; the ``slow`` suite runs them on the default instance, as users get it.
Each expected failure carries its reason.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skquantile import (
    ConformalQuantileRegressor,
    ConvexMultivariateQuantileRegressor,
    IncrementalQuantileRegressor,
)

EXPECTED_FAILED_CHECKS: dict[str, str] = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Mini-batch stochastic training: an integer weight and the same row repeated "
        "give different batches and so different (equally valid) fits, as for "
        "scikit-learn's own SGD-trained estimators."
    ),
}


CONFORMAL_EXPECTED_FAILED_CHECKS: dict[str, str] = {
    "check_sample_weight_equivalence_on_dense_data": (
        "The wrapped model is trained by mini-batch SGD (see above), and the "
        "calibration map counts a row of weight w as n w / sum(w) rows of one "
        "calibration point, not as w tied points, so the breakpoints differ."
    ),
}


CONVEX_EXPECTED_FAILED_CHECKS: dict[str, str] = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Mini-batch stochastic training on a Monte Carlo energy score: a repeated row "
        "lands in other batches and gets other latent draws than one row of weight "
        "2, so the fits differ (both valid), as for the univariate model."
    ),
}


def _expected_failed_checks(estimator):
    if isinstance(estimator, ConformalQuantileRegressor):
        return CONFORMAL_EXPECTED_FAILED_CHECKS
    if isinstance(estimator, ConvexMultivariateQuantileRegressor):
        return CONVEX_EXPECTED_FAILED_CHECKS
    return EXPECTED_FAILED_CHECKS


@parametrize_with_checks(
    [
        IncrementalQuantileRegressor(
            hidden_layer_sizes=(32,), max_epochs=60, random_state=0
        ),
        ConformalQuantileRegressor(
            IncrementalQuantileRegressor(
                hidden_layer_sizes=(32,), max_epochs=60, random_state=0
            ),
            random_state=0,
        ),
        # Ten plain epochs at a higher rate reach the D² energy skill of 0.5 that
        # check_regressors_train asks for (0.57 measured) in ~13 s for all checks;
        # with early_stopping='auto' every fit would also run an epoch-selection
        # pass (67 s measured).
        ConvexMultivariateQuantileRegressor(
            hidden_layer_sizes=(16,),
            potential_hidden=8,
            n_draws=8,
            max_epochs=10,
            learning_rate=1e-2,
            early_stopping=False,
            random_state=0,
        ),
    ],
    expected_failed_checks=_expected_failed_checks,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.slow
@parametrize_with_checks(
    [IncrementalQuantileRegressor(random_state=0)],
    expected_failed_checks=_expected_failed_checks,
)
def test_default_instance_is_sklearn_compatible(estimator, check):
    check(estimator)
