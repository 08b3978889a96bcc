"""BERT-style encoder written out by hand so that torch.onnx.export produces plain
MatMul / Softmax nodes (one Softmax per layer, named /layers.N/attention/Softmax).

forward(input_ids, attention_mask, token_type_ids) ->
    logits             [batch, seq, vocab]   masked-LM head (decoder tied to the word embeddings)
    last_hidden_state  [batch, seq, hidden]
    classifier_logits  [batch, num_labels]   [CLS] -> dense+tanh pooler -> dropout -> linear
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Config:
    def __init__(self, vocab_size=8000, hidden_size=128, num_hidden_layers=4, num_attention_heads=4,
                 intermediate_size=512, max_position_embeddings=128, type_vocab_size=2,
                 hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, layer_norm_eps=1e-12,
                 pad_token_id=0, num_labels=2):
        self.__dict__.update(locals())
        del self.__dict__["self"]


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab_size, c.hidden_size)
        self.position_embeddings = nn.Embedding(c.max_position_embeddings, c.hidden_size)
        self.token_type_embeddings = nn.Embedding(c.type_vocab_size, c.hidden_size)
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids):
        seq = input_ids.shape[1]
        pos = torch.arange(seq, dtype=torch.long, device=input_ids.device).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(pos) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h = c.num_attention_heads
        self.d = c.hidden_size // c.num_attention_heads
        self.query = nn.Linear(c.hidden_size, c.hidden_size)
        self.key = nn.Linear(c.hidden_size, c.hidden_size)
        self.value = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.attention_probs_dropout_prob)
        self.output = nn.Linear(c.hidden_size, c.hidden_size)
        self.probs = None  # last attention probabilities (kept when keep_probs is set)
        self.keep_probs = False

    def split(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.h, self.d).permute(0, 2, 1, 3)

    def forward(self, x, add_mask):
        q, k, v = self.split(self.query(x)), self.split(self.key(x)), self.split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.d)
        scores = scores + add_mask
        probs = torch.softmax(scores, dim=-1)
        if self.keep_probs:
            self.probs = probs.detach()
        ctx = torch.matmul(self.dropout(probs), v)
        b, _, s, _ = ctx.shape
        ctx = ctx.permute(0, 2, 1, 3).reshape(b, s, self.h * self.d)
        return self.output(ctx)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.attention_dropout = nn.Dropout(c.hidden_dropout_prob)
        self.attention_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.intermediate = nn.Linear(c.hidden_size, c.intermediate_size)
        self.act = nn.GELU()  # erf form
        self.ffn_output = nn.Linear(c.intermediate_size, c.hidden_size)
        self.ffn_dropout = nn.Dropout(c.hidden_dropout_prob)
        self.ffn_norm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)

    def forward(self, x, add_mask):
        x = self.attention_norm(x + self.attention_dropout(self.attention(x, add_mask)))
        h = self.ffn_output(self.act(self.intermediate(x)))
        return self.ffn_norm(x + self.ffn_dropout(h))


class MLMHead(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden_size, c.hidden_size)
        self.act = nn.GELU()
        self.LayerNorm = nn.LayerNorm(c.hidden_size, eps=c.layer_norm_eps)
        self.bias = nn.Parameter(torch.zeros(c.vocab_size))

    def forward(self, h, word_embeddings):
        h = self.LayerNorm(self.act(self.dense(h)))
        return torch.matmul(h, word_embeddings.t()) + self.bias


class Classifier(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.pooler = nn.Linear(c.hidden_size, c.hidden_size)
        self.dropout = nn.Dropout(c.hidden_dropout_prob)
        self.out = nn.Linear(c.hidden_size, c.num_labels)

    def forward(self, h):
        pooled = torch.tanh(self.pooler(h[:, 0]))
        return self.out(self.dropout(pooled))


class BertMini(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.config = c
        self.embeddings = Embeddings(c)
        self.layers = nn.ModuleList([Layer(c) for _ in range(c.num_hidden_layers)])
        self.mlm = MLMHead(c)
        self.classifier = Classifier(c)
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def encode(self, input_ids, attention_mask, token_type_ids):
        add_mask = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) * -10000.0
        x = self.embeddings(input_ids, token_type_ids)
        for layer in self.layers:
            x = layer(x, add_mask)
        return x

    def mlm_logits(self, h):
        return self.mlm(h, self.embeddings.word_embeddings.weight)

    def forward(self, input_ids, attention_mask, token_type_ids):
        h = self.encode(input_ids, attention_mask, token_type_ids)
        return self.mlm_logits(h), h, self.classifier(h)

    def keep_attention(self, on=True):
        for l in self.layers:
            l.attention.keep_probs = on
            l.attention.probs = None

    def attention_probs(self):
        return [l.attention.probs for l in self.layers]
