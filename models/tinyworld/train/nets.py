"""Networks for Tiny World: a 4x spatial autoencoder and a factorised space-time conv U-Net denoiser."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

from train.latent import pack_channels

LATENT_C = pack_channels()   # 8 in the shipped pack; a candidate pack (TINYWORLD_PACK) may widen it
TEXT_DIM = 384


# ----------------------------------------------------------------------------------- autoencoder
class Encoder(nn.Module):
    """[N,3,64,64] in [-1,1] -> [N,C,16,16]: the top-C principal components of each 4x4x3 patch
    (PCA fitted on rendered frames), normalised per channel to zero mean / unit variance (baked in)."""

    def __init__(self, c=LATENT_C):
        super().__init__()
        self.unshuffle = nn.PixelUnshuffle(4)
        self.proj = nn.Conv2d(48, c, 1)
        self.register_buffer("shift", torch.zeros(1, c, 1, 1))
        self.register_buffer("scale", torch.ones(1, c, 1, 1))

    def raw(self, x):
        return self.proj(self.unshuffle(x))

    def forward(self, sample):
        return (self.raw(sample) - self.shift) / self.scale


class ResBlock2d(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.n1 = nn.GroupNorm(8, ch)
        self.c1 = nn.Conv2d(ch, ch, 3, padding=1)
        self.n2 = nn.GroupNorm(8, ch)
        self.c2 = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        h = self.c1(F.silu(self.n1(x)))
        return x + self.c2(F.silu(self.n2(h)))


class Decoder(nn.Module):
    """[N,C,16,16] normalised latent -> [N,3,64,64] in ~[-1,1]: the linear PCA back-projection plus a
    learned residual (zero-initialised, so an untrained residual decodes exactly the PCA image)."""

    def __init__(self, c=LATENT_C, ch=96):
        super().__init__()
        self.register_buffer("shift", torch.zeros(1, c, 1, 1))
        self.register_buffer("scale", torch.ones(1, c, 1, 1))
        self.back = nn.Conv2d(c, 48, 1)
        self.shuffle = nn.PixelShuffle(4)
        self.res = nn.Sequential(
            nn.Conv2d(c, ch, 3, padding=1), ResBlock2d(ch), nn.SiLU(), nn.Conv2d(ch, 48, 3, padding=1))
        nn.init.zeros_(self.res[-1].weight)
        nn.init.zeros_(self.res[-1].bias)

    def raw(self, z):
        """z: normalised latent."""
        return self.shuffle(self.back(z * self.scale + self.shift) + self.res(z))

    def forward(self, latent):
        return self.raw(latent)


class DecoderV2(nn.Module):
    """Tiny World 2.2's decoder: the same fixed PCA back-projection (so the latent, the encoder and the
    denoiser do not change) plus a residual that upsamples 16 -> 32 -> 64 instead of predicting each 4x4
    patch from the latent grid. The 1.0 residual (one block at 16x16) rounded corners and smeared edges:
    the world's detector read 18 % of real clips' shapes wrongly after an encode/decode round trip alone,
    and more once the latent carried the denoiser's errors. The last stage sees the PCA image itself, so
    edges can be placed to the pixel."""

    def __init__(self, c=LATENT_C, chs=(64, 48, 32)):
        super().__init__()
        c16, c32, c64 = chs
        self.register_buffer("shift", torch.zeros(1, c, 1, 1))
        self.register_buffer("scale", torch.ones(1, c, 1, 1))
        self.back = nn.Conv2d(c, 48, 1)
        self.shuffle = nn.PixelShuffle(4)
        self.inp = nn.Conv2d(c, c16, 3, padding=1)
        self.b16 = nn.Sequential(ResBlock2d(c16), ResBlock2d(c16))
        self.up32 = nn.Conv2d(c16, c32, 3, padding=1)
        self.b32 = ResBlock2d(c32)
        self.up64 = nn.Conv2d(c32, c64, 3, padding=1)
        self.mix64 = nn.Conv2d(c64 + 3, c64, 3, padding=1)
        self.out = nn.Conv2d(c64, 3, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, latent):
        return self.decode(latent)

    def decode(self, latent, film=None):
        """film: (scale16, shift16, scale32, shift32) [N,C,1,1] modulating the 16x16 and 32x32 features (DecoderT)."""
        pca = self.shuffle(self.back(latent * self.scale + self.shift))
        h = self.b16(self.inp(latent))
        if film is not None:
            h = h * (1 + film[0]) + film[1]
        h = self.b32(self.up32(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        if film is not None:
            h = h * (1 + film[2]) + film[3]
        h = F.silu(self.up64(F.interpolate(F.silu(h), scale_factor=2.0, mode="nearest")))
        h = F.silu(self.mix64(torch.cat([h, pca], 1)))
        return pca + self.out(h)


class DecoderT(DecoderV2):
    """Decoder 2 told the prompt: the pooled caption vector [N,384] scales and shifts its features at 16x16 and 32x32
    (FiLM, zero-initialised, so it starts as the Decoder 2 it is initialised from). The 8-channel latent keeps a
    star's body and loses most of its tips (the card, session 13: the PCA latent alone reads 16 of 23 validation
    stars, the denoiser's 8); a triangle and a blunt star are then the same latent, and only the prompt tells them
    apart. A cascaded upsampler is told the prompt for the same reason. A zero vector is "no prompt" (trained 10 %
    of the time), which a still's frames and text-free jobs decode with."""

    def __init__(self, c=LATENT_C, chs=(64, 48, 32), text_dim=384):
        super().__init__(c, chs)
        c16, c32, _ = chs
        self.film = nn.Linear(text_dim, 2 * (c16 + c32))
        nn.init.zeros_(self.film.weight)
        nn.init.zeros_(self.film.bias)
        self.split = (c16, c16, c32, c32)

    def forward(self, latent, text_embeds=None):
        """text_embeds [N,384]; None: no prompt (the zero vector)."""
        if text_embeds is None:
            text_embeds = latent.new_zeros(latent.shape[0], self.film.in_features)
        return self.decode(latent, [m[:, :, None, None] for m in self.film(text_embeds).split(self.split, 1)])


