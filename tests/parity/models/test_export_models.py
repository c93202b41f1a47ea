"""Model parity through torch.export (.pt2): the torchvision classification zoo
(every model torchvision.models.list_models(module=torchvision.models) names),
the segmentation and detection models where torch.export supports them, and
Hugging Face models from tiny configs (BERT, GPT-2, ViT with dynamic variants;
DistilBERT, RoBERTa, ALBERT, ELECTRA, GPT-Neo, Llama, CLIP text and vision, T5,
BART, the Whisper encoder; wav2vec2, which needs aten::_weight_norm from main)
- each exported with
torch.export.export, saved with torch.export.save, run by
ExportedProgram.module() and by pyts.load(...) on the same inputs, every output
leaf compared (pyts.testing.check_parity with export="export" or a .pt2 path).
Dynamic variants (torch.export.Dim) run the same archive at two sizes.

Weights are random (weights=None), seeded by the parity fixture; where
torchvision zero-initialises a classifier weight (ViT's head) it is refilled
with N(0, 0.02) so that the output is not identically zero.  Spatial sizes are
reduced where the architecture allows, to keep CI time sensible; the cheapest
member of each family runs in every test run, the rest are marked slow (.ci/run
runs them too).

Tolerance: like tests/parity/models/test_models.py, rtol = 1e-4 and an
absolute bound of 1e-4 relative to the output's scale (max |y| of torch's
output): float32 rounding differences (summation order of GEMM/conv, libm vs
SLEEF) accumulate layer after layer in proportion to the activations' size.
Several randomly initialised torchvision networks (EfficientNet, MnasNet,
MobileNet) end with outputs of order 1e-9..1e-14, where a fixed atol of 1e-4
would compare nothing; scaling it keeps the same relative strictness.  The
Hugging Face models (2 layers, hidden 32) are compared at torch.testing's
float32 defaults, as in the TorchScript suite."""
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers is imported: no network, ever

import pytest  # noqa: E402
import torch  # noqa: E402
from torch.export import Dim  # noqa: E402

import pyts  # noqa: E402

torchvision = pytest.importorskip("torchvision")

RTOL = REL_ATOL = 1e-4

# cheapest member of each family: run every time; the rest of the zoo is slow
FAST = {"alexnet", "convnext_tiny", "densenet121", "efficientnet_b0", "googlenet", "inception_v3", "mnasnet0_5",
        "mobilenet_v3_small", "regnet_x_400mf", "regnet_y_400mf", "resnet18", "resnext50_32x4d",
        "shufflenet_v2_x0_5", "squeezenet1_1", "swin_t", "swin_v2_t", "vgg11", "vit_b_32", "wide_resnet50_2"}


def classifiers():
    return torchvision.models.list_models(module=torchvision.models)


def input_size(name):
    """Smallest convenient H = W the architecture accepts."""
    if name == "inception_v3":
        return 75  # its stem needs >= 75
    if name.startswith("vit_"):
        return 28 if name == "vit_h_14" else 32  # built with image_size = this (a multiple of the patch)
    if name == "maxvit_t":
        return 224  # its attention windows are fixed by input_size=224
    return 64


def build(name):
    kwargs = {"weights": None}
    if name in ("googlenet", "inception_v3"):
        kwargs.update(aux_logits=False, init_weights=False)
    if name.startswith("vit_"):
        kwargs.update(image_size=input_size(name))
    model = getattr(torchvision.models, name)(**kwargs).eval()
    refill_zero_weights(model)
    return model


def refill_zero_weights(model):
    with torch.no_grad():
        for pname, p in model.named_parameters():
            if pname.endswith("weight") and p.dim() >= 2 and not p.any():
                p.normal_(0.0, 0.02)


def tol(want):
    """rtol, atol for an output whose largest magnitude is that of `want` (a tensor or a tree of them)."""
    leaves = [t for t in torch.utils._pytree.tree_leaves(want) if isinstance(t, torch.Tensor) and t.is_floating_point()]
    scale = max([float(t.abs().max()) for t in leaves if t.numel()] or [1.0])
    return dict(rtol=RTOL, atol=REL_ATOL * scale if scale > 0 else REL_ATOL)


def check_module(parity, model, args):
    """parity.check(model, args, export="export") at the output-scaled tolerance."""
    with torch.no_grad():
        want = model(*args)
    return parity.check(model, args, export="export", **tol(want))


def check_archive(parity, path, args):
    """A saved .pt2 run by ExportedProgram.module() and pyts at the output-scaled tolerance."""
    ep = torch.export.load(path)
    with torch.no_grad():
        want = ep.module()(*args)
    return parity.check(path, args, **tol(want))


