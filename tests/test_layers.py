"""Each layer family against hand-worked arithmetic (the working is in each case's comment).

A case is one layer written as in a spec, applied to an input shape."""

from __future__ import annotations

import pytest

from conftest import network


def one_layer(layer: str, input: list):
    """The single placed layer of a one-layer network."""
    graph = network(f"input: {input}\nlayers:\n  - {layer}\n")
    (node,) = graph.nodes
    return node


# (layer, input, output shape, params, MACs)
CONV = [
    # AlexNet conv1 with padding 2: floor((224 + 2*2 - 11)/4) + 1 = 54 + 1 = 55
    # params 96*3*11*11 + 96 = 34,848 + 96; MACs 55*55 * 96 * 3*11*11 = 3025*96*363
    ("conv: {out: 96, kernel: 11, stride: 4, padding: 2}", [3, 224, 224], (96, 55, 55), 34_944, 105_415_200),
    # without padding: floor((224 - 11)/4) + 1 = floor(53.25) + 1 = 54
    ("conv: {out: 96, kernel: 11, stride: 4}", [3, 224, 224], (96, 54, 54), 34_944, 54 * 54 * 96 * 363),
    # grouped (ResNeXt): 64/32 = 2 input channels per filter; 128*2*3*3 = 2,304 weights; 56*56*2,304 MACs
    ("conv: {out: 128, kernel: 3, padding: 1, groups: 32, bias: false}", [64, 56, 56], (128, 56, 56), 2_304, 7_225_344),
    # dilation 2: extent 2*(3-1)+1 = 5; (32 + 4 - 5) + 1 = 32; 16*16*9 + 16 = 2,320; 32*32*16*16*9
    ("conv: {out: 16, kernel: 3, dilation: 2, padding: 2}", [16, 32, 32], (16, 32, 32), 2_320, 2_359_296),
    # per-side padding: H 5 + 0 + 1 - 3 + 1 = 4, W 5 + 2 + 0 - 3 + 1 = 5; 9 + 1 params; 4*5*9 MACs
    ("conv: {out: 1, kernel: 3, padding: [[0, 1], [2, 0]]}", [1, 5, 5], (1, 4, 5), 10, 180),
    # 'same' with stride 2: ceil(7/2) = 4; 8*3*3*3 + 8 = 224; 4*4*8*27 = 3,456
    ("conv: {out: 8, kernel: 3, stride: 2, padding: same}", [3, 7, 7], (8, 4, 4), 224, 3_456),
    # 'valid' is no padding: 7 - 3 + 1 = 5
    ("conv: {out: 8, kernel: 3, padding: valid}", [3, 7, 7], (8, 5, 5), 224, 5 * 5 * 8 * 27),
    # 1-D: floor((100 - 5)/2) + 1 = 48; 8*4*5 + 8 = 168; 48*8*4*5 = 7,680
    ("conv: {out: 8, kernel: 5, stride: 2}", [4, 100], (8, 48), 168, 7_680),
    # Inception v3's 1x7: 128*128*1*7 = 114,688 weights, 17*17*114,688 MACs
    ("conv: {out: 128, kernel: [1, 7], padding: [0, 3], bias: false}", [128, 17, 17], (128, 17, 17), 114_688, 33_144_832),
    # depthwise (MobileNet): 32 filters of 1*3*3 + 32 biases = 320; 112*112*32*9 MACs
    ("depthwise: {kernel: 3, padding: 1}", [32, 112, 112], (32, 112, 112), 320, 3_612_672),
    # depthwise with multiplier 2: 64 filters of 1*3*3, no bias = 576; 56*56*64*9
    ("depthwise: {kernel: 3, stride: 2, padding: 1, multiplier: 2, bias: false}", [32, 112, 112], (64, 56, 56), 576, 56 * 56 * 64 * 9),
    # 3-D: 2x8x8x8 -> floor((8 - 3)/1) + 1 = 6 per axis; 4*2*27 + 4 = 220; 6^3*4*54
    ("conv: {out: 4, kernel: 3}", [2, 8, 8, 8], (4, 6, 6, 6), 220, 216 * 4 * 54),
]