class DecoderR(nn.Module):
    """Decoder 2 with a neighbouring frame's pixels as a reference (a video codec's P-frame; the frame before, or the
    one after when an extension runs backward). The 8x16x16 latent drops detail (a backdrop's texture, a still's fine
    lines), so Decoder 2 alone draws a frame a little unlike the source frame next to it: an extension's first seam is
    1.66x a rendered step even for the true next latent, and a still's detail is gone from frame 1 on. Here a head
    predicts, per pixel, a gate that takes the reference where the latents say nothing changed (this latent against
    the reference's) and Decoder 2's frame elsewhere, plus a small correction. Decoder 2 is frozen inside it; the
    gate starts almost shut, so an untrained head decodes as Decoder 2 does."""

    def __init__(self, base, ch=32, convex=True, tau=0.0):
        super().__init__()
        self.base = base
        self.convex = convex
        self.tau = tau
        c = base.back.weight.shape[1]
        self.inp = nn.Conv2d(3 * c, ch, 3, padding=1)
        self.b16 = ResBlock2d(ch)
        self.mix = nn.Conv2d(ch + 9, ch, 3, padding=1)
        self.b64 = nn.Conv2d(ch, ch, 3, padding=1)
        self.out = nn.Conv2d(ch, 4, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)
        with torch.no_grad():
            self.out.bias[0] = -3.0

    def forward(self, latent, ref_latent, ref, text_embeds=None):
        """latent, ref_latent [N,C,16,16] (this frame's and the reference frame's); ref [N,3,64,64] in [-1,1], the
        reference frame as shown (a source's own pixels, or the frame decoded before this one); text_embeds [N,384]
        for a base told the prompt (DecoderT; None: no prompt)."""
        base = self.base(latent, text_embeds) if isinstance(self.base, DecoderT) else self.base(latent)
        h = self.b16(self.inp(torch.cat([latent, ref_latent, latent - ref_latent], 1)))
        h = F.interpolate(F.silu(h), scale_factor=4.0, mode="bilinear", align_corners=False)
        h = F.silu(self.mix(torch.cat([h, base, ref, base - ref], 1)))
        o = self.out(F.silu(self.b64(h)))
        gate = torch.sigmoid(o[:, :1])
        if self.tau > 0:
            # where Decoder 2's frame and the reference disagree by much more than tau (in [-1,1] units), the latent
            # says something is there that the reference lacks (or the reverse: a subject that has left), so the
            # reference is not taken however the head reads it; a faint remnant then fades a little every frame
            d = (base - ref).abs().amax(1, keepdim=True)
            gate = gate * torch.exp(-(d / self.tau) ** 2)
        if self.convex:
            # the output is a mix of the reference and a frame the latent decides: a chain of references cannot
            # integrate a small correction frame after frame (v1 added it everywhere and drifted 1.8 % over 108 frames)
            return gate * ref + (1 - gate) * (base + o[:, 1:])
        return base + gate * (ref - base) + o[:, 1:]


