"""Reference flow-Euler sampler in torch (same maths as the engine's flow samplers), for quick looks
during training.  The numbers in MODEL_CARD.md come from the Java engine, not from this file.

x_t = (1-t) x0 + t eps; the model predicts x0; velocity v = (x_t - x0)/t; Euler: x_{t'} = x_t + (t'-t) v.
Shifted schedule: t -> S t / (1 + (S-1) t).
"""
import numpy as np
import torch

from train.nets import LATENT_C, DecoderT


class Text:
    """A batch's prompt conditioning: the pooled sentence vectors [B,384] every denoiser takes and, for one that
    attends to tokens (nets.TextCrossAttention), the token states [B,T,384] and their mask [B,T]. Sliced and
    concatenated like a tensor, so the samplers and probes take it wherever they took pooled embeddings."""

    def __init__(self, pooled, tokens=None, mask=None):
        self.pooled, self.tokens, self.mask = pooled, tokens, mask

    @staticmethod
    def load(pooled, tokens_path=None, rows=None):
        """Pooled rows and, with `tokens_path` (written by `kinora embed --tokens`, the engine's own states, with its
        _len.npy), the token states of the same rows (`rows`: indices into the file, default all), trimmed to the
        longest."""
        if tokens_path is None:
            return Text(pooled)
        from train.data2 import load_tokens, token_rows
        states, lens = load_tokens(tokens_path)
        tokens, mask = token_rows(states, lens, np.arange(len(lens)) if rows is None else np.asarray(rows))
        assert tokens.shape[0] == pooled.shape[0], f"{tokens_path}: {tokens.shape[0]} rows for {pooled.shape[0]} pooled vectors"
        return Text(pooled, torch.from_numpy(tokens), torch.from_numpy(mask))

    @property
    def shape(self):
        return self.pooled.shape

    def __getitem__(self, s):
        return Text(self.pooled[s], *([] if self.tokens is None else [self.tokens[s], self.mask[s]]))

    def null(self):
        """The unconditional rows: zero vector, no tokens."""
        return Text(torch.zeros_like(self.pooled), *([] if self.tokens is None else [torch.zeros_like(self.tokens), torch.zeros_like(self.mask)]))

    def cat(self, other):
        if self.tokens is None:
            return Text(torch.cat([self.pooled, other.pooled]))
        return Text(torch.cat([self.pooled, other.pooled]), torch.cat([self.tokens, other.tokens]), torch.cat([self.mask, other.mask]))

    def extra(self):
        """The arguments after (sample, timestep, text_embeds, cond, mask)."""
        return [] if self.tokens is None else [self.tokens, self.mask]


def schedule(steps, shift):
    t = torch.linspace(1.0, 0.0, steps + 1)
    return shift * t / (1 + (shift - 1) * t)


@torch.no_grad()
def sample(model, emb, steps=16, guidance=3.0, shift=1.0, cond=None, mask=None, frames=16, seed=0, interval=(0.0, 1.0),
           start=None, outside=1.0):
    """emb [B,384] or a Text; cond [B,C,F,16,16] clean latents of known frames; mask [B,1,F,16,16]; guidance applies
    at flow times t within `interval` and `outside` elsewhere (1: one conditional call). start=(z, t0): begin at flow
    time t0 from clean latents z noised there (SDEdit), taking the schedule's steps below t0."""
    text = emb if isinstance(emb, Text) else Text(emb)
    b = emb.shape[0]
    g = torch.Generator().manual_seed(seed)
    x = torch.randn((b, LATENT_C, frames, 16, 16), generator=g)
    if cond is None:
        cond = torch.zeros_like(x)
        mask = torch.zeros(b, 1, frames, 16, 16)
    ts = schedule(steps, shift)
    if start is not None:
        z, t0 = start
        ts = torch.cat([torch.tensor([float(t0)]), ts[ts < t0]])
        x = (1 - t0) * z + t0 * x
    both = text.cat(text.null())
    for i in range(len(ts) - 1):
        t, tn = ts[i].item(), ts[i + 1].item()
        tt = torch.full((b,), t)
        gt = guidance if interval[0] <= t <= interval[1] else outside
        if gt != 1.0:
            x0 = model(torch.cat([x, x]), torch.cat([tt, tt]), both.pooled,
                       torch.cat([cond, cond]), torch.cat([mask, mask]), *both.extra())
            xc, xu = x0.chunk(2)
            x0 = xu + gt * (xc - xu)
        else:
            x0 = model(x, tt, text.pooled, cond, mask, *text.extra())
        v = (x - x0) / t
        x = x + (tn - t) * v
        x = x * (1 - mask) + cond * mask
    return x


def decode(dec, z, text=None):
    """[B,C,F,16,16] -> uint8 [B,F,64,64,3]; text: the pooled prompts [B,384] (or a Text) for a decoder told the
    prompt (nets.DecoderT; None decodes it with no prompt)."""
    b, c, f = z.shape[:3]
    with torch.no_grad():
        zf = z.permute(0, 2, 1, 3, 4).reshape(b * f, c, 16, 16)
        if isinstance(dec, DecoderT):
            y = dec(zf, None if text is None else getattr(text, "pooled", text).float().repeat_interleave(f, 0))
        else:
            y = dec(zf)
    y = ((y.clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8).permute(0, 2, 3, 1).reshape(b, f, 64, 64, 3)
    return y.numpy()


def grid(clips, every=2):
    """uint8 [B,F,H,W,3] -> one image, a row per clip, every `every`-th frame."""
    rows = [np.concatenate(list(c[::every]), axis=1) for c in clips]
    return np.concatenate(rows, axis=0)
