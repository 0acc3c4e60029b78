"""The architecture zoo: every built-in spec against figures published outside cnncalc.

Where the numbers come from, named next to each one:

- torchvision: the issue's table, and the `num_params` / `_ops` metadata of torchvision 0.29's
  pretrained weights (`torchvision.models.get_model_weights(name)`); `_ops` is what the
  torchvision docs list as "GFLOPS", counted as multiply-accumulates, at the weights' crop size,
  given to three decimals;
- the papers (cited in each spec's `source:`), often only to two or three digits ("10.2M"),
  in which case the test checks that rounding and says so;
- hand arithmetic, written out below layer by layer from the paper or the reference code.

Nothing here is copied from cnncalc's output. MACs and receptive fields are pinned only where
a published figure exists; everything else about them is for the NumPy reference to prove.
Each network is built once (cached), so the whole file runs in a few seconds.
"""

from __future__ import annotations

from functools import cache

import pytest

from cnncalc import load
from cnncalc.analysis import analyze
from cnncalc.catalog import builtins, find
from cnncalc.graph import build
from cnncalc.spec import load_file

spec_file = cache(load_file)  # each file is read once, however many variants it has


def network(name: str, **values):
    """The built-in `name`, with constants set by `values`, built once."""
    return _network(name, tuple(sorted(values.items())))


def report(name: str, **values):
    return _report(name, tuple(sorted(values.items())))


@cache
def _network(name, values):
    path, variant = find(name)
    return build(spec_file(path), variant, dict(values))


@cache
def _report(name, values):
    return analyze(_network(name, values))


def conv(c_in: int, c_out: int, k: int = 1, bias: bool = True) -> int:
    return c_in * c_out * k * k + (c_out if bias else 0)


def dense(n_in: int, n_out: int, bias: bool = True) -> int:
    return n_in * n_out + (n_out if bias else 0)


def bn(c: int) -> int:
    return 2 * c  # scale and shift; running statistics are buffers


def rounds_to(value: int, published: float, unit: float = 1e6, digits: int = 1) -> bool:
    return round(value / unit, digits) == published


# --- names -------------------------------------------------------------------------------------

ISSUE_NAMES = """
alexnet vgg11 vgg13 vgg16 vgg19 vgg16_bn googlenet inception_v3
resnet18 resnet34 resnet50 resnet101 resnet152 resnext50_32x4d
densenet121 densenet169 densenet201
efficientnet_b0 efficientnet_b1 efficientnet_b2 efficientnet_b3
efficientnet_b4 efficientnet_b5 efficientnet_b6 efficientnet_b7
mobilenet_v2 squeezenet1_0 shufflenet_v2_x1_0
lenet5 mnist_cnn dcgan_generator dcgan_discriminator fcn32s fcn8s segnet unet autoencoder
yolo_v1 atari_dqn se_resnet50 rpn_head nic_captioner rcnn sppnet preact_resnet1001
""".split()


def test_every_network_the_issue_names_is_built_in():
    assert sorted(set(ISSUE_NAMES) - set(builtins())) == []


@pytest.mark.parametrize("name", sorted(builtins()))
def test_every_built_in_builds_analyses_and_meets_its_expectations(name):
    graph = network(name)
    r = report(name)
    assert r.rows and r.outputs
    expect = {key: getattr(value, "data", value) for key, value in graph.expect.items()}
    if isinstance(expect.get("params"), int):
        assert r.totals.params == expect["params"]
    if "output" in expect:
        wanted = [getattr(size, "data", size) for size in expect["output"]]
        if all(isinstance(size, int) for size in wanted):
            assert list(next(iter(r.outputs.values()))) == wanted


def test_built_ins_are_found_from_any_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load("resnet50").summary().totals.params == 25_557_032  # torchvision


# --- torchvision: parameter counts ------------------------------------------------------------