ZOO = [pytest.param(n, marks=() if n in FAST else pytest.mark.slow) for n in
       torchvision.models.list_models(module=torchvision.models)]


@pytest.mark.parametrize("name", ZOO)
def test_classifier(name, parity):
    model = build(name)
    s = input_size(name)
    res = check_module(parity, model, (parity.randn(2, 3, s, s),))
    assert res.pyts_output.shape == (2, 1000)


def test_zoo_is_every_classifier():
    """The parametrization above is torchvision's own list (nothing skipped silently)."""
    assert [p.values[0] for p in ZOO] == classifiers() and len(ZOO) >= 80


@pytest.mark.parametrize("name", ["resnet18", "mobilenet_v3_small", "convnext_tiny", "swin_t", "vit_b_32"])
def test_classifier_dynamic_batch(name, parity):
    """One archive exported with a symbolic batch, run at batch 1 and 3; batch 9 is outside Dim(max=8)."""
    model = build(name)
    s = input_size(name)
    with torch.no_grad():
        ep = torch.export.export(model, (parity.randn(2, 3, s, s),), dynamic_shapes=({0: Dim("batch", max=8)},))
    path = str(parity.tmp_path / (name + ".pt2"))
    torch.export.save(ep, path)
    for b in (1, 3):
        check_archive(parity, path, (parity.randn(b, 3, s, s),))
    m = pyts.load(path)
    with pytest.raises(pyts.ExecutionError, match=r"dimension 0 is 9, outside the range \[[01], 8\]"):
        m(parity.randn(9, 3, s, s).numpy())


# ---- segmentation and detection ---------------------------------------------------------------

SEGMENTATION = ["deeplabv3_mobilenet_v3_large", "deeplabv3_resnet101", "deeplabv3_resnet50", "fcn_resnet101",
                "fcn_resnet50", "lraspp_mobilenet_v3_large"]
SEG_FAST = {"lraspp_mobilenet_v3_large", "deeplabv3_mobilenet_v3_large"}


def test_segmentation_list_is_torchvisions():
    assert SEGMENTATION == torchvision.models.list_models(module=torchvision.models.segmentation)


@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n in SEG_FAST else pytest.mark.slow)
                                  for n in SEGMENTATION])
def test_segmentation(name, parity):
    """Dict outputs ({"out"}, plus "aux" where the model has an auxiliary head)."""
    model = getattr(torchvision.models.segmentation, name)(weights=None, weights_backbone=None).eval()
    res = check_module(parity, model, (parity.randn(1, 3, 64, 64),))
    assert isinstance(res.pyts_output, dict) and "out" in res.pyts_output
    assert res.pyts_output["out"].shape == (1, 21, 64, 64)


DETECTION = torchvision.models.list_models(module=torchvision.models.detection)


def try_export(model, args, **kwargs):
    """torch.export.export, or pytest.skip naming torch's own error when torch cannot export the model."""
    try:
        with torch.no_grad():
            return torch.export.export(model, args, **kwargs)
    except Exception as e:  # torch's export errors have no common base class
        first = str(e).strip().splitlines()[0] if str(e).strip() else ""
        pytest.skip("torch.export.export fails in torch %s: %s: %s" % (torch.__version__, type(e).__name__, first[:300]))


@pytest.mark.parametrize("name", [pytest.param(n, marks=() if n == "fasterrcnn_mobilenet_v3_large_320_fpn"
                                               else pytest.mark.slow) for n in DETECTION])
def test_detection(name, parity):
    """The whole detector (list of images in, list of {boxes, labels, scores, ...} out).  torch 2.14
    cannot export any of them (data-dependent sizes in NMS/box selection: GuardOnDataDependentSymNode);
    the skip names torch's error, and the test runs the archive as soon as torch exports one."""
    kwargs = {"weights": None, "weights_backbone": None}
    if "ssd" not in name:
        kwargs.update(min_size=128, max_size=128)
    model = getattr(torchvision.models.detection, name)(**kwargs).eval()
    x = parity.randn(3, 128, 128)
    ep = try_export(model, ([x],))
    path = str(parity.tmp_path / (name + ".pt2"))
    torch.export.save(ep, path)
    check_archive(parity, path, ([x],))


def test_detection_backbone_fpn(parity):
    """What torch can export of a detector: its backbone with the feature pyramid (an OrderedDict of
    feature maps), the part of Faster R-CNN that does the network's arithmetic."""
    model = torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn(weights=None,
                                                                               weights_backbone=None).eval()
    res = check_module(parity, model.backbone, (parity.randn(1, 3, 128, 128),))
    assert isinstance(res.pyts_output, dict) and len(res.pyts_output) >= 2


