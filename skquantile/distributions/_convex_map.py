r"""The gradient of a convex potential as a multivariate quantile map (pure torch).

Map of this module
------------------
- :class:`ConvexQuantileMap` wraps one convex potential per row,
  :math:`u(z; c_i)`, given as a callable on latent points of shape ``B + (m, d)``,
  together with the row's linear-quadratic head (location ``loc`` and the positive
  definite matrix ``quadratic``). It evaluates the map :math:`Q = \nabla_z u` by
  autograd, its Hessian, draws :math:`Q(Z)` with :math:`Z \sim N(0, I)`, and
  inverts the map (the rank) by damped Newton, per row and vectorised.

The maths is in ``shared/design/mqf2.md`` sections 4 and 7.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

__all__ = ["ConvexQuantileMap", "NewtonResult"]

# Armijo constant of the backtracking line search (mqf2.md section 7).
ARMIJO = 1e-4
# Slack of the sufficient-decrease test relative to |u| + |<z, y>|, the size of the
# terms f = u - <z, y> is computed from: near the optimum f stops decreasing
# measurably in float64 (and f itself may be near 0 while both terms are large).
F_RTOL = 1e-13
# Step halvings per Newton iteration before a row gives up its move.
MAX_HALVINGS = 60


class NewtonResult(tuple):
    """``(z, n_iter, converged)`` of :meth:`ConvexQuantileMap.rank`."""

    __slots__ = ()

    def __new__(cls, z: Tensor, n_iter: Tensor, converged: Tensor):
        return super().__new__(cls, (z, n_iter, converged))

    @property
    def z(self) -> Tensor:
        return self[0]

    @property
    def n_iter(self) -> Tensor:
        return self[1]

    @property
    def converged(self) -> Tensor:
        return self[2]


class ConvexQuantileMap:
    r"""The quantile map :math:`Q(z) = \nabla_z u(z)` of a batch of convex potentials.

    Parameters
    ----------
    potential : callable
        ``potential(z)`` maps latent points of shape ``B + (m, d)`` to the potential
        values ``B + (m,)``, row i of the batch using row i's potential. It must be
        convex in z, with Hessian at least some positive floor.
    loc : Tensor of shape B + (d,)
        The location head :math:`\mu`: the linear term of the potential.
    quadratic : Tensor of shape B + (d, d)
        The symmetric positive definite matrix :math:`A` of the quadratic term. With
        ``loc`` it gives the head's exact inverse, the start of the rank solver.
    """

    def __init__(
        self,
        potential: Callable[[Tensor], Tensor],
        loc: Tensor,
        quadratic: Tensor,
    ) -> None:
        self.potential = potential
        self.loc = loc
        self.quadratic = quadratic

    @property
    def event_dim(self) -> int:
        return self.loc.shape[-1]

    # ------------------------------------------------------------------ map
    def quantile(self, z: Tensor, create_graph: bool = False) -> Tensor:
        """Q(z) = grad u(z), shape ``B + (m, d)``; differentiable if ``create_graph``.

        Works under ``torch.no_grad()`` too: the gradient in z is taken in an
        ``enable_grad`` scope.
        """
        with torch.enable_grad():
            if not z.requires_grad:
                z = z.detach().requires_grad_(True)
            u = self.potential(z)
            (grad,) = torch.autograd.grad(u.sum(), z, create_graph=create_graph)
        return grad

    def value_and_hessian(self, z: Tensor) -> tuple[Tensor, Tensor]:
        """Q(z) and the Hessian of u at z, ``B + (m, d)`` and ``B + (m, d, d)``.

        One gradient and d second-order gradients (rows of the Hessian); the
        result carries no graph.
        """
        with torch.enable_grad():
            z = z.detach().requires_grad_(True)
            (grad,) = torch.autograd.grad(self.potential(z).sum(), z, create_graph=True)
            rows = [
                torch.autograd.grad(grad[..., i].sum(), z, retain_graph=True)[0]
                for i in range(self.event_dim)
            ]
        return grad.detach(), torch.stack(rows, dim=-2).detach()

    def sample(self, sample_shape: int, generator: torch.Generator | None = None):
        """``m`` draws Q(Z), Z ~ N(0, I), per row: shape ``B + (m, d)``."""
        shape = self.loc.shape[:-1] + (int(sample_shape), self.event_dim)
        z = torch.randn(
            shape, dtype=self.loc.dtype, device=self.loc.device, generator=generator
        )
        return self.quantile(z)

    # ----------------------------------------------------------------- rank
    def head_inverse(self, y: Tensor) -> Tensor:
        """A^{-1}(y - mu): the exact inverse of the linear-quadratic head alone."""
        chol = torch.linalg.cholesky(self.quadratic)
        rhs = (y - self.loc.unsqueeze(-2)).transpose(-1, -2)
        return torch.cholesky_solve(rhs, chol).transpose(-1, -2)

    def _objective(self, z: Tensor, y: Tensor) -> tuple[Tensor, Tensor]:
        """f = u(z) - <z, y> and the magnitude |u| + |<z, y>| it is computed from."""
        with torch.no_grad():
            u, inner = self.potential(z), (z * y).sum(-1)
            return u - inner, u.abs() + inner.abs()

    def rank(self, y: Tensor, max_iter: int = 50, tol: float = 1e-9) -> NewtonResult:
        r"""The latent :math:`z^*` with :math:`Q(z^*) = y`, by damped Newton per point.

        Minimises the strongly convex :math:`f(z) = u(z) - \langle z, y\rangle`
        from the head's exact inverse. Each iteration solves
        :math:`\nabla^2 u\, \Delta = -(Q(z) - y)` by Cholesky and backtracks
        :math:`t = 1, 1/2, \dots` until the Armijo condition holds. A point is done
        when its full Newton step is small, :math:`\max|\Delta| \le`
        ``tol`` :math:`(1 + \max|z|)`; done points are frozen by a mask.

        Parameters
        ----------
        y : Tensor of shape B + (m, d)
            Targets, in the potential's (standardised) units.
        max_iter : int
            Newton iterations at most.
        tol : float
            Relative step size that counts as converged.

        Returns
        -------
        NewtonResult
            ``z`` (B + (m, d)), ``n_iter`` (B + (m,), iterations used) and
            ``converged`` (B + (m,), booleans).
        """
        with torch.no_grad():
            z = self.head_inverse(y)
        f, size = self._objective(z, y)
        active = torch.ones(f.shape, dtype=torch.bool, device=f.device)
        n_iter = torch.zeros(f.shape, dtype=torch.long, device=f.device)
        for _ in range(max_iter):
            if not bool(active.any()):
                break
            grad, hess = self.value_and_hessian(z)
            residual = grad - y
            chol, _ = torch.linalg.cholesky_ex(hess)
            step = -torch.cholesky_solve(residual.unsqueeze(-1), chol).squeeze(-1)
            step = torch.where(torch.isfinite(step), step, -residual)
            slope = (residual * step).sum(-1)
            t = torch.ones_like(f)
            for _ in range(MAX_HALVINGS):
                f_new, size_new = self._objective(z + t.unsqueeze(-1) * step, y)
                ok = f_new <= f + ARMIJO * t * slope + F_RTOL * size
                if bool((ok | ~active).all()):
                    break
                t = torch.where(ok, t, t / 2)
            move = active & ok
            z = torch.where(move.unsqueeze(-1), z + t.unsqueeze(-1) * step, z)
            f = torch.where(move, f_new, f)
            size = torch.where(move, size_new, size)
            n_iter = n_iter + active.long()
            # A full Newton step this small means the residual is at rounding level:
            # done, whether or not rounding let f decrease.
            small = step.abs().amax(-1) <= tol * (1 + z.abs().amax(-1))
            active = active & ~small
        return NewtonResult(z, n_iter, ~active)
