"""cnncalc: exact shapes, parameters, MACs, receptive fields and memory of convolutional
networks, symbolic where sizes are letters.

>>> import cnncalc
>>> cnncalc.load("lenet5").summary().totals.params
61706
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import Network, load
from .errors import CnnCalcError

__all__ = ["CnnCalcError", "Network", "load", "__version__"]
