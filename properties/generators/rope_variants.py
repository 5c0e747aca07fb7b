#!/usr/bin/python3
"""Conformance data for the 2-D vision RoPE and xPos (vision_rope.json, xpos.json).

Run with Debian's python3-torch (1.13): `/usr/bin/python3 properties/generators/rope_variants.py`. It writes
both files into properties/src/main/resources/dev/posenc/properties/conformance/. Every expected value is
computed in float64 by torch, following the reference implementations operation by operation:

- Qwen2-VL vision tower (HF modeling_qwen2_vl.py): VisionRotaryEmbedding(head_dim // 2, theta=10000),
  Qwen2VisionTransformerPretrainedModel.rot_pos_emb (merge windows), cat(emb, emb), rotate_half
  (apply_rotary_pos_emb_vision).
- Pixtral (HF modeling_pixtral.py): PixtralRotaryEmbedding.compute_default_rope_parameters (freqs[::2] for
  rows, freqs[1::2] for columns), position_ids_in_meshgrid, rotate_half; and mistral-inference's complex form
  (precompute_freqs_cis_2d, view_as_complex on neighbouring dims).
- xPos (torchscale xpos_relative_position.py, XPOS.forward): scale = (arange(0, d, 2) + 0.4 d)/(1.4 d),
  scale ** (arange(min_pos, max_pos)/scale_base), rotate_every_two, keys downscaled; queries of a decode step
  with offset = key length - 1 (torchscale MultiheadAttention).

Inputs are float32 (stored exactly); nothing depends on torch's random generator beyond the fixed seed.
"""
import json
import math
import os

import torch

torch.manual_seed(11)
F64 = torch.float64
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "src", "main", "resources", "dev", "posenc", "properties", "conformance")


def tensor(t, dtype):
    data = t.detach().reshape(-1).tolist()
    if dtype == "int64":
        data = [int(v) for v in data]
    return {"dtype": dtype, "shape": list(t.shape), "data": data}


def f32(t):
    return tensor(t.to(torch.float32).to(F64), "float32")


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rotate_every_two(x):
    return torch.stack((-x[..., 1::2], x[..., ::2]), dim=-1).flatten(-2)


def inputs(n, heads, d):
    return torch.randn(n, heads, d).to(torch.float32).to(F64)


# ---------------------------------------------------------------- 2-D vision RoPE

def qwen2vl_case(name, head_dim, grid, merge, heads=(3, 2)):
    t, h, w = grid
    dim = head_dim // 2
    inv_freq = 1.0 / (10000.0 ** (torch.arange(0, dim, 2, dtype=F64) / dim))
    hpos = torch.arange(h).unsqueeze(1).expand(-1, w)
    hpos = hpos.reshape(h // merge, merge, w // merge, merge).permute(0, 2, 1, 3).flatten()
    wpos = torch.arange(w).unsqueeze(0).expand(h, -1)
    wpos = wpos.reshape(h // merge, merge, w // merge, merge).permute(0, 2, 1, 3).flatten()
    pos = torch.stack([hpos, wpos], dim=-1).repeat(t, 1)
    full = torch.outer(torch.arange(max(h, w), dtype=F64), inv_freq)
    emb = full[pos].flatten(1)
    emb = torch.cat((emb, emb), dim=-1)
    cos, sin = emb.cos().unsqueeze(-2), emb.sin().unsqueeze(-2)
    n = pos.shape[0]
    q, k = inputs(n, heads[0], head_dim), inputs(n, heads[1], head_dim)
    return {
        "name": name, "kind": "rotate",
        "params": {"convention": "QWEN2_VL", "layout": "HALF_SPLIT", "head_dim": head_dim, "rope_theta": 10000.0,
                   "grid_thw": list(grid), "spatial_merge_size": merge},
        "inputs": {"position_ids": tensor(pos.t(), "int64"), "q": f32(q), "k": f32(k)},
        "expected": {"q_out": tensor(q * cos + rotate_half(q) * sin, "float64"),
                     "k_out": tensor(k * cos + rotate_half(k) * sin, "float64")},
        "note": "HF Qwen2-VL VisionRotaryEmbedding + rot_pos_emb + apply_rotary_pos_emb_vision",
    }


def pixtral_table(head_dim, base, side):
    freqs = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=F64) / head_dim))
    hs = torch.arange(side, dtype=F64)
    freqs_h = torch.outer(hs, freqs[::2])
    freqs_w = torch.outer(hs, freqs[1::2])
    return torch.cat([freqs_h[:, None, :].repeat(1, side, 1), freqs_w[None, :, :].repeat(side, 1, 1)], dim=-1)


