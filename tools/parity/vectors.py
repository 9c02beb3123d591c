#!/usr/bin/env python3
"""Independent float64 test vectors for the parity methods (docs/methods-parity.md, vectors P0-P8).

Written from the reference definitions (open-unlearning d3d7cf9 src/trainer/utils.py, src/trainer/unlearn/*.py,
configs/trainer/*.yaml; TOFU bdc209e dataloader.py) and the papers, with numpy only; it shares no code
with the Java implementation. Run: python3 tools/parity/vectors.py
"""
import numpy as np

V = 4
PAD = 0
IGN = -100


def batch(seqs):
    """seqs: list of (ids, prompt_length); right-padded with PAD, labels -100 on prompt and padding."""
    w = max(len(s) for s, _ in seqs)
    ids = np.full((len(seqs), w), PAD, dtype=np.int64)
    lab = np.full((len(seqs), w), IGN, dtype=np.int64)
    for i, (s, p) in enumerate(seqs):
        ids[i, :len(s)] = s
        lab[i, p:len(s)] = s[p:]
    return ids, lab


def logits(ids, salt, vocab=None):
    """z[b,t,v] = (((3*id + 5*v + 7*t + salt) mod 11) - 5) / 4  (exact in binary)."""
    vocab = V if vocab is None else vocab
    b, t = ids.shape
    z = np.zeros((b, t, vocab))
    for i in range(b):
        for j in range(t):
            for v in range(vocab):
                z[i, j, v] = (((3 * ids[i, j] + 5 * v + 7 * j + salt) % 11) - 5) / 4.0
    return z


def log_softmax(z):
    m = z.max(-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(-1, keepdims=True))


def token_logprobs(z, lab):
    """HF shift: position t predicts label t+1; returns (logp [B,T-1] (0 where masked), mask [B,T-1])."""
    ls = log_softmax(z[:, :-1, :])
    nxt = lab[:, 1:]
    mask = (nxt != IGN).astype(float)
    safe = np.where(nxt != IGN, nxt, 0)
    lp = np.take_along_axis(ls, safe[..., None], -1)[..., 0]
    return lp * mask, mask


def nll_sum(z, lab):
    lp, m = token_logprobs(z, lab)
    return -(lp * m).sum(1)


def nll_pool(z, lab):
    lp, m = token_logprobs(z, lab)
    return -(lp * m).sum() / m.sum()


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


F_ids, F_lab = batch([([1, 2, 0, 3, 1], 2), ([2, 3, 1], 1)])
E_ids, E_lab = batch([([1, 2, 3, 3], 2), ([2, 1, 0, 2, 1], 1)])
R_ids, R_lab = batch([([3, 1, 2], 1), ([1, 1, 3, 2], 2)])
P, REF = 0, 4  # salts of the policy and of the reference


def z(ids, salt):
    return logits(ids, salt)


retain_nll = nll_pool(z(R_ids, P), R_lab)


def dpo(beta=0.1, gamma=1.0, alpha=1.0):
    # OU compute_dpo_loss: win = alternate (idk) answers, lose = forget answers, NLL sums per sequence
    win = -(nll_sum(z(E_ids, P), E_lab) - nll_sum(z(E_ids, REF), E_lab))
    lose = -(nll_sum(z(F_ids, P), F_lab) - nll_sum(z(F_ids, REF), F_lab))
    lf = -2.0 / beta * log_sigmoid(beta * (win - lose)).mean()
    return lf, gamma * lf + alpha * retain_nll


def idknll(gamma=1.0, alpha=1.0, pooling="joint"):
    lp_e, m_e = token_logprobs(z(E_ids, P), E_lab)
    lp_r, m_r = token_logprobs(z(R_ids, P), R_lab)
    if pooling == "joint":  # TOFU 'idk': outputs.loss of torch.cat((idk, retain)) = one token pool
        return (-gamma * lp_e.sum() - alpha * lp_r.sum()) / (m_e.sum() + (m_r.sum() if alpha > 0 else 0))
    return gamma * (-lp_e.sum() / m_e.sum()) + alpha * (-lp_r.sum() / m_r.sum())


def undial(beta=10.0, gamma=1.0, alpha=0.0, positions="all", quirks=False, vocab=None):
    zs = logits(F_ids, P, vocab)[:, :-1, :]
    zt = logits(F_ids, REF, vocab)[:, :-1, :]
    nxt = F_lab[:, 1:]
    adj = zt.copy()
    for i in range(adj.shape[0]):
        for j in range(adj.shape[1]):
            if nxt[i, j] != IGN:
                adj[i, j, nxt[i, j]] -= beta
            elif quirks:  # OU: mask[..., -100] = 1 indexes token V-100 from the end
                adj[i, j, adj.shape[2] - 100] -= beta
    q = np.exp(log_softmax(adj))
    ce = -(q * log_softmax(zs)).sum(-1)  # soft-label cross-entropy per position
    if positions == "all":
        lf = ce.mean()
    else:
        m = (nxt != IGN).astype(float)
        lf = (ce * m).sum() / m.sum()
    return lf, gamma * lf + (alpha * retain_nll if alpha > 0 else 0.0)


