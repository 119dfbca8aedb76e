"""Networks for Tiny World: a 4x spatial autoencoder and a factorised space-time conv U-Net denoiser."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

LATENT_C = 8
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
        h = self.sconv(F.silu(self.n1(x)))
        s, b = self.film(emb)[:, :, None, None, None].chunk(2, dim=1)
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