TRANSPOSED = [
    # DCGAN: (4 - 1)*2 - 2*1 + (4 - 1) + 1 = 8; 512*256*4*4 + 256 = 2,097,408;
    # MACs per input element scattered: 4*4 * 512 * 256*16 = 33,554,432
    ("conv_transpose: {out: 256, kernel: 4, stride: 2, padding: 1}", [512, 4, 4], (256, 8, 8), 2_097_408, 33_554_432),
    # output_padding: (7 - 1)*2 - 2 + (3 - 1) + 1 + 1 = 14; 16*8*9 + 8 = 1,160; 7*7*16*8*9 = 56,448
    ("conv_transpose: {out: 8, kernel: 3, stride: 2, padding: 1, output_padding: 1}", [16, 7, 7], (8, 14, 14), 1_160, 56_448),
    # 1-D, dilation 2, 2 groups: (5 - 1) + 2*(3 - 1) + 1 = 9; 4 * (6/2)*3 = 36; 5*4*(6/2)*3 = 180
    ("conv_transpose: {out: 6, kernel: 3, dilation: 2, groups: 2, bias: false}", [4, 5], (6, 9), 36, 180),
    # U-Net up-convolution: (28 - 1)*2 + (2 - 1) + 1 = 56; 1024*512*4 + 512; 28*28*1024*512*4
    ("conv_transpose: {out: 512, kernel: 2, stride: 2}", [1024, 28, 28], (512, 56, 56), 2_097_664, 28 * 28 * 1024 * 512 * 4),
]

POOL = [
    # ResNet stem: floor((112 + 2 - 3)/2) + 1 = 56
    ("maxpool: {kernel: 3, stride: 2, padding: 1}", [64, 112, 112], (64, 56, 56)),
    # GoogLeNet ceil_mode: ceil((112 - 3)/2) + 1 = ceil(54.5) + 1 = 56 (floor would give 55)
    ("maxpool: {kernel: 3, stride: 2, ceil_mode: true}", [64, 112, 112], (64, 56, 56)),
    ("maxpool: {kernel: 3, stride: 2}", [64, 112, 112], (64, 55, 55)),
    # ceil_mode's last window must start inside the input or left padding:
    # ceil((5 + 2 - 2)/2) + 1 = 4, but (4 - 1)*2 = 6 >= 5 + 1, so 3
    ("maxpool: {kernel: 2, stride: 2, padding: 1, ceil_mode: true}", [1, 5, 5], (1, 3, 3)),
    # LeNet S2: the stride defaults to the kernel
    ("avgpool: 2", [6, 28, 28], (6, 14, 14)),
    ("global_avgpool", [512, 7, 7], (512, 1, 1)),
    ("global_maxpool", [8, 5], (8, 1)),
    ("adaptive_avgpool: [6, 6]", [256, 13, 13], (256, 6, 6)),
    # SPP with levels 4, 2, 1: 256 * (16 + 4 + 1) = 5,376 values
    ("spp: [4, 2, 1]", [256, 13, 13], (5_376,)),
    ("roi_pool: 7", [512, 38, 50], (512, 7, 7)),
]

RESHAPE = [
    ("upsample: 2", [64, 28, 28], (64, 56, 56)),
    ("upsample: {size: [100, 60], mode: bilinear}", [3, 50, 30], (3, 100, 60)),
    # floor(7 * 1.5) = 10
    ("upsample: 1.5", [3, 7, 7], (3, 10, 10)),
    # 10 + 1 + 2 = 13 and 10 + 3 + 4 = 17
    ("pad: [[1, 2], [3, 4]]", [3, 10, 10], (3, 13, 17)),
    ("crop: 2", [3, 10, 10], (3, 6, 6)),
    ("crop: {size: [4, 6]}", [3, 10, 10], (3, 4, 6)),
    ("flatten", [16, 5, 5], (400,)),
    ("reshape: [1024, 4, 4]", [16_384], (1024, 4, 4)),
    ("reshape: [-1, 8]", [4, 4, 4], (8, 8)),
    ("permute: [1, 0]", [64, 100], (100, 64)),
    ("dropout: 0.5", [10], (10,)),
    ("softmax", [21, 8, 8], (21, 8, 8)),
]