# ----------------------------------------------------------------------------------- denoiser
def timestep_embedding(t, dim):
    """Sinusoidal embedding of flow time t in [0,1] (scaled by 1000)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    a = (t.float() * 1000.0)[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class STBlock(nn.Module):
    """Factorised space-time residual block on [B,C,F,H,W]: (1,3,3) conv, (3,1,1) conv, FiLM."""

    def __init__(self, cin, cout, emb_dim):
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.sconv = nn.Conv3d(cin, cout, (1, 3, 3), padding=(0, 1, 1))
        self.n2 = nn.GroupNorm(8, cout)
        self.film = nn.Linear(emb_dim, 2 * cout)
        self.tconv = nn.Conv3d(cout, cout, (3, 1, 1), padding=(1, 0, 0))
        self.n3 = nn.GroupNorm(8, cout)
        self.sconv2 = nn.Conv3d(cout, cout, (1, 3, 3), padding=(0, 1, 1))
        self.skip = nn.Conv3d(cin, cout, 1) if cin != cout else nn.Identity()
        nn.init.zeros_(self.sconv2.weight)
        nn.init.zeros_(self.sconv2.bias)

    def forward(self, x, emb):
        """emb: [B,E] for the whole clip, or [B,F,E] with one embedding per frame (DenoiserTA with frame_pos)."""
        h = self.sconv(F.silu(self.n1(x)))
        film = self.film(emb)
        film = film[:, :, None, None, None] if film.dim() == 2 else film.transpose(1, 2)[:, :, :, None, None]
        s, b = film.chunk(2, dim=1)
        h = self.n2(h) * (1 + s) + b
        h = h + self.tconv(F.silu(h))
        h = self.sconv2(F.silu(self.n3(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    """Full space-time self-attention over all F*H*W tokens (used at the 4x4 level only)."""

    def __init__(self, ch, heads=4):
        super().__init__()
        self.n = nn.GroupNorm(8, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.out = nn.Linear(ch, ch)
        self.heads = heads
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x):
        b, c, f, h, w = x.shape
        t = self.n(x).flatten(2).transpose(1, 2)                      # [B, N, C]
        q, k, v = self.qkv(t).chunk(3, dim=2)
        d = c // self.heads

        def split(z):
            return z.reshape(b, -1, self.heads, d).transpose(1, 2)    # [B, h, N, d]
        q, k, v = split(q), split(k), split(v)
        a = torch.softmax(q @ k.transpose(-1, -2) * (d ** -0.5), dim=-1)
        o = (a @ v).transpose(1, 2).reshape(b, -1, c)
        o = self.out(o).transpose(1, 2).reshape(b, c, f, h, w)
        return x + o


def _down(x):   # spatial 2x average pool on [B,C,F,H,W]
    return F.avg_pool3d(x, (1, 2, 2))


def _up(x):
    return F.interpolate(x, scale_factor=(1.0, 2.0, 2.0), mode="nearest")


class Denoiser(nn.Module):
    """x-prediction flow denoiser. Inputs as in the pack: sample, timestep, text_embeds, cond, mask."""

    def __init__(self, c=LATENT_C, chs=(64, 96, 160), emb=256, attn=True):
        super().__init__()
        c1, c2, c3 = chs
        self.emb_dim = emb
        self.t_mlp = nn.Sequential(nn.Linear(emb, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.y_mlp = nn.Sequential(nn.Linear(TEXT_DIM, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.inp = nn.Conv3d(2 * c + 1, c1, (1, 3, 3), padding=(0, 1, 1))
        self.d1 = STBlock(c1, c1, emb)
        self.d2 = STBlock(c1, c2, emb)
        self.m1 = STBlock(c2, c3, emb)
        self.attn = Attention(c3) if attn else None
        self.m2 = STBlock(c3, c3, emb)
        self.u2 = STBlock(c3 + c2, c2, emb)
        self.u1 = STBlock(c2 + c1, c1, emb)
        self.outn = nn.GroupNorm(8, c1)
        self.outc = nn.Conv3d(c1, c, (1, 3, 3), padding=(0, 1, 1))

    def forward(self, sample, timestep, text_embeds, cond, mask):
        emb = self.t_mlp(timestep_embedding(timestep, self.emb_dim)) + self.y_mlp(text_embeds)
        emb = F.silu(emb)
        x = torch.cat([sample * (1 - mask), cond * mask, mask], dim=1)
        h1 = self.d1(self.inp(x), emb)                # 16x16
        h2 = self.d2(_down(h1), emb)                  # 8x8
        h = self.m1(_down(h2), emb)                   # 4x4
        if self.attn is not None:
            h = self.attn(h)
        h = self.m2(h, emb)
        h = self.u2(torch.cat([_up(h), h2], 1), emb)
        h = self.u1(torch.cat([_up(h), h1], 1), emb)
        x0 = self.outc(F.silu(self.outn(h)))
        # known frames are returned exactly (the engine also pastes them, this keeps the model consistent)
        return x0 * (1 - mask) + cond * mask


def count(m):
    return sum(p.numel() for p in m.parameters())


# ----------------------------------------------------------------------------------- Tiny World 2
# 1.0's conv U-Net reaches only +-6 frames in time, so frames 8-15 never see a known frame 0 and the
# subject drifts or the scene switches mid-clip (shared/TINYWORLD-NOTES.md). Tiny World 2 adds global
# temporal paths. Attention has no absolute frame position (clips of any F still work); a learned
# bias per head and frame offset tells "next frame" from "ten frames later".
MAX_REL = 31   # frame offsets -31..31 have their own bias; longer offsets share the outermost one


class RelBias(nn.Module):
    """Per-head additive attention bias indexed by frame offset, built for any F (export-friendly)."""

    def __init__(self, heads):
        super().__init__()
        self.table = nn.Parameter(torch.zeros(2 * MAX_REL + 1, heads))

    def forward(self, f, ref):
        i = torch.arange(f, device=ref.device)
        off = (i[:, None] - i[None, :]).clamp(-MAX_REL, MAX_REL) + MAX_REL
        return self.table[off].permute(2, 0, 1)                          # [heads, F, F]


def _text_mod(emb_dim, ch):
    """adaLN for an attention layer's input: scale and shift per channel from the time + text embedding.
    Zero-initialised, so a model warm-started from one without it computes the same function at step 0."""
    if not emb_dim:
        return None
    m = nn.Linear(emb_dim, 2 * ch)
    nn.init.zeros_(m.weight)
    nn.init.zeros_(m.bias)
    return m


def _modulate(mod, h, emb):
    if mod is None or emb is None:
        return h
    s, b = mod(emb).chunk(2, dim=1)
    return h * (1 + s[:, :, None, None, None]) + b[:, :, None, None, None]


class TemporalAttention(nn.Module):
    """Self-attention along frames at every spatial position of [B,C,F,H,W] (residual, zero-init).
    With emb_dim, its input is modulated by the time + text embedding (the attention that moves the subject
    from frame to frame then hears the prompt directly, not only through the blocks' FiLM)."""

    def __init__(self, ch, head_dim=16, emb_dim=0):
        super().__init__()
        self.heads = max(1, ch // head_dim)
        self.n = nn.GroupNorm(8, ch)
        self.mod = _text_mod(emb_dim, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.out = nn.Linear(ch, ch)
        self.bias = RelBias(self.heads)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, emb=None):
        b, c, f, h, w = x.shape
        t = _modulate(self.mod, self.n(x), emb).permute(0, 3, 4, 2, 1).reshape(b * h * w, f, c)
        q, k, v = self.qkv(t).reshape(b * h * w, f, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=self.bias(f, x)[None])
        o = self.out(o.transpose(1, 2).reshape(b * h * w, f, c))
        return x + o.reshape(b, h, w, f, c).permute(0, 4, 3, 1, 2)


class SpaceTimeAttention(nn.Module):
    """Full self-attention over all F*H*W tokens (at 4x4: 16 tokens a frame), with the frame-offset bias."""

    def __init__(self, ch, head_dim=16, emb_dim=0):
        super().__init__()
        self.heads = max(1, ch // head_dim)
        self.n = nn.GroupNorm(8, ch)
        self.mod = _text_mod(emb_dim, ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.out = nn.Linear(ch, ch)
        self.bias = RelBias(self.heads)
        self.pos = nn.Parameter(torch.zeros(1, ch, 1, 4, 4))   # where in the frame (the 4x4 grid is fixed)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, emb=None):
        b, c, f, h, w = x.shape
        t = (_modulate(self.mod, self.n(x), emb) + self.pos).flatten(2).transpose(1, 2)             # [B, F*H*W, C], frame-major
        q, k, v = self.qkv(t).reshape(b, f * h * w, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        bias = self.bias(f, x)                                             # [heads, F, F]
        bias = bias[:, :, None, :, None].expand(self.heads, f, h * w, f, h * w).reshape(self.heads, f * h * w, f * h * w)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=bias[None])
        o = self.out(o.transpose(1, 2).reshape(b, f * h * w, c))
        return x + o.transpose(1, 2).reshape(b, c, f, h, w)


class FramePosition(nn.Module):
    """Where a frame is in its window, as a term of the per-frame embedding (zero-init: a model warm-started from one
    without it computes the same function at step 0). Without it the U-Net's only sense of absolute time is the zero
    padding of its temporal convolutions at the clip's two ends: its middle frames are alike under a shift in time, so
    from pure noise it cannot say which end of "rises" is low, and the 2.x packs swap up/down, grow/shrink. The engine
    always denoises windows of the pack's frame count, so an index within the window means the same thing in every
    mode (frame 0 is the window's first frame, known or not)."""

    def __init__(self, emb_dim, dim=64, gain=5.0):
        super().__init__()
        self.dim = dim
        # Adam moves each weight at about lr a step whatever its gradient, so a fixed gain on the output makes the
        # new zero-init path learn `gain` times faster than the warm-started network around it: at gain 1 a
        # 3 000-step fine-tune left it at a tenth of the text's spread per frame (model card, session 8).
        self.gain = gain
        self.mod = nn.Sequential(nn.Linear(dim, emb_dim), nn.SiLU(), nn.Linear(emb_dim, emb_dim))
        nn.init.zeros_(self.mod[-1].weight)
        nn.init.zeros_(self.mod[-1].bias)

    def forward(self, f, ref):
        half = self.dim // 2
        # periods from 2*pi to ~630 frames: smooth over a 16-frame window, distinct far beyond it
        freqs = torch.exp(-math.log(100.0) * torch.arange(half, dtype=torch.float32, device=ref.device) / half)
        a = torch.arange(f, device=ref.device).float()[:, None] * freqs[None]
        return self.gain * self.mod(torch.cat([torch.cos(a), torch.sin(a)], dim=1))[None]      # [1, F, E]


class TextCrossAttention(nn.Module):
    """Cross-attention from every latent cell of [B,C,F,H,W] to the prompt's token states [B,T,384] (residual,
    zero-init: a model warm-started from one without it computes the same function at step 0).

    Why: the pooled sentence vector the 2.x packs condition on keeps "left" and "right" apart by 0.4 % of its
    variance (between-class over total, train/probe_text.py on the training captions) and "a red ball and a white
    star" loses which colour goes with which shape; the token states keep both. A learned null key/value is always
    attendable, so a row with no tokens (mask all zero: the unconditional half of guidance, or a dropped caption)
    attends to it alone instead of a softmax over nothing."""

    def __init__(self, ch, text_dim=TEXT_DIM, head_dim=16, gain=5.0):
        super().__init__()
        self.heads = max(1, ch // head_dim)
        self.gain = gain      # as FramePosition: the zero-init path learns `gain` times faster under Adam
        self.n = nn.GroupNorm(8, ch)
        self.q = nn.Linear(ch, ch)
        self.kv = nn.Linear(text_dim, 2 * ch)
        self.null = nn.Parameter(torch.zeros(1, 1, 2 * ch))
        self.out = nn.Linear(ch, ch)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x, tokens, tmask):
        b, c, f, h, w = x.shape
        hd = c // self.heads
        q = self.q(self.n(x).flatten(2).transpose(1, 2))                              # [B, F*H*W, C]
        kv = torch.cat([self.null.expand(b, 1, 2 * c), self.kv(tokens)], dim=1)      # [B, 1+T, 2C]
        k, v = kv.reshape(b, -1, 2, self.heads, hd).permute(2, 0, 3, 1, 4)
        q = q.reshape(b, -1, self.heads, hd).transpose(1, 2)
        keep = torch.cat([torch.ones_like(tmask[:, :1]), tmask], dim=1)              # [B, 1+T]
        bias = ((keep - 1.0) * 1e4)[:, None, None, :]                                # additive: exports as plain ops
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        o = self.out(o.transpose(1, 2).reshape(b, -1, c))
        return x + self.gain * o.transpose(1, 2).reshape(b, c, f, h, w)


class DenoiserTA(nn.Module):
    """1.0's factorised U-Net with temporal attention after every block at 16x16 and 8x8 and full
    space-time attention at 4x4. Same inputs and contract as Denoiser. With frame_pos, every block's FiLM is per
    frame: the time + text embedding plus FramePosition, through one SiLU (so text and position interact)."""

    def __init__(self, c=LATENT_C, chs=(32, 64, 128), emb=256, text_temporal=False, frame_pos=False, text_tokens=False):
        super().__init__()
        c1, c2, c3 = chs
        # per-token text (TextCrossAttention) at 8x8 on the way down and up and at 4x4, where layout and motion are set
        self.text_tokens = text_tokens
        if text_tokens:
            self.tok_norm = nn.LayerNorm(TEXT_DIM)
            self.x2, self.x3, self.x4 = TextCrossAttention(c2), TextCrossAttention(c3), TextCrossAttention(c2)
        self.emb_dim = emb
        self.text_temporal = text_temporal
        assert not (text_temporal and frame_pos), "the attention modulation takes one embedding per clip"
        self.fpos = FramePosition(emb) if frame_pos else None
        te = emb if text_temporal else 0
        self.t_mlp = nn.Sequential(nn.Linear(emb, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.y_mlp = nn.Sequential(nn.Linear(TEXT_DIM, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.inp = nn.Conv3d(2 * c + 1, c1, (1, 3, 3), padding=(0, 1, 1))
        self.d1, self.a1 = STBlock(c1, c1, emb), TemporalAttention(c1, emb_dim=te)
        self.d2, self.a2 = STBlock(c1, c2, emb), TemporalAttention(c2, emb_dim=te)
        self.m1 = STBlock(c2, c3, emb)
        self.attn = SpaceTimeAttention(c3, emb_dim=te)
        self.m2 = STBlock(c3, c3, emb)
        self.u2, self.a3 = STBlock(c3 + c2, c2, emb), TemporalAttention(c2, emb_dim=te)
        self.u1, self.a4 = STBlock(c2 + c1, c1, emb), TemporalAttention(c1, emb_dim=te)
        self.outn = nn.GroupNorm(8, c1)
        self.outc = nn.Conv3d(c1, c, (1, 3, 3), padding=(0, 1, 1))

    def forward(self, sample, timestep, text_embeds, cond, mask, text_tokens=None, text_mask=None):
        e = self.t_mlp(timestep_embedding(timestep, self.emb_dim)) + self.y_mlp(text_embeds)
        if self.fpos is not None:
            e = e[:, None, :] + self.fpos(sample.shape[2], sample)            # [B, F, E]
        emb = F.silu(e)
        x = torch.cat([sample * (1 - mask), cond * mask, mask], dim=1)
        # the attention layers take emb only when they have a modulation (export swaps in one-argument layers)
        att = (lambda m, z: m(z, emb)) if self.text_temporal else (lambda m, z: m(z))
        if self.text_tokens:
            assert text_tokens is not None and text_mask is not None, "this denoiser attends to the prompt's tokens: pass text_tokens and text_mask (train/sample.py: Text)"
            tok = self.tok_norm(text_tokens) * text_mask[:, :, None]
            xa = lambda name, z: getattr(self, name)(z, tok, text_mask)
        else:
            xa = lambda name, z: z
        h1 = att(self.a1, self.d1(self.inp(x), emb))          # 16x16
        h2 = xa("x2", att(self.a2, self.d2(_down(h1), emb)))            # 8x8
        h = xa("x3", att(self.attn, self.m1(_down(h2), emb)))           # 4x4
        h = self.m2(h, emb)
        h = xa("x4", att(self.a3, self.u2(torch.cat([_up(h), h2], 1), emb)))
        h = att(self.a4, self.u1(torch.cat([_up(h), h1], 1), emb))
        x0 = self.outc(F.silu(self.outn(h)))
        return x0 * (1 - mask) + cond * mask


class DiTBlock(nn.Module):
    """Spatial attention, temporal attention, MLP; each pre-norm with adaLN modulation from emb."""

    def __init__(self, d, heads, mlp=3):
        super().__init__()
        self.heads = heads
        self.ln = nn.ModuleList([nn.LayerNorm(d, elementwise_affine=False) for _ in range(3)])
        self.qkv_s, self.out_s = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.qkv_t, self.out_t = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.bias = RelBias(heads)
        self.mlp = nn.Sequential(nn.Linear(d, mlp * d), nn.GELU(approximate="tanh"), nn.Linear(mlp * d, d))
        self.mod = nn.Parameter(torch.zeros(9, d))     # adaLN-single: per-block offsets to a shared table
        for m in (self.out_s, self.out_t, self.mlp[-1]):
            nn.init.zeros_(m.weight)
            nn.init.zeros_(m.bias)

    def _attn(self, t, qkv, out, bias):
        n, l, d = t.shape
        q, k, v = qkv(t).reshape(n, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        o = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return out(o.transpose(1, 2).reshape(n, l, d))

    def forward(self, x, mod):
        """x [B,F,P,D] (P = patches per frame); mod [B,9,D]."""
        b, f, p, d = x.shape
        sh, sc, g = [(mod + self.mod[None])[:, i::3, None, None, :] for i in range(3)]   # each [B,3,1,1,D]
        h = self.ln[0](x) * (1 + sc[:, 0]) + sh[:, 0]
        x = x + g[:, 0] * self._attn(h.reshape(b * f, p, d), self.qkv_s, self.out_s, None).reshape(b, f, p, d)
        h = (self.ln[1](x) * (1 + sc[:, 1]) + sh[:, 1]).transpose(1, 2).reshape(b * p, f, d)
        o = self._attn(h, self.qkv_t, self.out_t, self.bias(f, x)[None])
        x = x + g[:, 1] * o.reshape(b, p, f, d).transpose(1, 2)
        h = self.ln[2](x) * (1 + sc[:, 2]) + sh[:, 2]
        return x + g[:, 2] * self.mlp(h)


class DiT(nn.Module):
    """Factorised space-time transformer on 2x2 latent patches (8x8 tokens a frame). Same contract."""

    def __init__(self, c=LATENT_C, d=128, depth=6, heads=4, emb=256, patch=2):
        super().__init__()
        self.c, self.p, self.emb_dim = c, patch, emb
        self.t_mlp = nn.Sequential(nn.Linear(emb, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.y_mlp = nn.Sequential(nn.Linear(TEXT_DIM, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.mod = nn.Linear(emb, 9 * d)
        self.inp = nn.Linear((2 * c + 1) * patch * patch, d)
        self.pos = nn.Parameter(torch.randn(1, 1, (16 // patch) ** 2, d) * 0.02)
        self.blocks = nn.ModuleList([DiTBlock(d, heads) for _ in range(depth)])
        self.outn = nn.LayerNorm(d, elementwise_affine=False)
        self.outmod = nn.Linear(emb, 2 * d)
        self.outp = nn.Linear(d, c * patch * patch)
        nn.init.zeros_(self.outp.weight)
        nn.init.zeros_(self.outp.bias)

    def forward(self, sample, timestep, text_embeds, cond, mask):
        b, c, f, h, w = sample.shape
        p = self.p
        emb = F.silu(self.t_mlp(timestep_embedding(timestep, self.emb_dim)) + self.y_mlp(text_embeds))
        x = torch.cat([sample * (1 - mask), cond * mask, mask], dim=1)           # [B,17,F,H,W]
        ci = x.shape[1]
        x = x.reshape(b, ci, f, h // p, p, w // p, p).permute(0, 2, 3, 5, 1, 4, 6).reshape(b, f, (h // p) * (w // p), ci * p * p)
        x = self.inp(x) + self.pos
        mod = self.mod(emb).reshape(b, 9, -1)
        for blk in self.blocks:
            x = blk(x, mod)
        sh, sc = self.outmod(emb)[:, None, None].chunk(2, dim=-1)
        x = self.outp(self.outn(x) * (1 + sc) + sh)                                # [B,F,P,C*p*p]
        x0 = x.reshape(b, f, h // p, w // p, c, p, p).permute(0, 4, 1, 2, 5, 3, 6).reshape(b, c, f, h, w)
        return x0 * (1 - mask) + cond * mask


def latent_c_of(state):
    """The latent width a Tiny World 2 denoiser's state dict was built for (its output convolution's rows)."""
    return state["outc.weight"].shape[0] if "outc.weight" in state else LATENT_C


TW2_ARCHS = {
    # each takes an optional c= (latent channels; default the pack's)
    "unet_ta": lambda **k: DenoiserTA(chs=(32, 64, 128), **k),
    # the capacity step the model card plans (3.0 M parameters; train/throughput.py: 12.7 clips/s here)
    "unet_ta_w48": lambda **k: DenoiserTA(chs=(48, 96, 192), **k),
    # unet_ta whose temporal and space-time attention are modulated by the time + text embedding (adaLN,
    # zero-init: warm-starts from a unet_ta checkpoint as the same function)
    "unet_ta_tt": lambda **k: DenoiserTA(chs=(32, 64, 128), text_temporal=True, **k),
    "dit": lambda **k: DiT(d=128, depth=6, heads=4, **k),
    # unet_ta with a per-frame embedding (FramePosition, zero-init: warm-starts from a unet_ta checkpoint)
    "unet_ta_fp": lambda **k: DenoiserTA(chs=(32, 64, 128), frame_pos=True, **k),
    # unet_ta_fp that also attends to the prompt's token states (TextCrossAttention, zero-init: warm-starts from
    # a unet_ta_fp checkpoint); takes text_tokens [B,T,384] and text_mask [B,T] after the five common inputs
    "unet_ta_xt": lambda **k: DenoiserTA(chs=(32, 64, 128), frame_pos=True, text_tokens=True, **k),
    # the xt line's model 1.5x as wide (3.49 M parameters), for a lent GPU (train/gpu_run.sh, from scratch): the card
    # finds the 1.9 M model's bars flat since ~1 M clips, which points at capacity
    "unet_ta_xt_w48": lambda **k: DenoiserTA(chs=(48, 96, 192), frame_pos=True, text_tokens=True, **k),
}

# Tiny World 1.0's denoisers (train/logs/final.log), kept so its checkpoints still load in the old tools.
ARCHS = {
    "unet_attn": dict(chs=(64, 96, 160), attn=True),
    "unet_noattn": dict(chs=(64, 96, 192), attn=False),
    "unet_attn_s": dict(chs=(32, 64, 128), attn=True),
    "unet_noattn_s": dict(chs=(32, 64, 128), attn=False),
}
