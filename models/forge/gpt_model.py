"""GPT-2-style decoder written out by hand so that torch.onnx.export produces the Hugging Face / optimum
decoder layout with plain MatMul / Softmax nodes (one Softmax per layer, named /h.N/attn/Softmax).

Pre-LayerNorm blocks, learned absolute positions (read through position_ids), GELU (tanh form, as GPT-2),
lm_head tied to the token embeddings, dropout on embeddings (embd_pdrop), attention probabilities
(attn_pdrop) and both residual branches (resid_pdrop). Parameter names follow GPT-2 (wte, wpe, h.N.ln_1,
attn.c_attn, attn.c_proj, ln_2, mlp.c_fc, mlp.c_proj, ln_f) with nn.Linear instead of GPT-2's Conv1D.

forward(input_ids, attention_mask, position_ids, *past) -> (logits, *present)
    input_ids, position_ids  int64 [batch, seq]
    attention_mask           int64 [batch, past + seq]  (1 = attend, 0 = padding)
    past                     2 * n_layer float tensors [batch, heads, past, head_dim]: key_0, value_0, key_1, ...
    logits                   [batch, seq, vocab]
    present                  2 * n_layer tensors [batch, heads, past + seq, head_dim]

Attention mask as in Hugging Face's GPT-2: causal part with Where(tril, scores, finfo.min) from a boolean
[n_positions, n_positions] buffer sliced at [past : past + seq, : past + seq], padding part added as
(1 - attention_mask) * finfo.min.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class GPTConfig:
    def __init__(self, vocab_size=8000, n_positions=256, n_embd=256, n_layer=4, n_head=4, n_inner=None,
                 attn_pdrop=0.1, resid_pdrop=0.1, embd_pdrop=0.1, layer_norm_epsilon=1e-5,
                 bos_token_id=0, eos_token_id=0):
        self.__dict__.update(locals())
        del self.__dict__["self"]
        if self.n_inner is None:
            self.n_inner = 4 * n_embd


class Dropout(nn.Module):
    """Inverted dropout, as nn.Dropout, with the mask drawn by comparing uniform numbers: on this PyTorch build
    bernoulli_ costs about 4x as much as rand_like, and it was a fifth of a training step. The identity in eval
    mode, so the exported graph has no node for it."""

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        return x * (torch.rand_like(x) >= self.p).to(x.dtype) * (1.0 / (1.0 - self.p))


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.n_head = c.n_head
        self.head_dim = c.n_embd // c.n_head
        self.c_attn = nn.Linear(c.n_embd, 3 * c.n_embd)
        self.c_proj = nn.Linear(c.n_embd, c.n_embd)
        self.attn_dropout = Dropout(c.attn_pdrop)
        self.resid_dropout = Dropout(c.resid_pdrop)
        self.register_buffer("bias", torch.tril(torch.ones(c.n_positions, c.n_positions, dtype=torch.bool))
                             .view(1, 1, c.n_positions, c.n_positions), persistent=False)
        self.keep_probs = False
        self.probs = None

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.n_head, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, x, pad_mask, past_k=None, past_v=None):
        q, k, v = self.c_attn(x).split(x.shape[-1], dim=2)
        q, k, v = self.split(q), self.split(k), self.split(v)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        present = (k, v)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        q_len, k_len = q.shape[-2], k.shape[-2]
        causal = self.bias[:, :, k_len - q_len:k_len, :k_len]
        scores = torch.where(causal, scores, torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype))
        if pad_mask is not None:
            scores = scores + pad_mask
        probs = torch.softmax(scores, dim=-1)
        if self.keep_probs:
            self.probs = probs.detach()
        ctx = torch.matmul(self.attn_dropout(probs), v)
        b, _, s, _ = ctx.shape
        ctx = ctx.permute(0, 2, 1, 3).reshape(b, s, self.n_head * self.head_dim)
        return self.resid_dropout(self.c_proj(ctx)), present


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c.n_embd, c.n_inner)
        self.act = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(c.n_inner, c.n_embd)
        self.dropout = Dropout(c.resid_pdrop)

    def forward(self, x):
        return self.dropout(self.c_proj(self.act(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.attn = Attention(c)
        self.ln_2 = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.mlp = MLP(c)

    def forward(self, x, pad_mask, past_k=None, past_v=None):
        a, present = self.attn(self.ln_1(x), pad_mask, past_k, past_v)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, present


class GPTMini(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.wte = nn.Embedding(c.vocab_size, c.n_embd)
        self.wpe = nn.Embedding(c.n_positions, c.n_embd)
        self.drop = Dropout(c.embd_pdrop)
        self.h = nn.ModuleList([Block(c) for _ in range(c.n_layer)])
        self.ln_f = nn.LayerNorm(c.n_embd, eps=c.layer_norm_epsilon)
        self.apply(self._init)
        # GPT-2: residual projections scaled by 1/sqrt(2 * n_layer)
        for n, p in self.named_parameters():
            if n.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * c.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def hidden(self, input_ids, attention_mask=None, position_ids=None, past=None, keep_hidden=False):
        """Final hidden state (after ln_f), the presents, and (keep_hidden) the HF-style hidden_states:
        embeddings, the output of every block but the last, then the last block's output after ln_f."""
        if position_ids is None:
            start = 0 if past is None else past[0].shape[2]
            position_ids = torch.arange(start, start + input_ids.shape[1], dtype=torch.long).unsqueeze(0)
        pad_mask = None
        if attention_mask is not None:
            pad_mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * torch.finfo(torch.float32).min
        x = self.drop(self.wte(input_ids) + self.wpe(position_ids))
        states = [x] if keep_hidden else None
        presents = []
        for i, block in enumerate(self.h):
            pk, pv = (past[2 * i], past[2 * i + 1]) if past is not None else (None, None)
            x, present = block(x, pad_mask, pk, pv)
            presents.extend(present)
            if keep_hidden and i < len(self.h) - 1:
                states.append(x)
        x = self.ln_f(x)
        if keep_hidden:
            states.append(x)
        return x, presents, states

    def logits(self, h):
        return torch.matmul(h, self.wte.weight.t())

    def forward(self, input_ids, attention_mask, position_ids, *past):
        h, presents, _ = self.hidden(input_ids, attention_mask, position_ids, list(past) if past else None)
        return (self.logits(h), *presents)

    def keep_attention(self, on=True):
        for b in self.h:
            b.attn.keep_probs = on
            b.attn.probs = None

    def attention_probs(self):
        return [b.attn.probs for b in self.h]
