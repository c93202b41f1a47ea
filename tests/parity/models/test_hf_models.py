"""Model parity of Hugging Face `transformers` models, traced: BERT (plus a
sequence-classification head, and eager attention returning every layer's
hidden states and attention probabilities), DistilBERT, RoBERTa, ALBERT,
ELECTRA, GPT-2 (with its tied LM head), GPT-Neo (global and local
attention layers), T5 (encoder only, and encoder-decoder with decoder
inputs), BART, ViT, CLIP text and vision, the Whisper encoder and wav2vec2
(base style: group norm and a weight-normed positional convolution; large
style: layer norm, stable layer norm, padding mask) - small configs (hidden
32, 2 layers, sequences of 8-12) so the module stays fast, each with and
without a padding mask where the model takes one; and one full-size
BERT-base (12 layers, hidden 768, sequence 128: marked slow, run in CI).

Models are built from configs with random weights (the parity fixture
seeds torch per test): no hub access - HF_HUB_OFFLINE=1 is set before
transformers is imported, so nothing reaches the network.  Configs ask for
torchscript=True; transformers 5 no longer honours it for the outputs (its
models return a ModelOutput, which torch.jit.trace refuses), so a model is
traced directly only if it returns plain tensors, and otherwise through
`Plain`, a wrapper that passes the inputs by keyword and returns the
output's to_tuple() (test_torchscript_flag_is_honoured_or_wrapped checks
which; a config with return_dict=False would give tuples too).  Every output leaf is compared at torch.testing's float32 defaults."""
import os

os.environ["HF_HUB_OFFLINE"] = "1"  # before transformers is imported: no network, ever

import pytest  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

transformers = pytest.importorskip("transformers")
transformers.logging.set_verbosity_error()
import huggingface_hub.constants  # noqa: E402

huggingface_hub.constants.HF_HUB_OFFLINE = True  # (in case something imported the hub before this module)

# transformers' Python branches on tensor values (mask shapes, "is the mask all ones") become constants of
# the trace; every trace here runs on the very inputs it was recorded with, so they hold.
# torch.jit.trace reads every attribute of the modules it records, including transformers' deprecated
# `is_gradient_checkpointing` property (a FutureWarning no code here triggers itself).
pytestmark = [pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning"),
              pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")]

V, B, S = 99, 2, 8       # vocabulary, batch, sequence
PAD, EOS = 1, V - 1      # token ids used as padding and end of sequence
SMALL = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64)


class Plain(nn.Module):
    """model(**dict(zip(names, inputs)), **fixed) as a tuple of tensors (a
    ModelOutput's to_tuple(): the fields that are not None, in order)."""

    def __init__(self, model, names, **fixed):
        super().__init__()
        self.model, self.names, self.fixed = model, list(names), fixed

    def forward(self, *inputs):
        out = self.model(**dict(zip(self.names, inputs)), **self.fixed)
        return out.to_tuple() if hasattr(out, "to_tuple") else out


def plain_tensors(out):
    return isinstance(out, torch.Tensor) or (isinstance(out, tuple) and all(plain_tensors(o) for o in out))


def exportable(model, names, inputs, **fixed):
    """The module to trace: `model` itself when, called positionally with
    `inputs`, it returns plain tensors (torchscript=True honoured), else the
    Plain wrapper."""
    model.eval()
    if not fixed and list(names) == positional_names(model, len(names)):
        with torch.no_grad():
            if plain_tensors(model(*inputs)):
                return model
    return Plain(model, names, **fixed).eval()


def positional_names(model, n):
    import inspect
    return list(inspect.signature(model.forward).parameters)[:n]


def ids(padded, batch=B, seq=S, lengths=None):
    """Token ids 2..V-2, ending with EOS; the padded batch's second row has
    `lengths` real tokens (5 of 8 by default), then PAD.  Returns (ids, mask)."""
    x = torch.randint(2, V - 1, (batch, seq))
    mask = torch.ones(batch, seq, dtype=torch.long)
    lengths = lengths or [seq] + [seq - 3] * (batch - 1)
    for b, n in enumerate(lengths if padded else [seq] * batch):
        x[b, n - 1] = EOS
        x[b, n:] = PAD
        mask[b, n:] = 0
    return x, mask


def text(padded, token_types=False):
    """(names, inputs) of an encoder taking input_ids [and attention_mask]."""
    x, m = ids(padded)
    if not padded:
        return ["input_ids"], (x,)
    if token_types:
        return ["input_ids", "attention_mask", "token_type_ids"], (x, m, (torch.arange(S) >= 3).long().expand(B, S))
    return ["input_ids", "attention_mask"], (x, m)


def seq2seq(padded, T=5):
    x, m = ids(padded)
    dec, dm = ids(padded, seq=T, lengths=[T, T - 2])
    if not padded:
        return ["input_ids", "decoder_input_ids"], (x, dec)
    return ["input_ids", "attention_mask", "decoder_input_ids", "decoder_attention_mask"], (x, m, dec, dm)


def check(parity, model, names, inputs, **fixed):
    return parity.check(exportable(model, names, inputs, **fixed), tuple(inputs))