TORCHVISION_PARAMS = {
    # the issue's table (torchvision's sum(p.numel() for p in model.parameters()))
    "alexnet": 61_100_840,
    "vgg11": 132_863_336,
    "vgg13": 133_047_848,
    "vgg16": 138_357_544,
    "vgg19": 143_667_240,
    "vgg16_bn": 138_365_992,
    "googlenet": 6_624_904,
    "inception_v3": 23_834_568,
    "resnet18": 11_689_512,
    "resnet34": 21_797_672,
    "resnet50": 25_557_032,
    "resnet101": 44_549_160,
    "resnet152": 60_192_808,
    "resnext50_32x4d": 25_028_904,
    "densenet121": 7_978_856,
    "densenet169": 14_149_480,
    "densenet201": 20_013_928,
    "efficientnet_b0": 5_288_548,
    "efficientnet_b7": 66_347_960,
    "mobilenet_v2": 3_504_872,
    "squeezenet1_0": 1_248_424,
    "shufflenet_v2_x1_0": 2_278_604,
    # torchvision 0.29 weights metadata, meta["num_params"]
    "vgg11_bn": 132_868_840,
    "vgg13_bn": 133_053_736,
    "vgg19_bn": 143_678_248,
    "resnext101_32x8d": 88_791_336,
    "wide_resnet50_2": 68_883_240,
    "densenet161": 28_681_000,
    "efficientnet_b1": 7_794_184,
    "efficientnet_b2": 9_109_994,
    "efficientnet_b3": 12_233_232,
    "efficientnet_b4": 19_341_616,
    "efficientnet_b5": 30_389_784,
    "efficientnet_b6": 43_040_704,
    "squeezenet1_1": 1_235_496,
    "shufflenet_v2_x0_5": 1_366_792,
    "shufflenet_v2_x1_5": 3_503_624,
    "shufflenet_v2_x2_0": 7_393_996,
}


@pytest.mark.parametrize("name, params", TORCHVISION_PARAMS.items())
def test_parameters_equal_torchvision(name, params):
    assert report(name).totals.params == params


def test_inception_v3_without_aux_is_torchvision_count_minus_the_aux_head():
    # torchvision's Inception_V3_Weights meta["num_params"] = 27,161,264 includes AuxLogits:
    # conv0 768->128 1x1 + BN, conv1 128->768 5x5 + BN, fc 768->1000.
    aux = conv(768, 128, 1, bias=False) + bn(128) + conv(128, 768, 5, bias=False) + bn(768) + dense(768, 1000)
    assert report("inception_v3").totals.params == 27_161_264 - aux == 23_834_568


def test_batchnorm_statistics_are_buffers_not_parameters():
    # vgg16_bn - vgg16 = BN scale and shift on 2*64 + 2*128 + 3*256 + 6*512 = 4,224 channels
    assert report("vgg16_bn").totals.params - report("vgg16").totals.params == 2 * 4224
    assert report("vgg16_bn").totals.buffers == 2 * 4224


# --- torchvision: MACs ------------------------------------------------------------------------

# meta["_ops"] of the torchvision 0.29 weights ("GFLOPS" in the docs, multiply-accumulates),
# rounded to three decimals, at the weights' crop size.
TORCHVISION_GMACS = {
    "alexnet": 0.714,
    "vgg11": 7.609,
    "vgg13": 11.308,
    "vgg16": 15.47,
    "vgg19": 19.632,
    "vgg16_bn": 15.47,
    "googlenet": 1.498,
    "inception_v3": 5.713,
    "resnet18": 1.814,
    "resnet34": 3.664,
    "resnet50": 4.089,
    "resnet101": 7.801,
    "resnet152": 11.514,
    "resnext50_32x4d": 4.23,
    "resnext101_32x8d": 16.414,
    "wide_resnet50_2": 11.398,
    "densenet121": 2.834,
    "densenet161": 7.728,
    "densenet169": 3.36,
    "densenet201": 4.291,
    "efficientnet_b0": 0.386,
    "efficientnet_b1": 0.687,
    "efficientnet_b3": 1.827,
    "efficientnet_b4": 4.394,
    "efficientnet_b5": 10.266,
    "efficientnet_b6": 19.068,
    "efficientnet_b7": 37.746,
    "mobilenet_v2": 0.301,
    "squeezenet1_0": 0.819,
    "squeezenet1_1": 0.349,
    "shufflenet_v2_x0_5": 0.04,
    "shufflenet_v2_x1_0": 0.145,
    "shufflenet_v2_x1_5": 0.296,
    "shufflenet_v2_x2_0": 0.583,
}


