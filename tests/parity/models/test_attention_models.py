"""Model parity of attention and Transformers (csrc/ops/nn/attention.c):
nn.MultiheadAttention (key_padding_mask, attn_mask bool and float, both,
need_weights, average_attn_weights, batch_first or not, cross-attention),
nn.TransformerEncoderLayer (norm_first, relu / gelu), nn.TransformerEncoder
with src_key_padding_mask (the nested-tensor fast path torch takes in eval
under no_grad: padded positions come out as torch's zeros),
nn.TransformerDecoderLayer, nn.Transformer with a causal mask, and torchvision's
vit_b_32 / vit_b_16 - scripted (where torch records the fast-path ops:
_native_multi_head_attention, _transformer_encoder_layer_fwd,
_nested_tensor_from_mask, to_padded_tensor) and traced (where it records
scaled_dot_product_attention).

Tolerances: torch.testing's float32 defaults unless a test says otherwise."""
import os
import textwrap
from typing import Optional

import pytest
import torch
from torch import nn

E, H, FF = 16, 4, 32


def x(*shape):
    return torch.randn(*shape)


def padding(B, S, lengths):
    m = torch.zeros(B, S, dtype=torch.bool)
    for b, n in enumerate(lengths):
        m[b, n:] = True
    return m


class MHA(nn.Module):
    def __init__(self, batch_first=True, need_weights=True, average=True, kdim=None):
        super().__init__()
        self.m = nn.MultiheadAttention(E, H, batch_first=batch_first, kdim=kdim, vdim=kdim)
        self.need_weights, self.average = need_weights, average

    def forward(self, q, k, v, key_padding_mask: Optional[torch.Tensor] = None, attn_mask: Optional[torch.Tensor] = None):
        return self.m(q, k, v, key_padding_mask=key_padding_mask, attn_mask=attn_mask,
                      need_weights=self.need_weights, average_attn_weights=self.average)


class SelfMHA(MHA):
    """query is key is value: the case torch's fast path (_native_multi_head_attention) takes."""

    def forward(self, q, key_padding_mask: Optional[torch.Tensor] = None, attn_mask: Optional[torch.Tensor] = None):
        return self.m(q, q, q, key_padding_mask=key_padding_mask, attn_mask=attn_mask,
                      need_weights=self.need_weights, average_attn_weights=self.average)


EXPORTS = ["script", "trace"]


class Present(nn.Module):
    """Calls `inner` with None in place of the absent optional inputs: a traced
    model takes tensors only."""

    def __init__(self, inner, present):
        super().__init__()
        self.inner, self.present = inner, present

    def forward(self, *args):
        it = iter(args)
        return self.inner(*[next(it) if p else None for p in self.present])