# ---- encoders ---------------------------------------------------------------------------------
PADDED = pytest.mark.parametrize("padded", [False, True], ids=["unpadded", "padded"])


def bert_config(**kw):
    return transformers.BertConfig(vocab_size=V, max_position_embeddings=64, pad_token_id=PAD, torchscript=True,
                                   **dict(SMALL, **kw))


@PADDED
def test_bert(parity, padded):
    check(parity, transformers.BertModel(bert_config()), *text(padded, token_types=True))


def test_bert_eager_attentions_hidden_states(parity):
    """The eager attention path (matmul, masked softmax) with every layer's hidden states and attention
    probabilities as outputs."""
    model = transformers.BertModel(bert_config(attn_implementation="eager"))
    check(parity, model, *text(True), output_attentions=True, output_hidden_states=True)


def test_bert_sequence_classification(parity):
    model = transformers.BertForSequenceClassification(bert_config(num_labels=3))
    check(parity, model, *text(True))


@PADDED
def test_distilbert(parity, padded):
    cfg = transformers.DistilBertConfig(vocab_size=V, dim=32, n_layers=2, n_heads=4, hidden_dim=64,
                                        max_position_embeddings=64, pad_token_id=PAD, torchscript=True)
    check(parity, transformers.DistilBertModel(cfg), *text(padded))


@PADDED
def test_roberta(parity, padded):
    """Position ids are counted from the non-PAD tokens (RoBERTa's create_position_ids_from_input_ids)."""
    cfg = transformers.RobertaConfig(vocab_size=V, max_position_embeddings=64, pad_token_id=PAD, torchscript=True,
                                     **SMALL)
    check(parity, transformers.RobertaModel(cfg), *text(padded))


@PADDED
def test_albert(parity, padded):
    """Factorized embeddings (16 -> 32) and one layer's weights shared by both layers."""
    cfg = transformers.AlbertConfig(vocab_size=V, embedding_size=16, max_position_embeddings=64, pad_token_id=PAD,
                                    torchscript=True, **SMALL)
    check(parity, transformers.AlbertModel(cfg), *text(padded, token_types=True))


@PADDED
def test_electra(parity, padded):
    cfg = transformers.ElectraConfig(vocab_size=V, embedding_size=16, max_position_embeddings=64, pad_token_id=PAD,
                                     torchscript=True, **SMALL)
    check(parity, transformers.ElectraModel(cfg), *text(padded))


# ---- decoders ---------------------------------------------------------------------------------
@PADDED
def test_gpt2(parity, padded):
    cfg = transformers.GPT2Config(vocab_size=V, n_embd=32, n_layer=2, n_head=4, n_positions=64, bos_token_id=EOS,
                                  eos_token_id=EOS, pad_token_id=PAD, torchscript=True)
    check(parity, transformers.GPT2Model(cfg), *text(padded), use_cache=False)


def test_gpt2_lm_head(parity):
    """GPT2LMHeadModel: logits through the LM head tied to the token embedding."""
    cfg = transformers.GPT2Config(vocab_size=V, n_embd=32, n_layer=2, n_head=4, n_positions=64, bos_token_id=EOS,
                                  eos_token_id=EOS, pad_token_id=PAD, torchscript=True)
    check(parity, transformers.GPT2LMHeadModel(cfg), *text(True), use_cache=False)


@PADDED
def test_gpt_neo(parity, padded):
    """A global and a local (window 4, shorter than the sequence) attention layer."""
    cfg = transformers.GPTNeoConfig(vocab_size=V, hidden_size=32, num_layers=2, num_heads=4,
                                    attention_types=[[["global", "local"], 1]], window_size=4,
                                    attn_implementation="eager",  # GPT-Neo has no sdpa path
                                    max_position_embeddings=64, intermediate_size=64, bos_token_id=EOS,
                                    eos_token_id=EOS, pad_token_id=PAD, torchscript=True)
    check(parity, transformers.GPTNeoModel(cfg), *text(padded), use_cache=False)


# ---- encoder-decoders -------------------------------------------------------------------------
def t5_config():
    return transformers.T5Config(vocab_size=V, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                                 relative_attention_num_buckets=8, relative_attention_max_distance=16,
                                 pad_token_id=PAD, eos_token_id=EOS, decoder_start_token_id=PAD, torchscript=True)


@PADDED
def test_t5_encoder(parity, padded):
    """T5's relative position buckets (log-spaced, bidirectional) and RMS layer norm."""
    check(parity, transformers.T5EncoderModel(t5_config()), *text(padded))


@PADDED
def test_t5(parity, padded):
    """Encoder and decoder (causal, unidirectional buckets, cross-attention) on decoder_input_ids."""
    check(parity, transformers.T5Model(t5_config()), *seq2seq(padded), use_cache=False)


