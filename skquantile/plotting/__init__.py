"""Display objects for distributional forecasts, in scikit-learn's style.

Each class has ``from_estimator`` and ``from_predictions`` constructors that
compute what to draw and call ``plot``, which draws, stores the artists and
returns the display (with ``ax_`` and ``figure_``). matplotlib is imported only
when drawing, so ``import skquantile.plotting`` stays light; install it with
``pip install matplotlib``.

- :class:`QuantileFanDisplay`: nested central intervals and the median against x.
- :class:`QuantileFunctionDisplay`: q(alpha | x) against alpha, knots marked.
- :class:`PITHistogramDisplay`: PIT histogram with its uniform sampling band.
- :class:`LevelCalibrationDisplay`: observed frequency against nominal level.
- :class:`JointSampleDisplay`: pairwise plot of joint draws for one row.
- :class:`ServiceLevelDisplay`: stock and marginal stock against service level.
"""

from ._calibration import LevelCalibrationDisplay
from ._fan import QuantileFanDisplay
from ._joint import JointSampleDisplay
from ._pit import PITHistogramDisplay
from ._quantile_function import QuantileFunctionDisplay
from ._service import ServiceLevelDisplay

__all__ = [
    "JointSampleDisplay",
    "LevelCalibrationDisplay",
    "PITHistogramDisplay",
    "QuantileFanDisplay",
    "QuantileFunctionDisplay",
    "ServiceLevelDisplay",
]