@pytest.mark.parametrize("name, gmacs", TORCHVISION_GMACS.items())
def test_macs_match_torchvision_published_ops(name, gmacs):
    assert round(report(name).totals.macs / 1e9, 3) == gmacs


def test_efficientnet_b2_macs_at_torchvision_crop():
    # The spec runs B2 at the paper's 260x260; torchvision's weights are evaluated at 288x288,
    # where its meta["_ops"] is 1.088.
    assert round(report("efficientnet_b2", resolution=288).totals.macs / 1e9, 3) == 1.088


def test_resnet50_macs_with_the_papers_stride_placement():
    # torchvision's v1.5 strides the 3x3; with the paper's layout (stride on the first 1x1,
    # stride_3x3=0) ResNet-50 "requires ~3.86 GFLOPs" (Hu et al. 2018, section 4: multiply-adds).
    assert round(report("resnet50", stride_3x3=0).totals.macs / 1e9, 2) == 3.86
    assert report("resnet50", stride_3x3=0).totals.params == 25_557_032


# --- receptive fields -------------------------------------------------------------------------


def _last(rows, kind, prefix=""):
    return [row for row in rows if row.type == kind and row.path.startswith(prefix)][-1]


def test_receptive_fields_match_the_published_table():
    # google-research/receptive_field README (Araujo, Norris & Sim, Distill 2019), computed on
    # the TF-Slim models: vgg_16/pool5 212, effective stride 32, effective padding 90;
    # InceptionV3/Mixed_7c 1311, stride 32, padding 618.
    pool5 = _last(report("vgg16").rows, "maxpool").field
    assert (pool5.size, pool5.jump, pool5.start) == ((212, 212), (32, 32), (-90, -90))
    mixed_7c = _last(report("inception_v3").rows, "concat", "layers[0]").field
    assert (mixed_7c.size, mixed_7c.jump, mixed_7c.start) == ((1311, 1311), (32, 32), (-618, -618))


def test_fcn_vgg16_receptive_field_matches_long_et_al_table_1():
    # Long et al. table 1, FCN-VGG16: rf size 404, max stride 32 (at the class scores, score_fr)
    score_fr = _last(report("fcn32s").rows, "conv", "layers[0]").field
    assert (score_fr.size, score_fr.jump) == ((404, 404), (32, 32))


# --- networks from papers: parameters by hand ------------------------------------------------

VGG16_CONVS = 138_357_544 - dense(25088, 4096) - dense(4096, 4096) - dense(4096, 1000)  # torchvision vgg16


def test_lenet5():
    # the notes (seeds/001): (1*25+1)*6 + (6*25+1)*16 + (16*25+1)*120 + (120+1)*84 + (84+1)*10
    assert report("lenet5").totals.params == 61_706


def test_mnist_cnn():
    # Keras examples/mnist_cnn.py summary: 1,199,882 = 320 + 18,496 + 1,179,776 + 1,290
    assert report("mnist_cnn").totals.params == conv(1, 32, 3) + conv(32, 64, 3) + dense(9216, 128) + dense(128, 10)
    assert report("mnist_cnn").totals.params == 1_199_882


def test_dcgan():
    # pytorch/examples dcgan/main.py, nz=100, ngf=ndf=64: bias-free 4x4 (transposed) convolutions
    generator = sum(conv(i, o, 4, bias=False) for i, o in [(100, 512), (512, 256), (256, 128), (128, 64), (64, 3)])
    generator += bn(512) + bn(256) + bn(128) + bn(64)
    assert report("dcgan_generator").totals.params == generator == 3_576_704
    discriminator = sum(conv(i, o, 4, bias=False) for i, o in [(3, 64), (64, 128), (128, 256), (256, 512), (512, 1)])
    discriminator += bn(128) + bn(256) + bn(512)
    assert report("dcgan_discriminator").totals.params == discriminator == 2_765_568


