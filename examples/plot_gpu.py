"""
The same code on a GPU
======================

Both models of :mod:`skquantile` take a ``device`` parameter (``"cpu"``,
``"cuda"``, ``"cuda:1"``, ...): training and prediction run there, through the
same code path, and every method still takes and returns NumPy arrays. This
example picks the GPU when PyTorch sees one and falls back to the CPU otherwise,
so it runs anywhere.

The script fits a small :class:`~skquantile.IncrementalQuantileRegressor` on
:func:`~skquantile.datasets.make_heteroscedastic`, draws its 5-95% band and prints
the device used and the held-out D² CRPS skill (``model.score``; 1 is perfect, 0 is
no better than ignoring X).
"""

import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.model_selection import train_test_split

from skquantile import IncrementalQuantileRegressor
from skquantile.datasets import make_heteroscedastic

# %%
# Choose the device
# -----------------
# Nothing else in the script depends on this choice.

device = "cuda" if torch.cuda.is_available() else "cpu"
if device == "cpu":
    print("No CUDA GPU visible to PyTorch: falling back to the CPU (same code).")
else:
    print(f"Using GPU: {torch.cuda.get_device_name(0)}")

# %%
# Fit on that device
# ------------------
# A small model: one hidden layer of 64 units, 30 epochs of batches of 256 rows.
# On a GPU much larger models and data sets pay off; at this size the CPU is
# about as fast.

X, y = make_heteroscedastic(n_samples=3000, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)

model = IncrementalQuantileRegressor(
    hidden_layer_sizes=(64,),
    max_epochs=30,
    batch_size=256,
    learning_rate=1e-2,
    early_stopping=False,
    device=device,
    random_state=0,
)
start = time.perf_counter()
model.fit(X_train, y_train)
seconds = time.perf_counter() - start
print(f"fitted {model.n_iter_} epochs in {seconds:.1f} s on {device!r}")

# %%
# Predictions come back as NumPy arrays
# -------------------------------------
# Whatever the device, inputs and outputs are NumPy: the band below is plotted
# directly. ``x_0`` runs from -1 to 1, the other features stay at 0.

X_slice = np.zeros((200, X.shape[1]))
X_slice[:, 0] = np.linspace(-1, 1, 200)
band = model.predict_quantile(X_slice, [0.05, 0.5, 0.95])
print(type(band).__name__, band.shape)

near = np.abs(X_test[:, 1]) < 0.2
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.fill_between(X_slice[:, 0], band[:, 0], band[:, 2], alpha=0.3, label="5-95%")
ax.plot(X_slice[:, 0], band[:, 1], label="median")
ax.scatter(X_test[near, 0], y_test[near], s=6, color="k", alpha=0.4, label="test rows")
ax.set(xlabel="$x_0$ (other features at 0)", ylabel="y", title=f"Fitted on {device}")
ax.legend(loc="upper left")

# %%
# Score
# -----
# ``model.score`` is the D² CRPS skill on held-out rows, computed on the device.

score = model.score(X_test, y_test)
print(f"device: {device}")
print(f"D2 CRPS score on {len(y_test)} test rows: {score:.4f}")

plt.show()
