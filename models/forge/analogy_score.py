"""Analogy scoring shared by evaluate.py (model card) and sweep_static.py (choosing the static-vector
settings): word2vec questions files, 3CosAdd with the question words excluded, as the app's
src/core/analogy/analogy-evaluation.ts does it. No torch here, so the sweep starts fast."""
import numpy as np


def unit(m):
    return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-8)


def read_analogies(path):
    secs, cur = {}, None
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        if line.startswith(":"):
            cur = line[1:].strip(); secs[cur] = []
        else:
            secs[cur].append(line.lower().split())
    return secs


def analogy_eval(M, words, idx, secs):
    """M: unit rows. Accuracy is over the in-vocabulary questions (all four words in idx); "rr" is the mean
    reciprocal rank of the expected word over the same questions, a smoother signal than top-1 on a few
    dozen questions (used by the sweep as tie-breaker)."""
    res, tot_c, tot_n, tot_q, tot_rr = {}, 0, 0, 0, 0.0
    for sec, qs in secs.items():
        inv = [q for q in qs if all(w in idx for w in q)]
        correct, rr = 0, 0.0
        for a, b, c, d in inv:
            v = M[idx[b]] - M[idx[a]] + M[idx[c]]
            s = M @ (v / np.linalg.norm(v))
            for w in (a, b, c):
                s[idx[w]] = -9
            correct += words[int(np.argmax(s))] == d
            rr += 1.0 / (1 + int((s > s[idx[d]]).sum()))
        res[sec] = {"questions": len(qs), "in_vocab": len(inv), "correct": int(correct),
                    "accuracy": correct / len(inv) if inv else None}
        tot_c += correct; tot_n += len(inv); tot_q += len(qs); tot_rr += rr
    res["all"] = {"questions": tot_q, "in_vocab": tot_n, "correct": int(tot_c),
                  "accuracy": tot_c / tot_n if tot_n else None, "coverage": tot_n / tot_q,
                  "correct_of_all": tot_c / tot_q if tot_q else None, "rr": tot_rr / tot_n if tot_n else None}
    return res


def question_hits(M, words, idx, secs):
    """Per question (section, a, b, c, d) -> True/False (top-1 right or not), None when a word is outside the
    vocabulary: the same rule as analogy_eval, kept per question so two spaces can be paired (McNemar)."""
    out = {}
    for sec, qs in secs.items():
        for q in qs:
            if not all(w in idx for w in q):
                out[(sec, *q)] = None
                continue
            a, b, c, d = q
            v = M[idx[b]] - M[idx[a]] + M[idx[c]]
            s = M @ (v / np.linalg.norm(v))
            for w in (a, b, c):
                s[idx[w]] = -9
            out[(sec, *q)] = words[int(np.argmax(s))] == d
    return out


def mcnemar_exact(only_a, only_b):
    """Two-sided exact McNemar p: the discordant questions (right in one space only) as a binomial(n, 1/2)."""
    from math import comb
    n, k = only_a + only_b, min(only_a, only_b)
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(comb(n, i) for i in range(k + 1)) / 2 ** n)