def test_fcn():
    # voc-fcn32s/net.py: VGG-16 convolutions, fc6 as 7x7 conv, fc7 as 1x1, score_fr 21; the
    # upsampling deconvolutions (no bias, lr_mult 0) are frozen. Long et al. table 1: FCN-VGG16
    # has 134M (trainable) parameters.
    trainable = VGG16_CONVS + conv(512, 4096, 7) + conv(4096, 4096, 1) + conv(4096, 21, 1)
    r32 = report("fcn32s").totals
    assert (r32.trainable, r32.frozen) == (trainable, conv(21, 21, 64, bias=False))
    assert rounds_to(r32.trainable, 134, digits=0)
    # voc-fcn8s/net.py adds score_pool4 and score_pool3 (1x1, bias) and three frozen deconvolutions
    r8 = report("fcn8s").totals
    assert r8.trainable == trainable + conv(512, 21) + conv(256, 21)
    assert r8.frozen == conv(21, 21, 4, bias=False) * 2 + conv(21, 21, 16, bias=False)


def test_segnet():
    # Models/segnet_train.prototxt: every 3x3 conv has a bias and a BN (scale, shift) except
    # the last one; decoder widths 512 512 512 | 512 512 256 | 256 256 128 | 128 64 | 64 11.
    encoder = VGG16_CONVS + bn(2 * 64 + 2 * 128 + 3 * 256 + 6 * 512)
    decoder_convs = [(512, 512)] * 3 + [(512, 512), (512, 512), (512, 256), (256, 256), (256, 256), (256, 128)]
    decoder_convs += [(128, 128), (128, 64), (64, 64)]
    decoder = sum(conv(i, o, 3) + bn(o) for i, o in decoder_convs) + conv(64, 11, 3)
    assert report("segnet").totals.params == encoder + decoder == 29_449_355
    # Badrinarayanan et al., section 3: the encoder has 14.7M parameters (VGG-16 has 134M)
    assert rounds_to(encoder, 14.7)


def test_unet():
    # Ronneberger et al. figure 1: double 3x3 convs with bias, 2x2 up-convolutions halving the
    # channels, concatenation doubling them again, 1x1 to 2 classes.
    down = [(1, 64), (64, 128), (128, 256), (256, 512), (512, 1024)]
    params = sum(conv(i, o, 3) + conv(o, o, 3) for i, o in down)
    for c in (512, 256, 128, 64):
        params += conv(2 * c, c, 2) + conv(2 * c, c, 3) + conv(c, c, 3)
    params += conv(64, 2, 1)
    assert report("unet").totals.params == params == 31_030_658


def test_autoencoder_output_shape_equals_its_input():
    # Keras blog convolutional autoencoder: 3x3 convs 1-16-8-8 | 8-8-16-1
    params = conv(1, 16, 3) + conv(16, 8, 3) + conv(8, 8, 3) + conv(8, 8, 3) + conv(8, 8, 3) + conv(8, 16, 3) + conv(16, 1, 3)
    r = report("autoencoder")
    assert r.totals.params == params == 4385
    assert r.outputs["output"] == r.input == (1, 28, 28)


def test_yolo_v1():
    # Redmon et al. figure 3: 24 convolutional layers (with bias), FC 4096, FC 7*7*30
    convs = [(3, 64, 7), (64, 192, 3), (192, 128, 1), (128, 256, 3), (256, 256, 1), (256, 512, 3)]
    convs += [(512, 256, 1), (256, 512, 3)] * 4 + [(512, 512, 1), (512, 1024, 3)]
    convs += [(1024, 512, 1), (512, 1024, 3)] * 2 + [(1024, 1024, 3)] * 4
    assert len(convs) == 24
    params = sum(conv(i, o, k) for i, o, k in convs) + dense(1024 * 7 * 7, 4096) + dense(4096, 7 * 7 * 30)
    assert report("yolo_v1").totals.params == params


def test_atari_dqn():
    # Mnih et al. 2015, Methods: 32 8x8/4, 64 4x4/2, 64 3x3/1, FC 512, 18 outputs
    params = conv(4, 32, 8) + conv(32, 64, 4) + conv(64, 64, 3) + dense(64 * 7 * 7, 512) + dense(512, 18)
    assert report("atari_dqn").totals.params == params == 1_693_362


