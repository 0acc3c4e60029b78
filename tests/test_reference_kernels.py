"""The reference's fast kernels against naive loop implementations written here, on tiny
inputs: a vectorised kernel cannot be silently wrong. The loops follow PyTorch's
definitions (output sizes from its documented formulas, one output value at a time)."""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import numpy as np
import pytest

from cnncalc.reference import kernels
from cnncalc.reference.layout import logical, stored
from cnncalc.reference.recurrent import recurrent
from cnncalc.reference.step import Step
from cnncalc.reference.tally import Tally, Weights

RNG = np.random.default_rng(7)


def run(kind: str, x: np.ndarray, **hyper):
    """Run one kernel on x (batch, C, *spatial) with hyperparameters `hyper`; returns the
    output in the same channels-first order, the weights it allocated and the MACs."""
    node = SimpleNamespace(index=0, shares=None, kind=kind, layer=SimpleNamespace(**hyper))
    weights = Weights(np.random.default_rng(0))
    tally = Tally()
    step = Step(node, [np.ascontiguousarray(stored(x.astype(np.float32)))], weights, tally, want_indices=kind == "maxpool")
    out = kernels.KERNELS[kind](step)
    arrays = {name: a for (_, name), a in weights.arrays.items()}
    return logical(out.array), arrays, tally.macs, out


def pairs(padding, rank=2):
    """(before, after) per axis from one number, or as given when already pairs."""
    if isinstance(padding, int):
        return ((padding, padding),) * rank
    return tuple(tuple(p) for p in padding)


# --- convolution -----------------------------------------------------------------------------


def torch_weight(w: np.ndarray, groups: int, kernel: tuple) -> np.ndarray:
    """The reference's (groups, taps*C/g, out/g) weight as PyTorch's (out, C/g, kh, kw)."""
    g, rows, og = w.shape
    cg = rows // math.prod(kernel)
    return w.reshape(g, *kernel, cg, og).transpose(0, 4, 3, 1, 2).reshape(g * og, cg, *kernel)


