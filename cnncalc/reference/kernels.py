"""Which kernel runs each layer kind: one explicit table, like the layer catalogue."""

from __future__ import annotations

from . import activation, conv, dense, merge, norm, pool, rearrange, recurrent, resize

FUNCTIONS = ("relu", "relu6", "tanh", "sigmoid", "gelu", "silu", "hardswish", "hardsigmoid", "elu", "identity")

KERNELS = {
    "conv": conv.conv,
    "depthwise": conv.conv,
    "conv_transpose": conv.conv_transpose,
    "maxpool": pool.maxpool,
    "avgpool": pool.avgpool,
    "global_avgpool": pool.global_pool,
    "global_maxpool": pool.global_pool,
    "adaptive_avgpool": pool.adaptive_pool,
    "adaptive_maxpool": pool.adaptive_pool,
    "spp": pool.spp,
    "roi_pool": pool.roi_pool,
    "max_unpool": pool.max_unpool,
    "upsample": resize.upsample,
    "pad": resize.pad_layer,
    "crop": resize.crop,
    "flatten": rearrange.flatten,
    "reshape": rearrange.reshape,
    "permute": rearrange.permute,
    "slice": rearrange.slice_layer,
    "channel_shuffle": rearrange.channel_shuffle,
    "dense": dense.dense,
    "embedding": dense.embedding,
    "batchnorm": norm.batchnorm,
    "layernorm": norm.layernorm,
    "groupnorm": norm.groupnorm,
    "dropout": norm.dropout,
    "leaky_relu": activation.leaky_relu,
    "prelu": activation.prelu,
    "softmax": activation.softmax,
    "rnn": recurrent.recurrent,
    "gru": recurrent.recurrent,
    "lstm": recurrent.recurrent,
    "add": merge.elementwise,
    "multiply": merge.elementwise,
    "concat": merge.concat,
    **{name: activation.activation for name in FUNCTIONS},
}