def test_se_resnet50():
    # Hu et al.: SE with r=16 (two FC layers with bias) on the output of every bottleneck;
    # "~2.5 million additional parameters beyond the ~25 million" of ResNet-50 (section 4).
    extra = sum(n * (conv(c, c // 16) + conv(c // 16, c)) for c, n in [(256, 3), (512, 4), (1024, 6), (2048, 3)])
    assert report("se_resnet50").totals.params == 25_557_032 + extra  # torchvision resnet50
    assert rounds_to(extra, 2.5)


def test_rpn_head():
    # Ren et al. section 3.1: the output layers have 512 x (4 + 2) x 9 = 2.8 x 10^4 weights
    r = report("rpn_head")
    heads = sum(row.params for row in r.rows if ".heads." in row.path)
    assert heads == 512 * (4 + 2) * 9 + (4 + 2) * 9
    assert round(512 * (4 + 2) * 9 / 1e4, 1) == 2.8
    assert r.totals.params == conv(512, 512, 3) + heads
    assert r.outputs == {"cls": (18, 38, 50), "bbox": (36, 38, 50)}


def test_nic_captioner():
    # Inception v3 without its classifier (torchvision: 23,834,568 - fc), a bias-free 2048->512
    # image embedding, 12,000 x 512 word embeddings, an LSTM of 512 (4 gates, one bias vector
    # as im2txt's TensorFlow cell), and 512 -> 12,000 logits.
    lstm = 4 * 512 * (512 + 512) + 4 * 512
    params = 23_834_568 - dense(2048, 1000) + dense(2048, 512, bias=False) + 12000 * 512 + lstm + dense(512, 12000)
    r = report("nic_captioner")
    assert r.totals.params == params
    assert r.inputs == {"image": (3, 299, 299), "tokens": (16,)}


def test_rcnn_runs_vgg16_per_proposal_and_sppnet_shares_the_convolutions():
    # R-CNN: torchvision VGG-16 with a 21-way last layer, run on each of 2,000 proposals.
    vgg16 = report("vgg16").totals
    rcnn = report("rcnn").totals
    assert rcnn.params == 138_357_544 - dense(4096, 1000) + dense(4096, 21)
    assert rcnn.macs == 2000 * (vgg16.macs - 4096 * 1000 + 4096 * 21)  # weights once, work x 2,000
    # SPPnet: one pass of VGG-16's convolutions (no pool5), then per proposal a {6,3,2,1}
    # pyramid (50 bins x 512) and fc6, fc7, fc8 (21).
    fc = [(50 * 512, 4096), (4096, 4096), (4096, 21)]
    spp = report("sppnet").totals
    assert spp.params == VGG16_CONVS + sum(dense(i, o) for i, o in fc)
    conv_macs = vgg16.macs - (25088 * 4096 + 4096 * 4096 + 4096 * 1000)
    assert spp.macs == conv_macs + 2000 * sum(i * o for i, o in fc)
    assert rcnn.macs > 100 * spp.macs


def test_fast_rcnn_pools_each_proposal_from_one_shared_pass():
    # Girshick 2015 (released VGG16 test.prototxt): VGG-16's 13 convolutions once per image;
    # per proposal a 7x7 RoI max pool of conv5_3 (512*7*7 = 25,088 values, VGG's own fc6
    # input), fc6, fc7, then cls_score 21 and bbox_pred 84 = 4*21 side by side.
    fc = [(25_088, 4096), (4096, 4096), (4096, 21), (4096, 84)]
    r = report("fast_rcnn").totals
    assert r.params == VGG16_CONVS + sum(dense(i, o) for i, o in fc)
    conv_macs = report("vgg16").totals.macs - (25088 * 4096 + 4096 * 4096 + 4096 * 1000)
    assert r.macs == conv_macs + 2000 * sum(i * o for i, o in fc)
    assert report("fast_rcnn").outputs == {"cls": (21,), "bbox": (84,)}
    # VGG-16's conv5_3 sees 196 pixels (pool5's published 212 less its window's 16) with a
    # jump of 16; a proposal may lie anywhere in the 14x14 map: 196 + 13*16 = 404, the same
    # for every proposal and every RoI bin, so fc6..bbox_pred add nothing to it.
    assert report("fast_rcnn").field.size == (404, 404)


def test_network_in_network():
    # Lin et al. 2014, the CIFAR-10 model: three mlpconv layers (a convolution and two 1x1
    # "cccp" convolutions each), all with biases, then global average pooling of 10 maps.
    params = (
        conv(3, 192, 5) + conv(192, 160) + conv(160, 96)  # 14,592 + 30,880 + 15,456
        + conv(96, 192, 5) + conv(192, 192) + conv(192, 192)  # 460,992 + 37,056 + 37,056
        + conv(192, 192, 3) + conv(192, 192) + conv(192, 10)  # 331,968 + 37,056 + 1,930
    )
    assert params == 966_986
    r = report("nin")
    assert r.totals.params == params
    assert rounds_to(params, 0.97, digits=2)  # the "0.97M" usually quoted for it
    # Caffe's pools round up: 32 -> ceil((32 - 3)/2) + 1 = 16 -> ceil((16 - 3)/2) + 1 = 8
    assert [row.output_shape[1:] for row in r.rows if row.type in ("maxpool", "avgpool")] == [(16, 16), (8, 8)]


def test_preact_resnet():
    # He et al. 2016 (identity mappings), table 2: ResNet-164 1.7M, ResNet-1001 10.2M
    # parameters. The Torch code (KaimingHe/resnet-1k-layers) has bias-free convolutions; the
    # paper's figures count weights without the BatchNorm scales and shifts.
    def weights(depth: int) -> int:
        n = (depth - 2) // 9
        total, c_in = conv(3, 16, 3, bias=False), 16
        for out in (64, 128, 256):
            b = out // 4
            unit = conv(out, b, bias=False) + conv(b, b, 3, bias=False) + conv(b, out, bias=False)
            first = conv(c_in, b, bias=False) + conv(b, b, 3, bias=False) + conv(b, out, bias=False) + conv(c_in, out, bias=False)
            total += first + (n - 1) * unit
            c_in = out
        return total + dense(256, 10)

    for name, depth, published in [("preact_resnet164", 164, 1.7), ("preact_resnet1001", 1001, 10.2)]:
        r = report(name)
        without_bn = sum(row.params for row in r.rows if row.type != "batchnorm")
        assert without_bn == weights(depth)
        assert rounds_to(without_bn, published)
    assert report("preact_resnet1001").totals.params == 10_327_706  # with BN: 10,178,490 + 149,216


# --- output shapes ---------------------------------------------------------------------------

OUTPUTS = {
    "alexnet": (1000,),
    "vgg16": (1000,),
    "googlenet": (1000,),
    "inception_v3": (1000,),
    "resnet50": (1000,),
    "densenet121": (1000,),
    "efficientnet_b7": (1000,),
    "mobilenet_v2": (1000,),
    "squeezenet1_0": (1000,),
    "shufflenet_v2_x1_0": (1000,),
    "lenet5": (10,),
    "mnist_cnn": (10,),
    "dcgan_generator": (3, 64, 64),
    "dcgan_discriminator": (1,),
    "fcn32s": (21, 500, 500),  # the input's size, 21 PASCAL VOC classes
    "fcn8s": (21, 500, 500),
    "segnet": (11, 360, 480),  # CamVid: 11 classes at the input's size
    "unet": (2, 388, 388),  # Ronneberger et al. figure 1
    "yolo_v1": (30, 7, 7),  # the paper's 7x7x30, channels first
    "atari_dqn": (18,),
    "se_resnet50": (1000,),
    "nic_captioner": (16, 12000),  # one distribution over the vocabulary per word
    "rcnn": (21,),
    "sppnet": (21,),
    "preact_resnet1001": (10,),
    "nin": (10,),
}


@pytest.mark.parametrize("name, shape", OUTPUTS.items())
def test_output_shape(name, shape):
    assert report(name).outputs["output"] == shape


def test_efficientnet_runs_at_its_native_resolution():
    # Tan & Le 2019, table 2 (and torchvision's crops, except B2 which torchvision crops at 288)
    native = {0: 224, 1: 240, 2: 260, 3: 300, 4: 380, 5: 456, 6: 528, 7: 600}
    for b, size in native.items():
        assert report(f"efficientnet_b{b}").input == (3, size, size)