def naive_conv2d(x, w, b, stride, pads, dilation, groups):
    """Cross-correlation, one output value at a time (PyTorch's Conv2d)."""
    n, c, h, wd = x.shape
    out, cg, kh, kw = w.shape
    (pt, pb), (pl, pr) = pads
    xp = np.zeros((n, c, h + pt + pb, wd + pl + pr), dtype=np.float64)
    xp[:, :, pt : pt + h, pl : pl + wd] = x
    ho = (h + pt + pb - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    wo = (wd + pl + pr - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    y = np.zeros((n, out, ho, wo))
    og = out // groups
    for s, o, i, j in itertools.product(range(n), range(out), range(ho), range(wo)):
        g = o // og
        total = b[o] if b is not None else 0.0
        for ci, a, bb in itertools.product(range(cg), range(kh), range(kw)):
            total += w[o, ci, a, bb] * xp[s, g * cg + ci, i * stride[0] + a * dilation[0], j * stride[1] + bb * dilation[1]]
        y[s, o, i, j] = total
    return y


def same_pads(size, k, s, d):
    out = -(-size // s)
    total = max((out - 1) * s + d * (k - 1) + 1 - size, 0)
    return total // 2, total - total // 2


CONVS = [
    dict(c=3, out=4, kernel=(3, 3), stride=(1, 1), padding=1, dilation=(1, 1), groups=1, size=(7, 6)),
    dict(c=4, out=6, kernel=(3, 2), stride=(2, 1), padding=((1, 0), (0, 2)), dilation=(1, 1), groups=2, size=(8, 7)),
    dict(c=2, out=2, kernel=(3, 3), stride=(1, 2), padding=2, dilation=(2, 2), groups=1, size=(9, 9)),
    dict(c=6, out=6, kernel=(3, 3), stride=(2, 2), padding=1, dilation=(1, 1), groups=6, size=(7, 7)),  # depthwise
    dict(c=3, out=6, kernel=(3, 3), stride=(1, 1), padding=0, dilation=(1, 1), groups=3, size=(5, 5)),  # multiplier 2
    dict(c=3, out=5, kernel=(1, 1), stride=(1, 1), padding=0, dilation=(1, 1), groups=1, size=(4, 5)),  # plain 1x1
    dict(c=3, out=4, kernel=(5, 3), stride=(3, 2), padding="same", dilation=(1, 1), groups=1, size=(10, 7)),
    dict(c=2, out=2, kernel=(3, 3), stride=(2, 2), padding="same", dilation=(2, 1), groups=1, size=(8, 9)),
    # one channel, unpadded: the channels-last view of the input is "contiguous" to NumPy
    # though its channel stride is H*W values (LeNet-5's first layer read outside the array)
    dict(c=1, out=2, kernel=(5, 5), stride=(1, 1), padding=0, dilation=(1, 1), groups=1, size=(12, 12)),
]


@pytest.mark.parametrize("case", CONVS)
def test_conv_matches_the_loops(case):
    x = RNG.standard_normal((2, case["c"], *case["size"]))
    padding = case["padding"] if case["padding"] == "same" else pairs(case["padding"])
    y, w, macs, _ = run(
        "conv", x, out=case["out"], kernel=case["kernel"], stride=case["stride"], padding=padding,
        dilation=case["dilation"], groups=case["groups"], bias=True,
    )
    if padding == "same":
        padding = tuple(same_pads(n, k, s, d) for n, k, s, d in zip(case["size"], case["kernel"], case["stride"], case["dilation"]))
    weight = torch_weight(w["weight"], case["groups"], case["kernel"])
    expected = naive_conv2d(x, weight, w["bias"], case["stride"], padding, case["dilation"], case["groups"])
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    # MACs: every output value multiplies C/g * kh * kw inputs
    assert macs == expected.size * (case["c"] // case["groups"]) * math.prod(case["kernel"])


def test_conv_1d_and_3d():
    x = RNG.standard_normal((1, 2, 9))
    y, w, _, _ = run("conv", x, out=3, kernel=(3,), stride=(2,), padding=((1, 1),), dilation=(1,), groups=1, bias=False)
    weight = torch_weight(w["weight"], 1, (3, 1))[..., 0]  # 1-D weight (out, C, k)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1)))
    expected = np.array([[[sum(weight[o, c, t] * xp[0, c, 2 * i + t] for c in range(2) for t in range(3)) for i in range(5)] for o in range(3)]])
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-5)
    x3 = RNG.standard_normal((1, 2, 4, 5, 6))
    y3, _, macs, _ = run("conv", x3, out=3, kernel=(2, 3, 3), stride=(1, 1, 2), padding=pairs(0, 3), dilation=(1, 1, 1), groups=1, bias=False)
    assert y3.shape == (1, 3, 3, 3, 2)
    assert macs == 3 * 3 * 3 * 2 * 2 * 18


# --- transposed convolution ------------------------------------------------------------------


def naive_conv_transpose2d(x, w, b, stride, padding, output_padding, dilation, groups):
    """Each input value scattered through its kernel (PyTorch's ConvTranspose2d)."""
    n, c, h, wd = x.shape
    _, og, kh, kw = w.shape
    cg = c // groups
    full = [(h - 1) * stride[0] + dilation[0] * (kh - 1) + 1 + output_padding[0], (wd - 1) * stride[1] + dilation[1] * (kw - 1) + 1 + output_padding[1]]
    y = np.zeros((n, og * groups, *full))
    for s, ci, i, j, o, a, bb in itertools.product(range(n), range(c), range(h), range(wd), range(og), range(kh), range(kw)):
        g = ci // cg
        y[s, g * og + o, i * stride[0] + a * dilation[0], j * stride[1] + bb * dilation[1]] += x[s, ci, i, j] * w[ci, o, a, bb]
    y = y[:, :, padding[0] : full[0] - padding[0], padding[1] : full[1] - padding[1]]
    return y + (b[None, :, None, None] if b is not None else 0)


TRANSPOSED = [
    dict(c=3, out=2, kernel=(4, 4), stride=(2, 2), padding=(1, 1), output_padding=(0, 0), dilation=(1, 1), groups=1, size=(3, 4)),
    dict(c=4, out=6, kernel=(3, 3), stride=(2, 3), padding=(1, 0), output_padding=(1, 2), dilation=(1, 1), groups=2, size=(3, 3)),
    dict(c=2, out=3, kernel=(3, 2), stride=(1, 2), padding=(2, 0), output_padding=(0, 1), dilation=(2, 1), groups=1, size=(4, 3)),
]


@pytest.mark.parametrize("case", TRANSPOSED)
def test_conv_transpose_matches_the_loops(case):
    x = RNG.standard_normal((2, case["c"], *case["size"]))
    y, w, macs, _ = run(
        "conv_transpose", x, out=case["out"], kernel=case["kernel"], stride=case["stride"], padding=case["padding"],
        output_padding=case["output_padding"], dilation=case["dilation"], groups=case["groups"], bias=True,
    )
    g, cg, cols = w["weight"].shape
    og = case["out"] // g
    weight = w["weight"].reshape(g, cg, *case["kernel"], og).transpose(0, 1, 4, 2, 3).reshape(g * cg, og, *case["kernel"])
    expected = naive_conv_transpose2d(x, weight, w["bias"], case["stride"], case["padding"], case["output_padding"], case["dilation"], case["groups"])
    assert y.shape == expected.shape
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-4)
    assert macs == x.size * og * math.prod(case["kernel"])  # every input value times (C_out/g)*k*k


# --- pooling ---------------------------------------------------------------------------------


def pool_size(n, k, s, p, d, ceil_mode):
    """PyTorch's documented output size, with its rule for a last window in the padding."""
    span = n + 2 * p - d * (k - 1) - 1
    out = (-(-span // s) if ceil_mode else span // s) + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def naive_pool(x, kind, k, s, p, d, ceil_mode):
    n, c, h, w = x.shape
    ho, wo = pool_size(h, k, s, p, d, ceil_mode), pool_size(w, k, s, p, d, ceil_mode)
    y = np.zeros((n, c, ho, wo))
    index = np.zeros((n, c, ho, wo), dtype=np.int64)
    for b, ch, i, j in itertools.product(range(n), range(c), range(ho), range(wo)):
        values, count = [], 0
        for a, bb in itertools.product(range(k), range(k)):
            r, q = i * s - p + a * d, j * s - p + bb * d
            if r < h + p and q < w + p:
                count += 1  # PyTorch's avg divisor counts taps inside the padded input
            if 0 <= r < h and 0 <= q < w:
                values.append((x[b, ch, r, q], r * w + q))
        if kind == "max":
            best = max(values, key=lambda v: v[0])
            y[b, ch, i, j], index[b, ch, i, j] = best
        else:
            y[b, ch, i, j] = sum(v for v, _ in values) / count
    return y, index


@pytest.mark.parametrize(
    "k, s, p, d, ceil_mode, size",
    [(2, 2, 0, 1, False, (7, 6)), (3, 2, 0, 1, True, (7, 8)), (3, 2, 1, 1, True, (6, 5)), (2, 3, 1, 1, True, (4, 7)), (3, 2, 1, 2, False, (9, 8)), (3, 3, 1, 1, True, (5, 8))],
)
def test_pooling_matches_the_loops(k, s, p, d, ceil_mode, size):
    x = RNG.standard_normal((2, 3, *size))
    hyper = dict(kernel=(k, k), stride=(s, s), padding=pairs(p), dilation=(d, d), ceil_mode=ceil_mode)
    y, _, _, out = run("maxpool", x, **hyper)
    expected, index = naive_pool(x, "max", k, s, p, d, ceil_mode)
    np.testing.assert_allclose(y, expected, rtol=1e-6)
    np.testing.assert_array_equal(logical(out.keep["indices"]), index)
    if d == 1:
        y, _, _, _ = run("avgpool", x, **{**hyper, "dilation": (1, 1)})
        expected, _ = naive_pool(x, "avg", k, s, p, 1, ceil_mode)
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_pool_stride_defaults_to_the_kernel():
    x = RNG.standard_normal((1, 2, 6, 6))
    y, _, _, _ = run("maxpool", x, kernel=(3, 3), stride=None, padding=pairs(0), dilation=(1, 1), ceil_mode=False)
    assert y.shape == (1, 2, 2, 2)


@pytest.mark.parametrize("size, output", [((7, 5), (3, 2)), ((6, 6), (3, 3)), ((5, 9), (4, 7)), ((3, 3), (5, 4))])
@pytest.mark.parametrize("kind", ["adaptive_avgpool", "adaptive_maxpool"])
def test_adaptive_pooling_matches_the_loops(size, output, kind):
    x = RNG.standard_normal((2, 3, *size))
    y, _, _, _ = run(kind, x, output=output)
    expected = np.zeros((2, 3, *output))
    for i, j in itertools.product(range(output[0]), range(output[1])):
        r0, r1 = i * size[0] // output[0], -(-(i + 1) * size[0] // output[0])
        c0, c1 = j * size[1] // output[1], -(-(j + 1) * size[1] // output[1])
        region = x[:, :, r0:r1, c0:c1]
        expected[:, :, i, j] = region.max(axis=(2, 3)) if kind == "adaptive_maxpool" else region.mean(axis=(2, 3))
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_spp_concatenates_flattened_levels():
    x = RNG.standard_normal((1, 2, 6, 5))
    y, _, _, _ = run("spp", x, levels=(2, 1))
    assert y.shape == (1, 2 * 4 + 2)
    np.testing.assert_allclose(y[0, -2:], x[0].max(axis=(1, 2)), rtol=1e-6)  # the 1x1 level: global max
    np.testing.assert_allclose(y[0, 0], x[0, 0, 0:3, 0:3].max(), rtol=1e-6)  # level 2, channel 0, cell (0, 0)


def test_max_unpool_puts_values_back_where_the_pool_found_them():
    x = RNG.standard_normal((2, 3, 5, 6))
    hyper = dict(kernel=(2, 2), stride=(2, 2), padding=pairs(0), dilation=(1, 1), ceil_mode=True)
    pooled, _, _, out = run("maxpool", x, **hyper)
    node = SimpleNamespace(index=1, shares=None, kind="max_unpool", layer=SimpleNamespace())
    step = Step(node, [stored(pooled), stored(pooled)], Weights(np.random.default_rng(0)), Tally(), extra={"pool": out.keep})
    y = logical(kernels.KERNELS["max_unpool"](step).array)
    expected = np.zeros_like(x)
    _, index = naive_pool(x, "max", 2, 2, 0, 1, True)
    for b, c, i, j in itertools.product(range(2), range(3), range(pooled.shape[2]), range(pooled.shape[3])):
        flat = index[b, c, i, j]
        expected[b, c, flat // 6, flat % 6] = pooled[b, c, i, j]
    np.testing.assert_allclose(y, expected)


# --- upsampling --------------------------------------------------------------------------------


def naive_resize(x, out, mode, align_corners, scale):
    """F.interpolate per output pixel (nearest, or bilinear with or without align_corners)."""
    n, c, h, w = x.shape
    y = np.zeros((n, c, *out))

    def source(dst, size_in, size_out, s):
        if mode == "nearest":
            ratio = 1 / s if s is not None else size_in / size_out
            return min(int(math.floor(dst * ratio)), size_in - 1), None, 0.0
        if align_corners:
            src = dst * (size_in - 1) / (size_out - 1) if size_out > 1 else 0.0
        else:
            ratio = 1 / s if s is not None else size_in / size_out
            src = max((dst + 0.5) * ratio - 0.5, 0.0)
        i0 = min(int(math.floor(src)), size_in - 1)
        return i0, min(i0 + 1, size_in - 1), src - i0

    for i, j in itertools.product(range(out[0]), range(out[1])):
        r0, r1, lr = source(i, h, out[0], scale)
        c0, c1, lc = source(j, w, out[1], scale)
        if mode == "nearest":
            y[:, :, i, j] = x[:, :, r0, c0]
        else:
            top = x[:, :, r0, c0] * (1 - lc) + x[:, :, r0, c1] * lc
            bottom = x[:, :, r1, c0] * (1 - lc) + x[:, :, r1, c1] * lc
            y[:, :, i, j] = top * (1 - lr) + bottom * lr
    return y


@pytest.mark.parametrize(
    "mode, align_corners, scale, size, shape",
    [
        ("nearest", False, 2, None, (3, 4)),
        ("nearest", False, None, (7, 5), (3, 4)),
        ("bilinear", False, 2, None, (3, 4)),
        ("bilinear", False, None, (5, 9), (4, 3)),
        ("bilinear", True, 2, None, (3, 4)),
        ("bilinear", True, None, (2, 7), (4, 3)),
    ],
)
def test_upsampling_matches_the_loops(mode, align_corners, scale, size, shape):
    x = RNG.standard_normal((2, 2, *shape))
    y, _, _, _ = run("upsample", x, scale=scale, size=size, mode=mode, align_corners=align_corners)
    out = size or tuple(n * scale for n in shape)
    np.testing.assert_allclose(y, naive_resize(x, out, mode, align_corners, scale), rtol=1e-5, atol=1e-6)


# --- recurrent ---------------------------------------------------------------------------------


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def naive_steps(kind, x, w_ih, w_hh, b_ih, b_hh, hidden, reverse=False):
    """PyTorch's cell equations, one gate at a time (weights as (in, gates*H) here)."""
    n, t, _ = x.shape
    h, c = np.zeros((n, hidden)), np.zeros((n, hidden))
    out = np.zeros((n, t, hidden))

    def gate(k, xt, hh):
        sl = slice(k * hidden, (k + 1) * hidden)
        return xt @ w_ih[:, sl] + b_ih[sl], hh @ w_hh[:, sl] + b_hh[sl]

    for step in reversed(range(t)) if reverse else range(t):
        xt = x[:, step]
        if kind == "rnn":
            a, b = gate(0, xt, h)
            h = np.tanh(a + b)
        elif kind == "lstm":
            i, f, g, o = (sum(gate(k, xt, h)) for k in range(4))
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
        else:
            (xr, hr), (xz, hz), (xn, hn) = (gate(k, xt, h) for k in range(3))
            r, z = sigmoid(xr + hr), sigmoid(xz + hz)
            h = (1 - z) * np.tanh(xn + r * hn) + z * h
        out[:, step] = h
    return out


@pytest.mark.parametrize("kind", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("bias_vectors", [1, 2])  # TensorFlow's one bias per gate, PyTorch's two
def test_recurrent_steps_match_the_cell_equations(kind, bidirectional, bias_vectors):
    steps, features, hidden = 5, 3, 4
    x = RNG.standard_normal((2, steps, features))  # T x F per sample
    layer = SimpleNamespace(hidden=hidden, layers=2, bidirectional=bidirectional, bias=True, bias_vectors=bias_vectors, sequences=True)
    node = SimpleNamespace(index=0, shares=None, kind=kind, layer=layer)
    weights, tally = Weights(np.random.default_rng(0)), Tally()
    y = logical(recurrent(Step(node, [stored(x.astype(np.float32))], weights, tally)).array)
    w = {name: a.astype(np.float64) for (_, name), a in weights.arrays.items()}
    seq = x
    for depth in range(2):
        outs = []
        for d in range(2 if bidirectional else 1):
            p = f"l{depth}d{d}."
            bias_hh = w[p + "bias_hh"] if bias_vectors == 2 else np.zeros_like(w[p + "bias_ih"])
            outs.append(naive_steps(kind, seq, w[p + "weight_ih"], w[p + "weight_hh"], w[p + "bias_ih"], bias_hh, hidden, reverse=d == 1))
        seq = np.concatenate(outs, axis=-1)
    np.testing.assert_allclose(y, seq, rtol=1e-4, atol=1e-5)
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    directions = 2 if bidirectional else 1
    step_macs = directions * gates * hidden * ((features + hidden) + (directions * hidden + hidden))
    assert tally.macs == 2 * steps * step_macs  # batch 2, every step of both stacked layers
    assert (p + "bias_hh" in w) == (bias_vectors == 2)


# --- rearranging and merging ------------------------------------------------------------------


def test_flatten_and_reshape_follow_channels_first_order():
    x = RNG.standard_normal((2, 3, 2, 4))
    y, _, _, _ = run("flatten", x)
    np.testing.assert_array_equal(y, x.reshape(2, -1).astype(np.float32))
    y, _, _, _ = run("reshape", x, shape=(6, -1))
    np.testing.assert_array_equal(y, x.reshape(2, 6, 4).astype(np.float32))


def test_channel_shuffle_interleaves_groups():
    x = np.arange(6, dtype=np.float32).reshape(1, 6, 1, 1)
    y, _, _, _ = run("channel_shuffle", x, groups=2)
    assert y[0, :, 0, 0].tolist() == [0, 3, 1, 4, 2, 5]


def test_dense_on_a_sequence_applies_to_every_step():
    x = RNG.standard_normal((2, 5, 3))  # T x F
    y, w, macs, _ = run("dense", x, out=4, bias=True)
    np.testing.assert_allclose(y, x @ w["weight"] + w["bias"], rtol=1e-5, atol=1e-6)
    assert macs == 2 * 5 * 3 * 4


def test_norms_in_inference_mode():
    x = RNG.standard_normal((2, 4, 3, 3))
    y, w, _, _ = run("groupnorm", x, groups=2, affine=True)
    g = x.reshape(2, 2, -1)
    expected = ((g - g.mean(-1, keepdims=True)) / np.sqrt(g.var(-1, keepdims=True) + 1e-5)).reshape(x.shape)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    y, w, _, _ = run("layernorm", x, axes=2, affine=True)
    m, v = x.mean(axis=(2, 3), keepdims=True), x.var(axis=(2, 3), keepdims=True)
    np.testing.assert_allclose(y, (x - m) / np.sqrt(v + 1e-5), rtol=1e-4, atol=1e-5)
    assert w["weight"].shape == (3, 3)
    y, w, _, _ = run("batchnorm", x, affine=True, running_stats=True)
    np.testing.assert_allclose(y, x / np.sqrt(1 + 1e-5), rtol=1e-5)  # running mean 0, variance 1