# ---- Hugging Face transformers: tiny configs, random weights, no hub ---------------------------

V = 99                   # vocabulary
PAD, EOS = 1, V - 1
TINY = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)


def transformers_module():
    tf = pytest.importorskip("transformers")
    tf.logging.set_verbosity_error()
    import huggingface_hub.constants

    huggingface_hub.constants.HF_HUB_OFFLINE = True
    return tf


class TextModel(torch.nn.Module):
    """model(input_ids, attention_mask) as a tuple of tensors (the ModelOutput's to_tuple())."""

    def __init__(self, model):
        super().__init__()
        self.model = model.eval()

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids=input_ids, attention_mask=attention_mask).to_tuple()


class ImageModel(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model.eval()

    def forward(self, pixel_values):
        return self.model(pixel_values=pixel_values).to_tuple()


def token_batch(batch, seq, real=None):
    """Token ids 2..V-2 ending in EOS; the last row has `real` tokens then PAD.  Returns (ids, mask)."""
    x = torch.randint(2, V - 1, (batch, seq))
    mask = torch.ones(batch, seq, dtype=torch.long)
    real = seq if real is None else real
    x[:, -1] = EOS
    x[-1, real - 1] = EOS
    x[-1, real:] = PAD
    mask[-1, real:] = 0
    return x, mask


def bert(tf):
    return tf.BertModel(tf.BertConfig(vocab_size=V, max_position_embeddings=64, pad_token_id=PAD, **TINY))


def gpt2(tf):
    return tf.GPT2LMHeadModel(tf.GPT2Config(vocab_size=V, n_positions=64, n_embd=32, n_layer=2, n_head=4,
                                            use_cache=False, pad_token_id=PAD))


TEXT_MODELS = {"bert": bert, "gpt2": gpt2}


def more_text_models(tf):
    """The other families of the TorchScript suite (tests/parity/models/test_hf_models.py on main):
    name -> (model, input names)."""
    dec = ["input_ids", "attention_mask", "decoder_input_ids"]
    enc = ["input_ids", "attention_mask"]
    return {
        "distilbert": (tf.DistilBertModel(tf.DistilBertConfig(vocab_size=V, dim=32, n_layers=2, n_heads=4,
                                                               hidden_dim=64, max_position_embeddings=64,
                                                               pad_token_id=PAD)), enc),
        "roberta": (tf.RobertaModel(tf.RobertaConfig(vocab_size=V, max_position_embeddings=64, pad_token_id=PAD,
                                                     **TINY)), enc),
        "albert": (tf.AlbertModel(tf.AlbertConfig(vocab_size=V, embedding_size=16, max_position_embeddings=64,
                                                  pad_token_id=PAD, **TINY)), enc),
        "electra": (tf.ElectraModel(tf.ElectraConfig(vocab_size=V, embedding_size=16, max_position_embeddings=64,
                                                     pad_token_id=PAD, **TINY)), enc),
        "gpt_neo": (tf.GPTNeoModel(tf.GPTNeoConfig(vocab_size=V, hidden_size=32, num_layers=2, num_heads=4,
                                                   attention_types=[[["global", "local"], 1]], window_size=4,
                                                   max_position_embeddings=64, use_cache=False)), enc),
        "llama": (tf.LlamaModel(tf.LlamaConfig(vocab_size=V, max_position_embeddings=64, num_key_value_heads=2,
                                               use_cache=False, pad_token_id=PAD, **TINY)), enc),
        "clip_text": (tf.CLIPTextModel(tf.CLIPTextConfig(vocab_size=V, max_position_embeddings=64, **TINY)), enc),
        "t5": (tf.T5Model(tf.T5Config(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                                      use_cache=False, pad_token_id=PAD, decoder_start_token_id=PAD)), dec),
        "bart": (tf.BartModel(tf.BartConfig(vocab_size=V, d_model=32, encoder_layers=2, decoder_layers=2,
                                            encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
                                            decoder_ffn_dim=64, max_position_embeddings=64, use_cache=False,
                                            pad_token_id=PAD)), dec),
    }


class Keywords(torch.nn.Module):
    """model(**dict(zip(names, inputs))).to_tuple(), with the inputs positional."""

    def __init__(self, model, names):
        super().__init__()
        self.model, self.names = model.eval(), list(names)

    def forward(self, *inputs):
        return self.model(**dict(zip(self.names, inputs))).to_tuple()


MORE_TEXT = ["albert", "bart", "clip_text", "distilbert", "electra", "gpt_neo", "llama", "roberta", "t5"]


@pytest.mark.parametrize("name", MORE_TEXT)
def test_hf_more_text(name, parity):
    tf = transformers_module()
    model, names = more_text_models(tf)[name]
    inputs = token_batch(2, 8, real=5)
    if "decoder_input_ids" in names:
        inputs = inputs + (token_batch(2, 5)[0],)
    parity.check(Keywords(model, names), inputs, export="export")


def test_hf_audio_and_vision_encoders(parity):
    """Whisper's encoder (conv1d stem, log-mel input) and CLIP's vision tower."""
    tf = transformers_module()
    whisper = tf.WhisperModel(tf.WhisperConfig(vocab_size=V, pad_token_id=PAD, bos_token_id=2, eos_token_id=3,
                                               decoder_start_token_id=2, d_model=32, encoder_layers=2,
                                               decoder_layers=2, encoder_attention_heads=4,
                                               decoder_attention_heads=4, encoder_ffn_dim=64, decoder_ffn_dim=64,
                                               num_mel_bins=16, max_source_positions=20, max_target_positions=16,
                                               use_cache=False)).get_encoder()
    parity.check(Keywords(whisper, ["input_features"]), (parity.randn(2, 16, 40),), export="export")
    clip = tf.CLIPVisionModel(tf.CLIPVisionConfig(image_size=32, patch_size=8, **TINY))
    parity.check(Keywords(clip, ["pixel_values"]), (parity.randn(2, 3, 32, 32),), export="export")


@pytest.mark.parametrize("name", sorted(TEXT_MODELS))
def test_hf_text(name, parity):
    """Static shapes, a padded batch (the attention mask reaches the masked softmax)."""
    tf = transformers_module()
    model = TextModel(TEXT_MODELS[name](tf))
    res = parity.check(model, token_batch(2, 8, real=5), export="export")
    assert isinstance(res.pyts_output, tuple)


@pytest.mark.parametrize("name", sorted(TEXT_MODELS))
def test_hf_text_dynamic_batch_and_sequence(name, parity):
    """One archive exported with Dim("batch") and Dim("seq"), run at (2, 8), (3, 13) and (1, 2)."""
    tf = transformers_module()
    model = TextModel(TEXT_MODELS[name](tf))
    b, s = Dim("batch", max=8), Dim("seq", min=2, max=32)
    ep = try_export(model, token_batch(2, 8, real=5), dynamic_shapes=({0: b, 1: s}, {0: b, 1: s}))
    path = str(parity.tmp_path / (name + ".pt2"))
    torch.export.save(ep, path)
    for batch, seq, real in ((2, 8, 5), (3, 13, 9), (1, 2, 2)):
        parity.check(path, token_batch(batch, seq, real))
    with pytest.raises(pyts.ExecutionError, match=r"dimension 1 is 33, outside the range \[2, 32\]"):
        pyts.load(path)(*(t.numpy() for t in token_batch(1, 33)))


def test_hf_vit(parity):
    tf = transformers_module()
    model = ImageModel(tf.ViTModel(tf.ViTConfig(image_size=32, patch_size=8, **TINY)))
    res = parity.check(model, (parity.randn(2, 3, 32, 32),), export="export")
    assert res.pyts_output[0].shape == (2, 17, 32)


def test_hf_vit_dynamic_batch(parity):
    tf = transformers_module()
    model = ImageModel(tf.ViTForImageClassification(tf.ViTConfig(image_size=32, patch_size=8, num_labels=5,
                                                                   **TINY)))
    ep = try_export(model, (parity.randn(2, 3, 32, 32),), dynamic_shapes=({0: Dim("batch", max=8)},))
    path = str(parity.tmp_path / "vit.pt2")
    torch.export.save(ep, path)
    for batch in (1, 4):
        res = parity.check(path, (parity.randn(batch, 3, 32, 32),))
        assert res.pyts_output[0].shape == (batch, 5)


def test_hf_wav2vec2(parity):
    """wav2vec2 (base style: group-norm feature extractor, weight-normed positional convolution): its
    export calls aten::_weight_norm, which the weight-norm family on main provides."""
    if not any(s.startswith("aten::_weight_norm(") for s in pyts.supported_ops()):
        pytest.skip("pyts on this branch lacks aten::_weight_norm (csrc/ops/nn/weight_norm.c on main)")
    tf = transformers_module()
    model = tf.Wav2Vec2Model(tf.Wav2Vec2Config(vocab_size=V, conv_dim=(16, 16), conv_stride=(5, 2),
                                               conv_kernel=(10, 3), num_conv_pos_embeddings=16,
                                               num_conv_pos_embedding_groups=4, **TINY))
    parity.check(Keywords(model, ["input_values"]), (parity.randn(2, 400),), export="export")
