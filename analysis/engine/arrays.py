"""Array types shared by the engine's signatures."""

from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.floating[Any]]
BoolArray = npt.NDArray[np.bool_]
Numbers = npt.ArrayLike  # a number, a sequence of numbers, a numpy array or a pandas Series


def floats(values: Numbers) -> FloatArray:
    return np.asarray(values, dtype=np.float64)