class First(nn.Module):
    """inner's first output (a traced model cannot return the None weights of need_weights=False)."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner

    def forward(self, *args):
        return self.inner(*args)[0]


def check(parity, model, args, export, **kw):
    """parity.check of model on args, where None args are absent optional inputs."""
    if export == "trace" and any(a is None for a in args):
        model = Present(model, [a is not None for a in args]).eval()
        args = tuple(a for a in args if a is not None)
    return parity.check(model, args, export=export, **kw)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("masks", ["none", "key_padding", "attn_bool", "attn_float", "both"])
def test_self_attention(parity, export, need_weights, average, masks):
    B, S = 3, 7
    q = x(B, S, E)
    kpm = padding(B, S, [7, 4, 5]) if masks in ("key_padding", "both") else None
    am = None
    if masks in ("attn_bool", "both"):
        am = torch.rand(S, S) > 0.8
        am.fill_diagonal_(False)
    elif masks == "attn_float":
        am = torch.randn(S, S)
    if export == "script" and not need_weights and masks in ("none", "key_padding", "attn_bool", "both"):
        pytest.skip("torch cannot run its own scripted fast path without weights (it returns an undefined "
                    "tensor where TorchScript expects Optional[Tensor]: 'strides() called on an undefined Tensor')")
    model = SelfMHA(need_weights=need_weights, average=average).eval()
    if export == "trace" and not need_weights:
        model = First(model).eval()
    check(parity, model, (q, kpm, am), export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("batch_first", [True, False])
def test_cross_attention(parity, export, batch_first):
    B, L, S = 2, 5, 6
    shape = (lambda n: (B, n, E)) if batch_first else (lambda n: (n, B, E))
    q, kv = x(*shape(L)), x(*shape(S))
    kpm = padding(B, S, [6, 3])
    parity.check(MHA(batch_first=batch_first).eval(), (q, kv, kv, kpm), export=export)


@pytest.mark.parametrize("export", EXPORTS)
def test_attention_kdim(parity, export):
    B, L, S = 2, 5, 6
    kv = x(B, S, 10)
    parity.check(MHA(kdim=10).eval(), (x(B, L, E), kv, kv), export=export)


class Encoder(nn.Module):
    def __init__(self, norm_first=False, activation="relu", layers=2, final_norm=False, mask_check=True):
        super().__init__()
        layer = nn.TransformerEncoderLayer(E, H, FF, batch_first=True, norm_first=norm_first, activation=activation)
        self.enc = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(E) if final_norm else None,
                                         enable_nested_tensor=not norm_first, mask_check=mask_check)

    def forward(self, src, src_key_padding_mask: Optional[torch.Tensor] = None):
        return self.enc(src, src_key_padding_mask=src_key_padding_mask)


class EncoderLayer(nn.Module):
    def __init__(self, norm_first=False, activation="relu"):
        super().__init__()
        self.layer = nn.TransformerEncoderLayer(E, H, FF, batch_first=True, norm_first=norm_first,
                                                activation=activation)

    def forward(self, src, src_mask: Optional[torch.Tensor] = None, src_key_padding_mask: Optional[torch.Tensor] = None):
        return self.layer(src, src_mask=src_mask, src_key_padding_mask=src_key_padding_mask)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("norm_first", [False, True])
@pytest.mark.parametrize("activation", ["relu", "gelu"])
@pytest.mark.parametrize("masks", ["none", "key_padding", "attn_mask"])
def test_encoder_layer(parity, export, norm_first, activation, masks):
    B, S = 3, 6
    kpm = padding(B, S, [6, 2, 4]) if masks == "key_padding" else None
    am = nn.Transformer.generate_square_subsequent_mask(S) if masks == "attn_mask" else None
    check(parity, EncoderLayer(norm_first, activation).eval(), (x(B, S, E), am, kpm), export)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("case", ["left_aligned", "final_norm", "unpadded", "gelu", "not_left_aligned",
                                  "not_left_aligned_unchecked", "norm_first", "no_mask", "empty_entry"])
def test_encoder_padding_mask(parity, export, case):
    """Scripted: torch runs the layers on a nested tensor (lengths 8, 3, 5, 1)
    and pads the result back with zeros; pyts must give the same zeros."""
    B, S = 4, 8
    kw = {"final_norm": case == "final_norm", "activation": "gelu" if case == "gelu" else "relu",
          "norm_first": case == "norm_first", "mask_check": case != "not_left_aligned_unchecked"}
    lengths = {"unpadded": [8] * B, "empty_entry": [8, 0, 5, 2]}.get(case, [8, 3, 5, 1])
    kpm = padding(B, S, lengths)
    if case.startswith("not_left_aligned"):
        kpm[1] = torch.tensor([False, True, False, True, True, True, False, True])
    if case == "no_mask":
        kpm = None
    check(parity, Encoder(**kw).eval(), (x(B, S, E), kpm), export)


class Decoder(nn.Module):
    def __init__(self, norm_first=False):
        super().__init__()
        self.layer = nn.TransformerDecoderLayer(E, H, FF, batch_first=True, norm_first=norm_first)

    def forward(self, tgt, memory, tgt_mask: Optional[torch.Tensor] = None, tgt_key_padding_mask: Optional[torch.Tensor] = None,
                memory_key_padding_mask: Optional[torch.Tensor] = None):
        return self.layer(tgt, memory, tgt_mask=tgt_mask, tgt_key_padding_mask=tgt_key_padding_mask,
                          memory_key_padding_mask=memory_key_padding_mask)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer(parity, export, norm_first):
    B, T, S = 2, 5, 7
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(T)
    args = (x(B, T, E), x(B, S, E), tgt_mask, padding(B, T, [5, 4]), padding(B, S, [7, 3]))
    parity.check(Decoder(norm_first).eval(), args, export=export)


class Seq2Seq(nn.Module):
    def __init__(self):
        super().__init__()
        self.t = nn.Transformer(E, H, 2, 2, FF, batch_first=True)

    def forward(self, src, tgt, src_key_padding_mask: Optional[torch.Tensor] = None):
        tgt_mask = nn.Transformer.generate_square_subsequent_mask(tgt.size(1))
        return self.t(src, tgt, tgt_mask=tgt_mask, src_key_padding_mask=src_key_padding_mask,
                      memory_key_padding_mask=src_key_padding_mask, tgt_is_causal=True)


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("padded", [False, True])
def test_transformer_causal(parity, export, padded):
    B, S, T = 3, 6, 5
    kpm = padding(B, S, [6, 2, 4]) if padded else None
    check(parity, Seq2Seq().eval(), (x(B, S, E), x(B, T, E), kpm), export)


class SDPA(nn.Module):
    def forward(self, q, k, v, mask: Optional[torch.Tensor] = None):
        return (nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask),
                nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, scale=0.5),
                nn.functional.scaled_dot_product_attention(q, k[:, :1], v[:, :1], enable_gqa=True))


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize("mask", ["none", "bool", "float"])
def test_sdpa_module(parity, export, mask):
    q, k, v = x(2, 4, 5, 8), x(2, 4, 7, 8), x(2, 4, 7, 8)
    m = {"none": None, "bool": torch.rand(5, 7) > 0.5, "float": torch.randn(2, 1, 5, 7)}[mask]
    check(parity, SDPA().eval(), (q, k, v, m), export)


NESTED_SRC = '''
import torch


def padded(x: torch.Tensor, mask: torch.Tensor, check: bool):
    nt = torch._nested_tensor_from_mask(x, mask, check)
    return (nt.to_padded_tensor(-1.5), nt.to_padded_tensor(0.25, [x.size(0), x.size(1) + 2, x.size(2)]),
            torch._nested_tensor_from_mask_left_aligned(x, mask))
'''


@pytest.mark.parametrize("check", [True, False])
def test_nested_to_padded(parity, tmp_path, check):
    """_nested_tensor_from_mask / to_padded_tensor on their own (the encoder fast path's bracket)."""
    import importlib.util
    path = tmp_path / "nested_mod.py"
    path.write_text(textwrap.dedent(NESTED_SRC))
    spec = importlib.util.spec_from_file_location("nested_mod", str(path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    fn = torch.jit.script(mod.padded)
    mask = ~padding(3, 5, [5, 2, 3]) if check else torch.tensor([[True, False, True, False, False]] * 3)
    parity.check(fn, (x(3, 5, 4), mask, check))


def vit(name):
    torchvision = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    m = getattr(torchvision.models, name)(weights=None).eval()
    nn.init.normal_(m.heads.head.weight, std=0.02)  # torchvision zero-initializes the head
    nn.init.normal_(m.heads.head.bias, std=0.02)
    return m


@pytest.mark.parametrize("export", EXPORTS)
def test_vit_b_32(parity, export):
    parity.check(vit("vit_b_32"), (x(1, 3, 224, 224),), export=export)


# ~12 s per export here (torch's own run is most of it): not marked slow
@pytest.mark.parametrize("export", EXPORTS)
def test_vit_b_16(parity, export):
    parity.check(vit("vit_b_16"), (x(1, 3, 224, 224),), export=export)
