"""The layer catalogue: one explicit table from spec names to layer classes.

A family's module is imported the first time one of its layers is used, so a command only
pays for the layer families its network contains.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module

from .base import Field, Layer, Shape, axis_names, numel, shape_text

# Activation functions without arguments: the spec name says which function it is.
FUNCTIONS = ("relu", "relu6", "tanh", "sigmoid", "gelu", "silu", "hardswish", "hardsigmoid", "elu", "identity")

_WHERE: dict[str, tuple[str, str]] = {
    "conv": ("conv", "Conv"),
    "depthwise": ("conv", "Depthwise"),
    "conv_transpose": ("conv", "ConvTranspose"),
    "maxpool": ("pool", "MaxPool"),
    "avgpool": ("pool", "AvgPool"),
    "global_avgpool": ("pool", "GlobalAvgPool"),
    "global_maxpool": ("pool", "GlobalMaxPool"),
    "adaptive_avgpool": ("pool", "AdaptiveAvgPool"),
    "adaptive_maxpool": ("pool", "AdaptiveMaxPool"),
    "spp": ("pool", "SPP"),
    "roi_pool": ("pool", "RoIPool"),
    "max_unpool": ("pool", "MaxUnpool"),
    "upsample": ("resize", "Upsample"),
    "pad": ("resize", "Pad"),
    "crop": ("resize", "Crop"),
    "flatten": ("reshape", "Flatten"),
    "reshape": ("reshape", "Reshape"),
    "permute": ("reshape", "Permute"),
    "slice": ("reshape", "Slice"),
    "channel_shuffle": ("reshape", "ChannelShuffle"),
    "dense": ("dense", "Dense"),
    "embedding": ("dense", "Embedding"),
    "batchnorm": ("norm", "BatchNorm"),
    "layernorm": ("norm", "LayerNorm"),
    "groupnorm": ("norm", "GroupNorm"),
    "dropout": ("norm", "Dropout"),
    "leaky_relu": ("activation", "LeakyReLU"),
    "prelu": ("activation", "PReLU"),
    "softmax": ("activation", "Softmax"),
    "rnn": ("recurrent", "RNN"),
    "gru": ("recurrent", "GRU"),
    "lstm": ("recurrent", "LSTM"),
    **{name: ("activation", "Activation") for name in FUNCTIONS},
}

# Merges are not written as layers in a spec: `add`, `multiply`, `concat` and `residual` make them.
_MERGES: dict[str, tuple[str, str]] = {"add": ("merge", "Add"), "multiply": ("merge", "Multiply"), "concat": ("merge", "Concat")}

LAYERS = frozenset(_WHERE)
MERGES = frozenset(_MERGES)

# Other names people use for the same layer; reports show the canonical name.
ALIASES: dict[str, str] = {
    "linear": "dense",
    "fc": "dense",
    "swish": "silu",
    "deconv": "conv_transpose",
    "upsampling": "upsample",
    "bn": "batchnorm",
}


@cache
def layer_class(kind: str) -> type[Layer]:
    """The class of a layer or merge by its canonical spec name."""
    module, name = _WHERE[kind] if kind in _WHERE else _MERGES[kind]
    return getattr(import_module(f".{module}", __name__), name)


__all__ = ["ALIASES", "FUNCTIONS", "LAYERS", "MERGES", "Field", "Layer", "Shape", "axis_names", "layer_class", "numel", "shape_text"]
