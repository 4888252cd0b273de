"""
Tuning a pipeline on the CRPS with GridSearchCV
===============================================

:class:`~skquantile.IncrementalQuantileRegressor` is a scikit-learn regressor, so
it slots into a :class:`~sklearn.pipeline.Pipeline` after a
:class:`~sklearn.compose.ColumnTransformer` and is tuned with
:class:`~sklearn.model_selection.GridSearchCV`. Here the search is scored by the
CRPS, a proper scoring rule for the whole predicted distribution, through
:func:`skquantile.metrics.crps_scorer`.

The data are a pandas DataFrame: the numeric columns of
:func:`~skquantile.datasets.make_heteroscedastic` plus a categorical ``region``
column that shifts y. The grid is deliberately tiny (two candidates, three folds,
a few epochs) so the script runs in seconds; it prints the best parameters and
the best cross-validated CRPS.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic
from skquantile.metrics import crps_scorer

# %%
# A DataFrame with a categorical column
# -------------------------------------
# ``region`` takes the values north, centre and south, which shift y by -1, 0
# and +1; a one-hot encoding lets the network learn the shifts.

X_num, y = make_heteroscedastic(n_samples=1200, n_features=3, random_state=0)
rng = np.random.default_rng(0)
shifts = {"north": -1.0, "centre": 0.0, "south": 1.0}
region = rng.choice(list(shifts), size=len(y))
y = y + np.array([shifts[r] for r in region])

X = pd.DataFrame(X_num, columns=["x0", "x1", "x2"])
X["region"] = pd.Categorical(region)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
print(X.head())

# %%
# The pipeline
# ------------
# One-hot encode the categorical column, standardise the numeric ones, then fit
# the distributional regressor. The model standardises its inputs itself as well;
# the scaler is here to show the usual preprocessing pattern.

preprocess = ColumnTransformer(
    [
        ("categorical", OneHotEncoder(handle_unknown="ignore"), ["region"]),
        ("numeric", StandardScaler(), ["x0", "x1", "x2"]),
    ]
)
pipeline = Pipeline(
    [
        ("preprocess", preprocess),
        (
            "model",
            IncrementalQuantileRegressor(
                max_epochs=10,
                batch_size=256,
                learning_rate=1e-2,
                early_stopping=False,
                random_state=0,
            ),
        ),
    ]
)

# %%
# The CRPS scorer
# ---------------
# ``crps_scorer(estimator, X, y)`` is minus the mean closed-form CRPS: higher is
# better. On a :class:`~sklearn.pipeline.Pipeline` it transforms X with the
# fitted preprocessing and asks the last step, since a pipeline does not forward
# ``crps`` itself.

# %%
# Grid search
# -----------
# Two trunk sizes, three folds: six small fits plus the final refit.

search = GridSearchCV(
    pipeline,
    param_grid={"model__hidden_layer_sizes": [(16,), (64, 64)]},
    scoring=crps_scorer,
    cv=3,
)
search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_)
results["CRPS"] = -results["mean_test_score"]
print(results[["param_model__hidden_layer_sizes", "CRPS", "std_test_score"]])

# %%
# The cross-validated CRPS of each candidate, with one standard deviation over
# the folds.

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
names = [str(p) for p in results["param_model__hidden_layer_sizes"]]
ax.bar(names, results["CRPS"], yerr=results["std_test_score"], color="C0", capsize=4)
ax.set(
    xlabel="hidden_layer_sizes",
    ylabel="mean CRPS over 3 folds (lower is better)",
    title="GridSearchCV on the CRPS",
)

# %%
# Best candidate
# --------------
# The refitted best pipeline is ``search.best_estimator_``: it takes the
# DataFrame as is. ``search.score`` uses the search's scorer (minus the CRPS);
# ``best_estimator_.score`` forwards to the model's ``score``, the D² CRPS skill.

best = search.best_estimator_
print(f"held-out CRPS: {-search.score(X_test, y_test):.4f}")
print(f"held-out D2 CRPS skill: {best.score(X_test, y_test):.4f}")
print(f"best parameters: {search.best_params_}")
print(f"best cross-validated CRPS: {-search.best_score_:.4f}")

plt.show()
