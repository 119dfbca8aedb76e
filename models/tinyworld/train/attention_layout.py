"""Tiny World 2's attention layers rewritten for export: the same parameters and function, laid out so
ONNX Runtime moves as little memory as possible.

Why (issue #13): in the graph exported from the training module, each temporal attention permutes its
input to [positions, frames, channels], splits q/k/v into [batch*positions, heads, frames, d] and
permutes the result back: four general permutes that move the innermost axis, which ORT's Transpose
runs element by element (24-29 % of 2.0.0's denoiser kernel time in the profile, more than its
MatMuls). Here q, k and v come out of one 1x1 convolution in the channels-first layout the rest of
the network uses ([B, 3C, F, H*W]); a single transpose moves the pixel axis outward (the form ORT
copies fastest), the attention reads q and v transposed through the matmuls' own transpose flags, and
one transpose moves the pixel axis back. The space-time attention at 4x4 needs no transpose at all:
its tokens are already the (frame, pixel) axes of that layout. The 1/sqrt(d) scale is folded into
the query weights. train/export2.py checks the exported graph against the training module.
"""
import torch
import torch.nn.functional as F

from train.nets import DenoiserTA, SpaceTimeAttention, TemporalAttention, _modulate


def _qkv_weights(att):
    """The qkv Linear as 1x1 conv weights, with the query rows scaled by 1/sqrt(d)."""
    c = att.n.num_channels
    scale = torch.ones(3 * c)
    scale[:c] = (c // att.heads) ** -0.5
    return att.qkv.weight * scale[:, None], att.qkv.bias * scale


class TemporalAttentionExport(TemporalAttention):
    def forward(self, x, emb=None):
        b, c, f, h, w = x.shape
        heads = self.heads
        d = c // heads
        p = h * w
        wq, bq = _qkv_weights(self)
        qkv = F.conv2d(_modulate(self.mod, self.n(x), emb).reshape(b, c, f, p), wq[:, :, None, None], bq)  # [B, 3C, F, P]
        qkv = qkv.permute(0, 3, 1, 2).reshape(b, p, 3, heads, d, f)                 # [B, P, 3, heads, d, F]
        q, k, v = qkv.unbind(2)
        s = q.transpose(-1, -2) @ k + self.bias(f, x)[None, None]                    # [B, P, heads, F, F]
        o = v @ torch.softmax(s, dim=-1).transpose(-1, -2)                          # [B, P, heads, d, F]
        o = o.reshape(b, p, c, f).permute(0, 2, 3, 1)                               # [B, C, F, P]
        out = F.conv2d(o, self.out.weight[:, :, None, None], self.out.bias)
        return x + out.reshape(b, c, f, h, w)


class SpaceTimeAttentionExport(SpaceTimeAttention):
    def forward(self, x, emb=None):
        b, c, f, h, w = x.shape
        heads = self.heads
        d = c // heads
        n = f * h * w
        wq, bq = _qkv_weights(self)
        t = (_modulate(self.mod, self.n(x), emb) + self.pos).reshape(b, c, f, h * w)
        qkv = F.conv2d(t, wq[:, :, None, None], bq).reshape(b, 3, heads, d, n)       # tokens: (frame, pixel)
        q, k, v = qkv.unbind(1)
        bias = self.bias(f, x)
        bias = bias[:, :, None, :, None].expand(heads, f, h * w, f, h * w).reshape(heads, n, n)
        s = q.transpose(-1, -2) @ k + bias[None]                                    # [B, heads, N, N]
        o = v @ torch.softmax(s, dim=-1).transpose(-1, -2)                          # [B, heads, d, N]
        out = F.conv2d(o.reshape(b, c, f, h * w), self.out.weight[:, :, None, None], self.out.bias)
        return x + out.reshape(b, c, f, h, w)


def _same_parameters(cls, module):
    """`module` as an instance of its export subclass `cls`, sharing its parameters: the graph's
    initializers keep the training module's names (a1.qkv.weight, ...), which is how
    bench/reference.py maps a pack's weights back into train/nets.py."""
    e = cls.__new__(cls)
    e.__dict__ = dict(module.__dict__)
    return e


def for_export(den: DenoiserTA) -> DenoiserTA:
    """A copy of `den` whose attention layers are the export forms (the parameters are shared)."""
    e = _same_parameters(type(den), den)
    e._modules = dict(den._modules)
    for name in ("a1", "a2", "a3", "a4"):
        e._modules[name] = _same_parameters(TemporalAttentionExport, den._modules[name])
    e._modules["attn"] = _same_parameters(SpaceTimeAttentionExport, den._modules["attn"])
    return e
