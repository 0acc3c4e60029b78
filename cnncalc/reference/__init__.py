"""The NumPy forward reference: an independent check of every number the algebra reports.

The reference runs the network for real, on a seeded random float32 input (batch N),
storing tensors channels last so that each convolution is im2col + one BLAS GEMM (stacked
over groups). It never calls a layer's out_shape/params/macs/field methods nor the window
helpers of cnncalc.layers: it reads only hyperparameters, and reads everything it reports
off what it executed:

- shape: the shape of the array it produced (per sample, channels first);
- params / buffers: the sizes of the weight arrays it allocated for the node (a node that
  shares weights gets the owner's arrays and allocates nothing);
- MACs: counted as products execute, M*K*N of each GEMM and one per element of each
  depthwise multiply-add, divided by the batch and multiplied by the node's runs (a node
  inside `each` runs once; its work counts `count` times);
- receptive field: measured, per spatial axis, as the first and last network-input position
  that can reach each unit of the layer along paths that keep positions, and which positions
  reach every unit as global context (see `fields`): structurally, by ORing over the taps
  each kernel actually read, so neither max pooling nor a zero weight can hide a position.

How a measured field is compared with the algebra's Field (size r, jump j, start s, whole)
is the verifier's rule (cnncalc.verify, docs/verify.md): `whole` must match the measured
context, and unit o's claim [s + o*j, s + o*j + r - 1], clipped to the positions the layer
can see at all, is compared for every unit: exactly when no layer on the way had a
fractional jump, within stated bounds otherwise.

Before running, the reference estimates its peak memory (`memory.estimate`) and refuses
with a LimitError above the limit; it also checks the bytes it actually holds as it goes.
"""

from __future__ import annotations

from .fields import MeasuredField
from .runner import DEFAULT_MAX_MEMORY, Measured, Reference, Refused, Run, run

__all__ = ["DEFAULT_MAX_MEMORY", "Measured", "MeasuredField", "Reference", "Refused", "Run", "run"]
