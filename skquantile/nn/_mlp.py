"""The multilayer-perceptron trunk and the trunk-plus-head network.

- :class:`MLP`: ``Linear -> activation -> dropout`` blocks; ``()`` is the identity.
- :class:`DistributionNetwork`: a trunk followed by a head; ``forward`` returns the
  head's raw outputs, ``distribution`` maps them to parameters.
"""

from __future__ import annotations

from torch import Tensor, nn

__all__ = ["ACTIVATIONS", "DistributionNetwork", "MLP"]

ACTIVATIONS = {
    "relu": nn.ReLU,
    "gelu": nn.GELU,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
}


class MLP(nn.Sequential):
    """Fully connected trunk.

    Parameters
    ----------
    in_features : int
        Number of input columns.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer; ``()`` passes the input through unchanged.
    activation : str
        A key of :data:`ACTIVATIONS`.
    dropout : float
        Dropout rate after each activation (0 disables it).
    """

    def __init__(
        self,
        in_features: int,
        hidden_layer_sizes: tuple[int, ...],
        activation: str = "relu",
        dropout: float = 0.0,
    ) -> None:
        layers: list[nn.Module] = []
        width = in_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), ACTIVATIONS[activation]()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = size
        super().__init__(*layers)
        self.out_features = width


class DistributionNetwork(nn.Module):
    """A trunk and a distribution head; ``forward`` returns raw head outputs.

    ``forward`` accepts and ignores ``sample_weight`` so that the weights can travel
    with X through the data loader to the loss.
    """

    def __init__(self, trunk: nn.Module, head: nn.Module) -> None:
        super().__init__()
        self.trunk = trunk
        self.head = head

    def forward(self, X: Tensor, sample_weight: Tensor | None = None) -> Tensor:
        return self.head(self.trunk(X))

    def distribution(self, raw: Tensor):
        """The head's distribution for raw outputs."""
        return self.head.distribution(raw)

    def score(self, raw: Tensor, y: Tensor) -> Tensor:
        """The head's proper score of each row at its target (lower is better)."""
        return self.head.score(raw, y)
