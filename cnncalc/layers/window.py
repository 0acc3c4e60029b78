"""Sliding-window arithmetic, written once for convolution, pooling and their transposes.

All functions take per-axis tuples and work on ints and sympy expressions alike.
"""

from __future__ import annotations

from ..symbolic import Size, ceil_div, decide, divide, smax, to_text, where
from .base import axis_names, positive_size


def extents(kernel: tuple, dilation: tuple) -> tuple:
    """Effective kernel extents: a dilated kernel of k taps spans d*(k-1)+1 inputs.

    >>> extents((3, 3), (2, 1))
    (5, 3)
    """
    return tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))


def same_padding(spatial: tuple, extent: tuple, stride: tuple) -> tuple:
    """(before, after) padding that makes the output ceil(input / stride), as TensorFlow's
    'SAME'; the odd pixel goes after. For stride 1 this equals PyTorch's padding='same'."""
    pairs = []
    for i, k, s in zip(spatial, extent, stride):
        total = smax((ceil_div(i, s) - 1) * s + k - i, 0)
        pairs.append((total // 2, total - total // 2))
    return tuple(pairs)


def window_sizes(spatial: tuple, extent: tuple, stride: tuple, pads: tuple, ceil_mode: bool = False) -> tuple:
    """Output sizes of a sliding window, as PyTorch computes them for conv and pooling:
    floor((i + before + after - extent) / stride) + 1, or with ceil when `ceil_mode`, where
    a last window that would start in the right padding is dropped.

    AlexNet's first layer, 11x11 at stride 4 on 224: 54 unpadded, 55 with padding 2.

    >>> window_sizes((224,), (11,), (4,), ((0, 0),)), window_sizes((224,), (11,), (4,), ((2, 2),))
    ((54,), (55,))
    >>> window_sizes((6,), (3,), (2,), ((0, 0),), ceil_mode=True)  # floor gives 2
    (3,)
    """
    sizes = []
    for i, k, s, (before, after) in zip(spatial, extent, stride, pads):
        span = i + before + after - k
        if ceil_mode:
            size = ceil_div(span, s) + 1
            sizes.append(where((size - 1) * s >= i + before, size - 1, size))
        else:
            sizes.append(span // s + 1)
    sizes = tuple(sizes)
    if not all(decide(size >= 1) is not False for size in sizes):
        rule = "ceil" if ceil_mode else "floor"
        legend = f"{rule}((input + padding before + padding after - kernel extent) / stride) + 1"
        _require_positive(sizes, window_formulas(spatial, extent, stride, pads, sizes, ceil_mode), legend)
    return sizes


def transposed_sizes(
    spatial: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, output_padding: tuple
) -> tuple:
    """(i - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1, per axis.

    DCGAN's generator doubles the size with kernel 4, stride 2, padding 1: 4 -> 8.

    >>> transposed_sizes((4,), (4,), (2,), (1,), (1,), (0,))
    (8,)
    """
    sizes = tuple(
        (i - 1) * s - 2 * p + d * (k - 1) + op + 1
        for i, k, s, p, d, op in zip(spatial, kernel, stride, padding, dilation, output_padding)
    )
    if not all(decide(size >= 1) is not False for size in sizes):
        formulas = transposed_formulas(spatial, kernel, stride, padding, dilation, output_padding)
        _require_positive(sizes, formulas, TRANSPOSED_LEGEND)
    return sizes


TRANSPOSED_LEGEND = "(input - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1"


def _require_positive(sizes: tuple, formulas: dict, legend: str) -> None:
    """Raise, showing the formula with the layer's numbers, for a size that is not positive.
    Callers come here only then: writing formulas out costs more than the arithmetic."""
    for name, size in zip(axis_names(len(sizes)), sizes):
        positive_size(size, f"output {name}", f"{formulas[name]}, that is {legend}")


def transposed_taps(extent: Size, stride: Size) -> Size:
    """At most how many consecutive inputs one output of a transposed window reads:
    the inputs i with i*stride in a span of `extent` positions."""
    return ceil_div(extent, stride)


def transposed_centre(extent: Size, stride: Size, padding: Size) -> Size:
    """Where, in inputs, the affine centre of the first output of a transposed window lies:
    output o maps to input (o + padding - (extent - 1)/2) / stride."""
    return divide(padding - divide(extent - 1, 2), stride)


def transposed_first(extent: Size, stride: Size, padding: Size) -> Size:
    """The first input the first output of a transposed window reads (may be negative:
    positions before the input, as padding is for a forward window)."""
    return ceil_div(padding - (extent - 1), stride)


def adaptive_windows(size: int, out: int) -> list[tuple[int, int]]:
    """[start, end) of each window of PyTorch's adaptive pooling along one axis:
    floor(i*size/out) to ceil((i+1)*size/out)."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


def term(value: Size) -> str:
    """A size as a factor in a formula: 6, c, or (4*c + 1)."""
    text = to_text(value)
    return text if text.isalnum() or text.replace("*", "").replace("_", "").isalnum() else f"({text})"


def times(values) -> str:
    return "*".join(term(v) for v in values)


def window_formulas(spatial: tuple, extent: tuple, stride: tuple, pads: tuple, sizes: tuple, ceil_mode: bool = False) -> dict:
    """How window_sizes gets each output size, as formulas with the layer's numbers."""
    formulas = {}
    for name, i, k, s, (before, after), size in zip(axis_names(len(spatial)), spatial, extent, stride, pads, sizes):
        inside = f"({term(i)} + {term(before)} + {term(after)} - {term(k)})/{term(s)}"
        if not ceil_mode:
            formulas[name] = f"floor({inside}) + 1"
        elif decide(ceil_div(i + before + after - k, s) + 1 == size):
            formulas[name] = f"ceil({inside}) + 1"
        else:  # the last window would start in the right padding and is dropped
            formulas[name] = f"ceil({inside})"
    return formulas


def transposed_formulas(spatial: tuple, kernel: tuple, stride: tuple, padding: tuple, dilation: tuple, output_padding: tuple) -> dict:
    return {
        name: f"({term(i)} - 1)*{term(s)} - 2*{term(p)} + {term(d)}*({term(k)} - 1) + {term(op)} + 1"
        for name, i, k, s, p, d, op in zip(axis_names(len(spatial)), spatial, kernel, stride, padding, dilation, output_padding)
    }