def ceu(n_ignore=1):
    lab = F_lab.copy()
    valid = lab != IGN
    first = (np.cumsum(valid, axis=1) <= n_ignore) & valid
    lab[first] = IGN
    zs = z(F_ids, P)[:, :-1, :]
    nxt = lab[:, 1:]
    tot, n = 0.0, 0
    for i in range(zs.shape[0]):
        for j in range(zs.shape[1]):
            if nxt[i, j] == IGN:
                continue
            row = zs[i, j]
            tgt = row.copy()
            tgt[nxt[i, j]] = -np.inf
            q = np.exp(tgt - tgt.max()) / np.exp(tgt - tgt.max()).sum()
            tot += -(q * log_softmax(row[None])[0]).sum()
            n += 1
    return tot / n


def reweighted(b1, b2, sat):
    lp, m = token_logprobs(z(F_ids, P), F_lab)
    p = np.exp(lp)
    w = p ** b1 * ((1 - p) ** b2 if sat else 1.0)
    nll = -lp
    return -(w * nll * m).sum() / m.sum()


def satimp(beta1=5.0, beta2=1.0, gamma=0.1, alpha=1.0):
    lf = reweighted(beta1, beta2, True)
    return lf, gamma * lf + alpha * retain_nll


def wga(beta=1.0, gamma=1.0, alpha=1.0):
    lf = reweighted(beta, 0, False)
    return lf, gamma * lf + alpha * retain_nll


def pdu_forget():
    zf = z(F_ids, P)
    m = (F_lab != IGN).astype(float)  # OU: unshifted labels, logits at the same positions
    d = (zf.max(-1) - zf.mean(-1)) ** 2
    return (d * m).sum() / m.sum()


def pdu_steps(eps, lam0=1.0, gamma=1.0, eta=1.0, retain_values=None):
    """Three steps of the dual update 'upon step' with given retain losses: returns (losses, lambdas)."""
    lam, out = lam0, []
    for r in retain_values:
        out.append((gamma * pdu_forget() + lam * (r - eps), lam))
        lam = max(0.0, lam + eta * (r - eps))
    return out, lam


def show(name, v):
    print(f"{name} = {float(v)!r}")


if __name__ == "__main__":
    np.set_printoptions(precision=17)
    show("P0 NLL_pool(retain, policy)", retain_nll)
    show("P0 NLL_sum(forget, policy)[0]", nll_sum(z(F_ids, P), F_lab)[0])
    show("P0 NLL_sum(forget, policy)[1]", nll_sum(z(F_ids, P), F_lab)[1])
    lf, l = dpo(); show("P1 dpo/idkdpo L_forget", lf); show("P1 dpo/idkdpo L (beta .1, gamma 1, alpha 1)", l)
    lf, l = dpo(beta=1.0, alpha=0.0); show("P1 dpo beta 1 alpha 0 L", l)
    show("P1 dpo at theta=ref L_forget (2/beta log 2)", 20 * np.log(2))
    show("P2 idknll joint (gamma 1 alpha 1)", idknll())
    show("P2 idknll separate (gamma 1 alpha 1)", idknll(pooling="separate"))
    show("P2 idknll alpha 0", idknll(alpha=0.0))
    lf, l = undial(); show("P3 undial all positions beta 10", l)
    lf, l = undial(positions="answer"); show("P3 undial answer positions beta 10", l)
    lf, l = undial(beta=0.0); show("P3 undial beta 0 (teacher = reference)", l)
    lf, l = undial(alpha=1.0); show("P3 undial all, alpha 1", l)
    lf, l = undial(vocab=101); show("P3 undial V=101, all, no quirks", l)
    lf, l = undial(vocab=101, quirks=True); show("P3 undial V=101, all, reference_quirks", l)
    show("P4 ceu n=1", ceu(1)); show("P4 ceu n=0", ceu(0))
    lf, l = satimp(); show("P5 satimp L_forget", lf); show("P5 satimp L (OU yaml: gamma .1 alpha 1)", l)
    lf, l = wga(); show("P6 wga L_forget (beta 1)", lf); show("P6 wga L", l)
    lf, l = wga(beta=0.0); show("P6 wga beta 0 L_forget (= -NLL_pool)", lf)
    show("P7 pdu L_forget", pdu_forget())
    steps, lam = pdu_steps(0.5, retain_values=[retain_nll, retain_nll, retain_nll])
    for k, (loss, lm) in enumerate(steps):
        show(f"P7 pdu step {k} lambda", lm); show(f"P7 pdu step {k} L (eps .5)", loss)
    show("P7 pdu lambda after 3 steps", lam)