@PADDED
def test_bart(parity, padded):
    cfg = transformers.BartConfig(vocab_size=V, d_model=32, encoder_layers=2, decoder_layers=2,
                                  encoder_attention_heads=4, decoder_attention_heads=4, encoder_ffn_dim=64,
                                  decoder_ffn_dim=64, max_position_embeddings=64, pad_token_id=PAD, bos_token_id=0,
                                  eos_token_id=EOS, decoder_start_token_id=EOS, forced_eos_token_id=EOS,
                                  torchscript=True)
    check(parity, transformers.BartModel(cfg), *seq2seq(padded), use_cache=False)


# ---- vision and speech ------------------------------------------------------------------------
def test_vit(parity):
    cfg = transformers.ViTConfig(image_size=32, patch_size=8, torchscript=True, **SMALL)
    check(parity, transformers.ViTModel(cfg), ["pixel_values"], (torch.randn(B, 3, 32, 32),))


@PADDED
def test_clip_text(parity, padded):
    """Causal mask plus padding mask; the pooled output is taken at each sequence's EOS token."""
    cfg = transformers.CLIPTextConfig(vocab_size=V, max_position_embeddings=64, pad_token_id=PAD, bos_token_id=0,
                                      eos_token_id=EOS, projection_dim=16, torchscript=True, **SMALL)
    check(parity, transformers.CLIPTextModel(cfg), *text(padded))


def test_clip_vision(parity):
    cfg = transformers.CLIPVisionConfig(image_size=32, patch_size=8, projection_dim=16, torchscript=True, **SMALL)
    check(parity, transformers.CLIPVisionModel(cfg), ["pixel_values"], (torch.randn(B, 3, 32, 32),))


def test_whisper_encoder(parity):
    """Two convolutions over 16 mel bins x 40 frames, sinusoidal positions (max_source_positions 20)."""
    from transformers.models.whisper.modeling_whisper import WhisperEncoder
    cfg = transformers.WhisperConfig(vocab_size=V, d_model=32, encoder_layers=2, encoder_attention_heads=4,
                                     decoder_layers=2, decoder_attention_heads=4, encoder_ffn_dim=64,
                                     decoder_ffn_dim=64, num_mel_bins=16, max_source_positions=20,
                                     max_target_positions=20, pad_token_id=PAD, bos_token_id=0, eos_token_id=EOS,
                                     decoder_start_token_id=0, torchscript=True)
    check(parity, WhisperEncoder(cfg), ["input_features"], (torch.randn(B, 16, 40),))


def wav2vec2_config(large):
    """Two feature-extractor convolutions (kernel 10 stride 5, kernel 3 stride 2): 800 samples -> 79 frames."""
    kw = dict(feat_extract_norm="layer", do_stable_layer_norm=True) if large else {}
    return transformers.Wav2Vec2Config(conv_dim=(16, 16), conv_stride=(5, 2), conv_kernel=(10, 3),
                                       num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=4,
                                       vocab_size=V, torchscript=True, **SMALL, **kw)


def test_wav2vec2_base(parity):
    """Group-normed feature extractor, positional convolution under weight_norm (aten::_weight_norm)."""
    check(parity, transformers.Wav2Vec2Model(wav2vec2_config(False)), ["input_values"], (torch.randn(B, 800),))


@PADDED
def test_wav2vec2_large(parity, padded):
    """Layer-normed extractor, pre-norm encoder; the padding mask is reduced to frames."""
    mask = torch.ones(B, 800, dtype=torch.long)
    if padded:
        mask[1, 500:] = 0
    names, inputs = (["input_values", "attention_mask"], (torch.randn(B, 800), mask)) if padded else \
        (["input_values"], (torch.randn(B, 800),))
    check(parity, transformers.Wav2Vec2Model(wav2vec2_config(True)), names, inputs)


# ---- how the models are built and exported ----------------------------------------------------
def test_hub_is_offline():
    """Nothing here may reach the network: every model comes from a config, offline."""
    assert huggingface_hub.constants.HF_HUB_OFFLINE
    assert huggingface_hub.constants.is_offline_mode()


def test_torchscript_flag_is_honoured_or_wrapped():
    """With torchscript=True a model should return a tuple; where the installed transformers returns a
    ModelOutput anyway (transformers 5), exportable() must wrap it - and the wrapper traces."""
    torch.manual_seed(0)
    model = transformers.BertModel(bert_config()).eval()
    x, m = ids(True)
    with torch.no_grad():
        honoured = plain_tensors(model(x, m))
    exported = exportable(model, ["input_ids", "attention_mask"], (x, m))
    assert (exported is model) == honoured
    with torch.no_grad():
        assert plain_tensors(exported(x, m))
        traced = torch.jit.trace(exported, (x, m))
    torch.testing.assert_close(traced(x, m), exported(x, m), rtol=0, atol=0)


# ---- full size --------------------------------------------------------------------------------
@pytest.mark.slow
def test_bert_base(parity):
    """BERT-base: 12 layers, hidden 768, 12 heads, intermediate 3072, sequence 128, batch 1."""
    cfg = transformers.BertConfig(torchscript=True)
    x = torch.randint(1000, cfg.vocab_size, (1, 128))
    mask = torch.ones(1, 128, dtype=torch.long)
    mask[0, 100:] = 0
    check(parity, transformers.BertModel(cfg), ["input_ids", "attention_mask"], (x, mask))
