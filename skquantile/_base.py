"""The shared shell of the estimators: validation, scaling, seeding, training, predict.

Map of this module
------------------
- :data:`TRAINING_CONSTRAINTS`: ``_parameter_constraints`` of the training parameters
  both estimators share.
- :class:`_Standardizer`: X and y standardisation statistics fixed at the first fit.
- :class:`_DistributionRegressor`: the scikit-learn shell. Subclasses supply the head
  (``_build_head``) and the public predict methods; this class validates, scales,
  seeds, builds the private skorch net ``net_``, trains it (``fit`` and
  ``partial_fit``) and evaluates the fitted head in float64 in row chunks
  (``_map_distribution``).

The training rules (batch size, early stopping, patience) live in
:func:`_training_plan`, the one translation from scikit-learn's parameter names to
skorch's.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import numbers
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import KFold
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import EarlyStopping
from skorch.helper import predefined_split

from ._net import (
    _BatchIterator,
    _DistributionNet,
    _silent,
    _TargetUnitsLog,
    _TensorDataset,
)
from .nn import ACTIVATIONS, MLP, DistributionNetwork
from .utils._sklearn_compat import (
    Interval,
    InvalidParameterError,
    StrOptions,
    _check_sample_weight,
    validate_data,
)
from .utils._torch import seeded, torch_device
from .utils._validation import check_coverage, seed_from

__all__ = ["TRAINING_CONSTRAINTS", "_DistributionRegressor"]

# early_stopping='auto' keeps the early-stopped weights once the validation split
# holds this many rows ...
MIN_VALID_ROWS = 200
# ... and on smaller data (down to this many validation rows) uses the split only to
# pick the number of epochs, then refits on all rows for that many epochs. Training
# small data for a fixed budget instead overfitted: 500 epochs on the 442 diabetes
# rows covered 0.48 of the rows with nominal 90% intervals (measured).
MIN_REFIT_VALID_ROWS = 5
# Below that, data of at least MIN_KFOLD_ROWS rows picks the epoch count by K-fold
# (K = KFOLD_SPLITS): the validation curves of the folds, averaged, then a refit on
# all rows. One hold-out of a few rows picked anywhere from 3 to 84 epochs on
# 16-row folds of the Linnerud data (measured); a fixed budget lets a flexible
# model memorise a few rows and collapse its spread (16 rows, 300 epochs: 90%
# intervals of the multivariate model covered 2% to 12% of new rows).
MIN_KFOLD_ROWS = 10
KFOLD_SPLITS = 5
# The selected epoch count (hold-out or K-fold) is at least this: a noisy first
# validation epoch must not pin a refit to one or two passes (mqf2.md section 8).
MIN_SELECTED_EPOCHS = 5
# batch_size='auto' aims at this many optimiser steps per epoch on small data ...
STEPS_PER_EPOCH = 10
# ... within these bounds on the batch size.
MIN_AUTO_BATCH, MAX_AUTO_BATCH = 8, 256
# n_iter_no_change='auto' waits about this many optimiser steps without improvement,
# and at least MIN_PATIENCE_EPOCHS epochs.
PATIENCE_STEPS = 1000
MIN_PATIENCE_EPOCHS = 20
# Rows per chunk when predicting: keeps the (rows x levels) float64 work in cache.
PREDICT_CHUNK = 4096
# A target whose standard deviation is below this fraction of its magnitude is
# treated as constant ...
CONSTANT_Y_RTOL = 1e-12
# ... and then modelled at this scale relative to its magnitude (absolute when it is
# 0): the head's smallest spread (knot gaps of EPS_GAP) becomes ~1e-11 relative.
CONSTANT_Y_SCALE = 1e-8


def _check_hidden_layer_sizes(sizes) -> tuple[int, ...]:
    try:
        out = tuple(sizes)
    except TypeError:
        out = None
    if out is None or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 1
        for s in out
    ):
        raise InvalidParameterError(
            "The 'hidden_layer_sizes' parameter must be a tuple of positive ints "
            f"(() for a linear model); got {sizes!r}."
        )
    return tuple(int(s) for s in out)


def _check_device(device) -> torch.device:
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise InvalidParameterError(
            f"The 'device' parameter must name a torch device such as 'cpu' or "
            f"'cuda:0'; got {device!r}."
        ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise InvalidParameterError(
            f"The 'device' parameter is {device!r}, but torch finds no CUDA device. "
            "Use device='cpu'."
        )
    return torch_device(dev)


def _check_module(module):
    if module is None:
        return None
    if isinstance(module, torch.nn.Module):
        return copy.deepcopy(module)
    if isinstance(module, type) and issubclass(module, torch.nn.Module):
        return module()
    raise InvalidParameterError(
        "The 'module' parameter must be None, a torch.nn.Module instance or a "
        f"torch.nn.Module subclass; got {module!r}."
    )


TRAINING_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like"],
    "module": "no_validation",
    "activation": [StrOptions(set(ACTIVATIONS))],
    "dropout": [Interval(numbers.Real, 0, 1, closed="left")],
    "max_epochs": [Interval(numbers.Integral, 1, None, closed="left")],
    "batch_size": [
        Interval(numbers.Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
    "weight_decay": [Interval(numbers.Real, 0, None, closed="left")],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(numbers.Real, 0, 1, closed="neither")],
    "n_iter_no_change": [
        Interval(numbers.Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "tol": [Interval(numbers.Real, 0, None, closed="left")],
    "device": [str, torch.device],
    "random_state": [
        None,
        Interval(numbers.Integral, 0, None, closed="left"),
        np.random.RandomState,
        np.random.Generator,
    ],
    "verbose": ["verbose"],
}


@dataclass
class _Standardizer:
    """Location and scale of X (per column) and of y, fixed at the first fit.

    A 2-d y of shape (n, d) gets a location per output and *one* common scale,
    the root mean of the outputs' variances (mqf2.md section 6: a per-output scale
    would break the gradient structure of the multivariate map); ``y_sd`` keeps
    each output's own standard deviation.
    """

    x_mean: np.ndarray
    x_scale: np.ndarray
    y_loc: float | np.ndarray
    y_scale: float
    y_sd: float | np.ndarray = 1.0

    @classmethod
    def fit(cls, X, y, sample_weight):
        x_mean = X.mean(axis=0)
        x_scale = X.std(axis=0)
        x_scale[x_scale == 0] = 1.0
        y_loc = np.average(y, axis=0, weights=sample_weight)
        var = np.average((y - y_loc) ** 2, axis=0, weights=sample_weight)
        y_scale = math.sqrt(float(np.mean(var)))
        magnitude = float(np.max(np.abs(y_loc)))
        if y_scale <= CONSTANT_Y_RTOL * magnitude or y_scale == 0:
            y_scale = CONSTANT_Y_SCALE * (magnitude if magnitude != 0 else 1.0)
        if y.ndim == 1:
            return cls(x_mean, x_scale, float(y_loc), y_scale, y_scale)
        return cls(x_mean, x_scale, y_loc, y_scale, np.sqrt(var))

    def transform_X(self, X, dtype=np.float32):
        return ((X - self.x_mean) / self.x_scale).astype(dtype, copy=False)

    def transform_y(self, y, dtype=np.float32):
        # An overflow to inf here is caught by the training loop's finiteness check.
        with np.errstate(over="ignore"):
            return ((y - self.y_loc) / self.y_scale).astype(dtype, copy=False)


@dataclass
class _TrainingPlan:
    batch_size: int
    early_stopping: bool
    patience: int
    refit: bool = False
    n_valid: int = 0
    kfold: bool = False


def _training_plan(est, n_samples: int) -> _TrainingPlan:
    """Translate the scikit-learn training parameters for ``n_samples`` rows.

    Early stopping ('auto') keeps the early-stopped weights when the validation
    split would hold at least ``MIN_VALID_ROWS`` rows; with at least
    ``MIN_REFIT_VALID_ROWS`` it picks the epoch count on the split and refits on all
    rows (``refit``); with fewer, on data of at least ``MIN_KFOLD_ROWS`` rows, it
    picks the epoch count by K-fold and refits (``kfold``). ``batch_size='auto'``
    gives about ``STEPS_PER_EPOCH`` optimiser steps per epoch, within
    [MIN_AUTO_BATCH, MAX_AUTO_BATCH] rows.
    ``n_iter_no_change='auto'`` waits about ``PATIENCE_STEPS`` steps, at least
    ``MIN_PATIENCE_EPOCHS`` epochs.
    """
    n_valid = int(est.validation_fraction * n_samples)
    refit = kfold = False
    if est.early_stopping == "auto":
        early = n_valid >= MIN_REFIT_VALID_ROWS and n_samples - n_valid >= 1
        refit = early and n_valid < MIN_VALID_ROWS
        kfold = not early and n_samples >= MIN_KFOLD_ROWS
        if kfold:
            # Batches and patience as for the folds' training part.
            n_valid = n_samples // KFOLD_SPLITS
    else:
        early = bool(est.early_stopping) and n_valid >= 1 and n_samples - n_valid >= 1
    n_train = n_samples - n_valid if early or kfold else n_samples
    if est.batch_size == "auto":
        batch = min(max(n_train // STEPS_PER_EPOCH, MIN_AUTO_BATCH), MAX_AUTO_BATCH)
    else:
        batch = int(est.batch_size)
    steps = -(-n_train // batch)
    if est.n_iter_no_change == "auto":
        patience = max(MIN_PATIENCE_EPOCHS, -(-PATIENCE_STEPS // steps))
    else:
        patience = int(est.n_iter_no_change)
    return _TrainingPlan(batch, early, patience, refit, n_valid if early else 0, kfold)


def _central_interval(predict_quantile, X, coverage):
    """Central intervals from one ``predict_quantile(X, levels)`` call.

    The bounds are the (1 - coverage) / 2 and (1 + coverage) / 2 quantiles:
    ``(n, 2)`` for a scalar ``coverage``, ``(n, 2, k)`` for a 1-d one.
    """
    mass = check_coverage(coverage)
    lower, upper = np.atleast_1d((1 - mass) / 2), np.atleast_1d((1 + mass) / 2)
    bounds = predict_quantile(X, np.concatenate([lower, upper]))
    bounds = bounds.reshape(bounds.shape[0], 2, -1)
    return bounds[:, :, 0] if mass.ndim == 0 else bounds


class _DistributionRegressor(RegressorMixin, BaseEstimator):
    """Shared scikit-learn shell; see the module docstring."""

    _parameter_constraints: dict = dict(TRAINING_CONSTRAINTS)

    # ------------------------------------------------------------ subclass API
    # Whether fit takes a 2-d y (several outputs), and the name of the loss in the
    # training log (``train_<name>`` and ``valid_<name>``, in the units of y).
    _multi_output = False
    _score_name = "crps"

    def _build_head(self, in_features: int, scaler: _Standardizer) -> torch.nn.Module:
        """Return the distribution head for trunk features of width ``in_features``.

        ``scaler`` holds the target's standardisation, fixed before the head is
        built.
        """
        raise NotImplementedError

    def _check_head_params(self) -> None:
        """Validate the head's own parameters and set its fitted attributes."""

    # ------------------------------------------------------------- validation
    def _validate_fit_data(self, X, y, sample_weight, reset):
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            y_numeric=True,
            multi_output=self._multi_output,
            dtype=np.float64,
            order="C",
            ensure_min_samples=2,
        )
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if not sample_weight.sum() > 0:
            raise ValueError(
                "sample_weight must have a positive sum; got "
                f"{float(sample_weight.sum())!r}."
            )
        if not reset:
            fitted = np.shape(self.standardizer_.y_loc)
            if y.shape[1:] != fitted:
                rule = f"(n_samples, {fitted[0]})" if fitted else "(n_samples,)"
                raise ValueError(
                    f"y must have shape {rule}, as in the first fit; got shape "
                    f"{y.shape}."
                )
        return X, y, sample_weight

    def _validate_X(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64, order="C")
        return self.standardizer_.transform_X(X, np.float64)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "net_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags

    def _forget_fit(self):
        for name in [
            k for k in vars(self) if k.endswith("_") and not k.startswith("__")
        ]:
            delattr(self, name)

    # ---------------------------------------------------------------- training
    def fit(self, X, y, sample_weight=None):
        """Fit the network on (X, y); see the class docstring.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Training targets (several outputs for the multivariate model).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights of the training loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._validate_params()
        self._forget_fit()
        try:
            X, y, w = self._validate_fit_data(X, y, sample_weight, reset=True)
            self._check_head_params()
            scaler = _Standardizer.fit(X, y, w)
            plan = _training_plan(self, X.shape[0])
            if plan.kfold:
                best = self._epochs_by_kfold(X, y, w, scaler, plan)
                net, seed = self._refit_all_rows(X, y, w, scaler, best)
            else:
                net, seed = self._new_net(X.shape[1], scaler, plan)
                train, valid = self._split(X, y, w, scaler, plan, seed)
                net.set_params(train_split=predefined_split(valid) if valid else None)
                self._run(net, train, seed, epochs=None)
            if plan.refit:
                losses = net.history[:, "valid_loss"]
                best = int(np.argmin(losses)) + 1
                net, seed = self._refit_all_rows(X, y, w, scaler, best)
        except BaseException:
            self._forget_fit()
            raise
        if plan.early_stopping and not plan.refit and not plan.kfold:
            # Later partial_fit calls train on all their rows, without a split.
            net.set_params(train_split=None, callbacks__early_stopping=None)
        self._set_fitted(net, scaler, seed)
        return self

    def _epochs_by_kfold(self, X, y, w, scaler, plan):
        """The epoch count with the lowest validation loss averaged over K folds.

        Each fold trains until its validation loss has not improved for
        ``MIN_PATIENCE_EPOCHS`` epochs (or ``n_iter_no_change``, when set) and
        records it per epoch; the curves, weighted by the folds' validation weight,
        are averaged over the epochs every fold ran.
        """
        patience = plan.patience
        if self.n_iter_no_change == "auto":
            patience = MIN_PATIENCE_EPOCHS
        plan = dataclasses.replace(plan, early_stopping=True, patience=patience)
        seed = seed_from(self.random_state)
        folds = KFold(KFOLD_SPLITS, shuffle=True, random_state=seed % 2**32)
        curves, weights = [], []
        for train_idx, valid_idx in folds.split(X):
            net, fold_seed = self._new_net(X.shape[1], scaler, plan)
            train = self._dataset(X[train_idx], y[train_idx], w[train_idx], scaler)
            valid = self._dataset(X[valid_idx], y[valid_idx], w[valid_idx], scaler)
            net.set_params(train_split=predefined_split(valid))
            self._run(net, train, fold_seed, epochs=None)
            curves.append(np.asarray(net.history[:, "valid_loss"]))
            weights.append(float(w[valid_idx].sum()))
        length = min(len(curve) for curve in curves)
        mean = np.average([c[:length] for c in curves], axis=0, weights=weights)
        return int(np.argmin(mean)) + 1

    def _refit_all_rows(self, X, y, w, scaler, best):
        """Train afresh on all rows for ``best`` epochs, the selected count.

        The count is raised to ``MIN_SELECTED_EPOCHS`` (within ``max_epochs``).
        """
        best = min(max(best, MIN_SELECTED_EPOCHS), self.max_epochs)
        if self.verbose:
            print(
                f"Refitting on all {X.shape[0]} rows for {best} epochs, the count "
                "chosen on held-out rows."
            )
        plan = _training_plan(self, X.shape[0])
        plan.early_stopping = False
        net, seed = self._new_net(X.shape[1], scaler, plan)
        net.set_params(max_epochs=best)
        train, _ = self._split(X, y, w, scaler, plan, seed)
        self._run(net, train, seed, epochs=None)
        return net, seed

    def partial_fit(self, X, y, sample_weight=None):
        """One pass over (X, y), keeping the optimiser state.

        The first call fixes the standardisation statistics and initialises the
        network; later calls reuse them. If the loss turns non-finite, the call
        raises ``RuntimeError`` and the model is left as it was before the call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Training targets, shaped as in the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative row weights of the training loss.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first = not hasattr(self, "net_")
        if first:
            self._validate_params()
        X, y, w = self._validate_fit_data(X, y, sample_weight, reset=first)
        if first:
            try:
                self._check_head_params()
                scaler = _Standardizer.fit(X, y, w)
                plan = _training_plan(self, X.shape[0])
                plan.early_stopping = False
                net, seed = self._new_net(X.shape[1], scaler, plan)
                train, _ = self._split(X, y, w, scaler, plan, seed)
                self._run(net, train, seed, epochs=1)
            except BaseException:
                self._forget_fit()
                raise
            self._set_fitted(net, scaler, seed)
            return self
        net = self.net_
        saved = copy.deepcopy(
            (net.module_.state_dict(), net.optimizer_.state_dict(), len(net.history))
        )
        train, _ = self._split(X, y, w, self.standardizer_, None, None)
        try:
            self._run(net, train, self._training_seed_, epochs=1)
        except BaseException:
            module_state, optimizer_state, n_epochs = saved
            net.module_.load_state_dict(module_state)
            net.optimizer_.load_state_dict(optimizer_state)
            del net.history[n_epochs:]
            raise
        self.n_iter_ = len(net.history)
        return self

    def _new_net(self, n_features, scaler, plan):
        """Build the module under a fixed seed and wrap it in the skorch net.

        Returns the net and the seed of this fit (for the split and dropout).
        """
        device = _check_device(self.device)
        seed = seed_from(self.random_state)
        with seeded(seed, torch.device("cpu")):
            trunk = _check_module(self.module)
            if trunk is None:
                sizes = _check_hidden_layer_sizes(self.hidden_layer_sizes)
                trunk = MLP(n_features, sizes, self.activation, self.dropout)
            in_features = self._trunk_width(trunk, n_features)
            head = self._build_head(in_features, scaler)
            module = DistributionNetwork(trunk, head)
        log = _TargetUnitsLog(scaler.y_scale, self._score_name)
        callbacks = [("target_units", log)]
        if plan.early_stopping:
            stopper = EarlyStopping(
                monitor="valid_loss",
                patience=plan.patience,
                threshold=self.tol,
                threshold_mode="abs",
                load_best=True,
                sink=print if self.verbose else _silent,
            )
            callbacks.append(("early_stopping", stopper))
        net = _DistributionNet(
            module=module,
            criterion=torch.nn.Identity,
            optimizer=torch.optim.AdamW,
            lr=self.learning_rate,
            optimizer__weight_decay=self.weight_decay,
            optimizer__param_groups=[("*bias", {"weight_decay": 0.0})],
            max_epochs=self.max_epochs,
            batch_size=plan.batch_size,
            train_split=None,
            iterator_train=_BatchIterator,
            iterator_valid=_BatchIterator,
            iterator_train__shuffle=True,
            iterator_train__random_state=np.random.RandomState(seed % 2**32),
            callbacks=callbacks,
            callbacks__print_log__keys_ignored=["train_loss", "valid_loss"],
            callbacks__print_log__sink=print if self.verbose else _silent,
            device=device,
            verbose=int(self.verbose),
        )
        return net, seed

    @staticmethod
    def _trunk_width(trunk, n_features) -> int:
        """Width of the trunk's output, from one forward pass on zeros."""
        width = getattr(trunk, "out_features", None)
        if isinstance(width, numbers.Integral):
            return int(width)
        was_training = trunk.training
        trunk.eval()
        try:
            with torch.no_grad():
                out = trunk(torch.zeros(2, n_features))
        except Exception as exc:
            raise ValueError(
                f"module must map a float tensor of shape (batch, {n_features}) to "
                f"features of shape (batch, m); calling it raised {exc!r}."
            ) from exc
        finally:
            trunk.train(was_training)
        if out.ndim != 2 or out.shape[0] != 2:
            raise ValueError(
                f"module must return features of shape (batch, m); for a batch of 2 "
                f"rows it returned shape {tuple(out.shape)}."
            )
        return int(out.shape[1])

    def _net_targets(self, y, scaler):
        """Standardised float32 targets as the head's ``score`` takes them.

        Multi-output heads take (n, d) also for a 1-d y (d = 1).
        """
        ys = scaler.transform_y(y)
        return ys.reshape(len(ys), -1) if self._multi_output else ys

    def _dataset(self, X, y, w, scaler):
        """Standardised float32 rows as a dataset."""
        return _TensorDataset(
            scaler.transform_X(X), self._net_targets(y, scaler), w.astype(np.float32)
        )

    def _split(self, X, y, w, scaler, plan, seed):
        """Standardised float32 datasets: (train, valid or None)."""
        Xs, ys = scaler.transform_X(X), self._net_targets(y, scaler)
        ws = w.astype(np.float32)
        if plan is None or not plan.early_stopping:
            return _TensorDataset(Xs, ys, ws), None
        n_valid = plan.n_valid
        order = np.random.RandomState((seed + 1) % 2**32).permutation(X.shape[0])
        valid, train = order[:n_valid], order[n_valid:]
        return (
            _TensorDataset(Xs[train], ys[train], ws[train]),
            _TensorDataset(Xs[valid], ys[valid], ws[valid]),
        )

    def _run(self, net, train, seed, epochs):
        """Train inside a forked torch RNG, so global RNG state stays untouched."""
        with seeded(seed + len(net.history or []), torch_device(net.device)):
            if epochs is None:
                net.fit(train, None)
            else:
                net.partial_fit(train, None, epochs=epochs)

    def _set_fitted(self, net, scaler, seed):
        self.net_ = net
        self._training_seed_ = seed
        self.standardizer_ = scaler
        self.y_loc_ = scaler.y_loc
        self.y_scale_ = scaler.y_scale
        self.n_iter_ = len(net.history)

    # -------------------------------------------------------------- predicting
    def _map_distribution(self, X, fn, *row_args, chunk=PREDICT_CHUNK):
        """Evaluate ``fn(dist, *row_chunks)`` on each chunk of rows, in float64.

        ``dist`` is the head's distribution in standardised target units; each of
        ``row_args`` (NumPy arrays with rows first) is sliced to the chunk and moved
        to the device as float64. ``chunk`` rows are evaluated at a time. Returns
        the concatenated float64 NumPy result.
        """
        Xs = self._validate_X(X)
        device = torch_device(self.net_.device)
        module = copy.deepcopy(self.net_.module_).to(torch.float64).eval()
        # Maps take gradients in their inputs only: no graph through the weights.
        module.requires_grad_(False)
        out = None
        with torch.no_grad():
            for start in range(0, Xs.shape[0], chunk):
                rows = slice(start, start + chunk)
                xb = torch.as_tensor(Xs[rows], device=device)
                dist = module.distribution(module(xb))
                # A copy: row_args may be read-only (memmaps), which torch rejects.
                args = [torch.tensor(a[rows], device=device) for a in row_args]
                result = fn(dist, *args).cpu().numpy()
                if out is None:
                    out = np.empty((Xs.shape[0],) + result.shape[1:], dtype=np.float64)
                out[rows] = result
        return out