def pixtral_case(name, head_dim, base, height, width, interleaved):
    side = max(height, width) + 3   # max_patches_per_side: larger than the image
    table = pixtral_table(head_dim, base, side)              # [side, side, head_dim/2]
    rows = torch.arange(height).repeat_interleave(width)
    cols = torch.arange(width).repeat(height)
    angles = table[rows, cols]                               # [N, head_dim/2]
    n = rows.shape[0]
    q, k = inputs(n, 2, head_dim), inputs(n, 2, head_dim)
    if interleaved:
        cis = torch.polar(torch.ones_like(angles), angles)[:, None, :]
        def apply(x):
            xc = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2).contiguous())
            return torch.view_as_real(xc * cis).flatten(-2)
        note = "mistral-inference precompute_freqs_cis_2d + apply_rotary_emb_vit (complex, neighbouring dims)"
    else:
        flat = table.reshape(-1, head_dim // 2)
        flat = torch.cat((flat, flat), dim=-1)
        ids = rows * side + cols                              # position_ids_in_meshgrid with max_width = side
        cos, sin = flat[ids].cos().unsqueeze(-2), flat[ids].sin().unsqueeze(-2)
        def apply(x):
            return x * cos + rotate_half(x) * sin
        note = "HF PixtralRotaryEmbedding + position_ids_in_meshgrid + apply_rotary_pos_emb"
    return {
        "name": name, "kind": "rotate",
        "params": {"convention": "PIXTRAL", "layout": "INTERLEAVED" if interleaved else "HALF_SPLIT",
                   "head_dim": head_dim, "rope_theta": base, "height": height, "width": width},
        "inputs": {"position_ids": tensor(torch.stack([rows, cols]), "int64"), "q": f32(q), "k": f32(k)},
        "expected": {"q_out": tensor(apply(q), "float64"), "k_out": tensor(apply(k), "float64")},
        "note": note,
    }


# ---------------------------------------------------------------- xPos

def xpos(x, head_dim, scale_base, offset, downscale):
    """torchscale XPOS.forward in float64; x is [length, heads, head_dim] (torchscale: [b·h, length, d])."""
    length = x.shape[0]
    min_pos = -(length + offset) // 2
    max_pos = length + offset + min_pos
    zeta = (torch.arange(0, head_dim, 2, dtype=F64) + 0.4 * head_dim) / (1.4 * head_dim)
    scale = zeta ** (torch.arange(min_pos, max_pos, 1, dtype=F64) / scale_base)[:, None]
    seq_len, dim = scale.shape
    inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, dtype=F64) / dim))
    sinusoid = torch.outer(torch.arange(0, seq_len, dtype=F64), inv_freq)
    sin, cos = torch.sin(sinusoid), torch.cos(sinusoid)
    if scale.shape[0] > length:
        scale, sin, cos = scale[-length:], sin[-length:], cos[-length:]
    if downscale:
        scale = 1 / scale
    sin = (sin * scale).repeat_interleave(2, dim=-1)[:, None, :]
    cos = (cos * scale).repeat_interleave(2, dim=-1)[:, None, :]
    return x * cos + rotate_every_two(x) * sin, min_pos


def xpos_case(name, head_dim, length, offset, keys, heads=2, scale_base=512.0, last=None):
    """The rows of a torchscale call on `length` rows after `offset`; only the `last` ones are stored when given."""
    x = inputs(length, heads, head_dim)
    out, min_pos = xpos(x, head_dim, scale_base, offset, keys)
    positions = torch.arange(offset, offset + length)
    if last is not None:
        x, out, positions = x[-last:], out[-last:], positions[-last:]
    return {
        "name": name, "kind": "keys" if keys else "queries",
        "params": {"head_dim": head_dim, "scale_base": scale_base, "rope_theta": 10000.0, "center": -min_pos,
                   "length": length, "offset": offset},
        "inputs": {"positions": tensor(positions, "int64"), "x": f32(x)},
        "expected": {"out": tensor(out, "float64")},
        "note": "torchscale XPOS.forward(x, offset=%d, downscale=%s); centre = -min_pos = ceil((length + offset)/2)"
                % (offset, keys),
    }


def write(family, description, sources, cases):
    doc = {"format_version": 1, "family": family, "seed": 11, "generator": "properties/generators/rope_variants.py",
           "torch_version": torch.__version__, "description": description, "sources": sources, "cases": cases}
    with open(os.path.join(OUT, family + ".json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


write("vision_rope", "2-D RoPE of ViT patches: Qwen2-VL vision tower, Pixtral (HF and mistral-inference)",
      ["transformers/models/qwen2_vl/modeling_qwen2_vl.py", "transformers/models/pixtral/modeling_pixtral.py",
       "mistral-inference vision_encoder.py"],
      [qwen2vl_case("qwen2vl_d80_grid_1x4x6", 80, (1, 4, 6), 2),
       qwen2vl_case("qwen2vl_d64_video_2x4x4", 64, (2, 4, 4), 2),
       qwen2vl_case("qwen2vl_d16_grid_1x16x24", 16, (1, 16, 24), 2, heads=(1, 1)),
       pixtral_case("pixtral_hf_d64_3x5", 64, 10000.0, 3, 5, False),
       pixtral_case("pixtral_hf_d32_b1e6_6x4", 32, 1_000_000.0, 6, 4, False),
       pixtral_case("pixtral_mistral_inference_d64_4x3", 64, 10000.0, 4, 3, True)])
write("xpos", "xPos (Sun et al. 2022) as torchscale's XPOS: queries scaled by zeta^((n-c)/512), keys by its inverse",
      ["torchscale/component/xpos_relative_position.py", "torchscale/component/multihead_attention.py"],
      [xpos_case("queries_d64_l16", 64, 16, 0, False),
       xpos_case("keys_d64_l16", 64, 16, 0, True),
       xpos_case("keys_d32_l1500_last8", 32, 1500, 0, True, heads=1, last=8),
       xpos_case("queries_decode_d32_offset1499", 32, 1, 1499, False),
       xpos_case("queries_d128_l9_odd", 128, 9, 0, False)])
print("wrote", os.path.join(OUT, "vision_rope.json"), "and xpos.json")