# (layer, input, output shape, params, buffers, MACs)
WEIGHTED = [
    # LeNet F6: (120 + 1)*84 = 10,164 params, 120*84 MACs
    ("dense: 84", [120], (84,), 10_164, 0, 10_080),
    # per time step: 512*1000 + 1000 params; 10 steps * 512*1000 MACs
    ("dense: 1000", [10, 512], (10, 1000), 513_000, 0, 5_120_000),
    ("dense: {out: 10, bias: false}", [84], (10,), 840, 0, 840),
    ("embedding: {vocab: 10000, dim: 512}", [20], (20, 512), 5_120_000, 0, 0),
    # scale and shift per channel (2*64), running mean and variance as buffers (2*64)
    ("batchnorm", [64, 56, 56], (64, 56, 56), 128, 128, 0),
    ("batchnorm: {affine: false}", [64, 56, 56], (64, 56, 56), 0, 128, 0),
    ("layernorm", [10, 512], (10, 512), 1_024, 0, 0),
    ("groupnorm: 32", [64, 8, 8], (64, 8, 8), 128, 0, 0),
    ("prelu", [64, 8, 8], (64, 8, 8), 1, 0, 0),
    ("prelu: {per_channel: true}", [64, 8, 8], (64, 8, 8), 64, 0, 0),
    # LSTM, 2 layers, bidirectional, 300 -> 512: each direction of layer 1 has
    # 4*512*(300 + 512) + 2*4*512 = 1,662,976 + 4,096 = 1,667,072; layer 2 reads 2*512:
    # 4*512*(1024 + 512) + 4,096 = 3,149,824; total 2*(1,667,072 + 3,149,824) = 9,633,792.
    # MACs per step 2*4*512*(812 + 1536) = 9,617,408, times 20 steps.
    ("lstm: {hidden: 512, layers: 2, bidirectional: true}", [20, 300], (20, 1024), 9_633_792, 0, 192_348_160),
    # GRU: 3*(20*(10 + 20) + 2*20) = 1,920; 5 steps * 3*20*30 MACs
    ("gru: 20", [5, 10], (5, 20), 1_920, 0, 9_000),
    # Keras/TensorFlow LSTM keeps one bias per gate: 4*(16*(8 + 16) + 16) = 1,600
    ("lstm: {hidden: 16, bias_vectors: 1}", [5, 8], (5, 16), 1_600, 0, 5 * 4 * 16 * 24),
    # RNN returning the last step only: 8*(4 + 8) + 2*8 = 112
    ("rnn: {hidden: 8, sequences: false}", [3, 4], (8,), 112, 0, 3 * 8 * 12),
]


@pytest.mark.parametrize("layer, input, shape, params, macs", CONV + TRANSPOSED)
def test_convolutions(layer, input, shape, params, macs):
    node = one_layer(layer, input)
    assert (node.shape, node.layer.params(), node.layer.macs()) == (shape, params, macs)


@pytest.mark.parametrize("layer, input, shape", POOL + RESHAPE)
def test_layers_without_weights(layer, input, shape):
    node = one_layer(layer, input)
    assert node.shape == shape
    assert (node.layer.params(), node.layer.buffers(), node.layer.macs()) == (0, 0, 0)


@pytest.mark.parametrize("layer, input, shape, params, buffers, macs", WEIGHTED)
def test_weighted_layers(layer, input, shape, params, buffers, macs):
    node = one_layer(layer, input)
    assert (node.shape, node.layer.params(), node.layer.buffers(), node.layer.macs()) == (shape, params, buffers, macs)


def test_bias_macs_follow_the_torchinfo_convention():
    # one extra MAC per bias addition: conv 96*55*55 outputs, dense 84 outputs
    assert one_layer("conv: {out: 96, kernel: 11, stride: 4, padding: 2}", [3, 224, 224]).layer.bias_macs() == 96 * 55 * 55
    assert one_layer("dense: 84", [120]).layer.bias_macs() == 84
    assert one_layer("conv: {out: 8, kernel: 3, bias: false}", [3, 8, 8]).layer.bias_macs() == 0


def test_pooling_counts_window_comparisons_as_other_ops():
    # 6*14*14 outputs, each averaging a 2*2 window
    assert one_layer("avgpool: 2", [6, 28, 28]).layer.other_ops() == 6 * 14 * 14 * 4
