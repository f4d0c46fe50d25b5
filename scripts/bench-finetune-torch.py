#!/usr/bin/env python3
"""PyTorch reference for `npm run bench:finetune`: the same BERT-shaped base on one CPU thread.

6 post-LN blocks, dModel 384, 12 heads, ffn 1536 with exact (erf) GELU, vocab 30522, learned positions,
token-type and embedding layer norm (MiniLM size), random weights, a 2-class head on [CLS]. Full mode:
every weight trains (AdamW). LoRA mode: rank-8 adapters (alpha 16) on the fused QKV and output
projections of every block plus the head; the base frozen. Batch 32 x 64 tokens, gradients clipped to
global norm 1. Frozen features: the base's [CLS] vectors for 1,000 texts of 64 tokens (no_grad), then a
logistic-regression head (scikit-learn). Tokens/s counts batch * seqLen per step; CPU seconds beside
wall seconds because the machine may be shared. Peak memory: max RSS of this process (each mode runs in
its own process: pass --mode).

    /usr/bin/python3 scripts/bench-finetune-torch.py [--mode full|lora|frozen] [--seconds N] [--json]
"""
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch
import torch.nn as nn
import torch.nn.functional as F

V, D, H, L, FFN, POS, B, T, C, TEXTS = 30522, 384, 12, 6, 1536, 512, 32, 64, 2, 1000
torch.set_num_threads(1)


class Lora(nn.Module):
    """y = x W + b + (alpha / r) (x A) B with W frozen."""

    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        self.base = base
        self.a = nn.Parameter(torch.randn(base.in_features, r) / base.in_features ** 0.5)
        self.b = nn.Parameter(torch.zeros(r, base.out_features))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.a @ self.b) * self.scale


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(D, 3 * D)
        self.out = nn.Linear(D, D)
        self.ln1 = nn.LayerNorm(D, eps=1e-12)
        self.w1 = nn.Linear(D, FFN)
        self.w2 = nn.Linear(FFN, D)
        self.ln2 = nn.LayerNorm(D, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, H, D // H).permute(2, 0, 3, 1, 4)
        a = torch.softmax(q @ k.transpose(-1, -2) / (D // H) ** 0.5, dim=-1)
        a = self.drop(a)
        h = (a @ v).transpose(1, 2).reshape(b, t, D)
        x = self.ln1(x + self.drop(self.out(h)))
        return self.ln2(x + self.drop(self.w2(F.gelu(self.w1(x)))))


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(V, D)
        self.pos = nn.Embedding(POS, D)
        self.typ = nn.Embedding(2, D)
        self.ln = nn.LayerNorm(D, eps=1e-12)
        self.blocks = nn.ModuleList([Block() for _ in range(L)])
        self.head = nn.Linear(D, C)
        self.drop = nn.Dropout(0.1)

    def features(self, ids):
        x = self.tok(ids) + self.pos.weight[: ids.shape[1]] + self.typ.weight[0]
        x = self.drop(self.ln(x))
        for blk in self.blocks:
            x = blk(x)
        return x[:, 0]

    def forward(self, ids):
        return self.head(self.features(ids))


def batch(n, seed):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(1000, V, (n, T), generator=g)
    ids[:, 0], ids[:, -1] = 101, 102
    return ids, torch.randint(0, C, (n,), generator=g)


def run(mode, seconds):
    torch.manual_seed(1)
    model = Bert()
    if mode == "frozen":
        model.eval()
        ids, y = batch(TEXTS, 7)
        t0, c0 = time.perf_counter(), time.process_time()
        with torch.no_grad():
            feats = torch.cat([model.features(ids[i : i + 64]) for i in range(0, TEXTS, 64)]).numpy()
        t1 = time.perf_counter()
        from sklearn.linear_model import LogisticRegression

        LogisticRegression(max_iter=500).fit(feats[:800], y[:800].numpy())
        t2, c2 = time.perf_counter(), time.process_time()
        return {"mode": mode, "featureSeconds": round(t1 - t0, 2), "headSeconds": round(t2 - t1, 2), "totalSeconds": round(t2 - t0, 2), "cpuSeconds": round(c2 - c0, 2), "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}
    if mode == "lora":
        for p in model.parameters():
            p.requires_grad_(False)
        for blk in model.blocks:
            blk.qkv = Lora(blk.qkv, 8, 16)
            blk.out = Lora(blk.out, 8, 16)
        for p in model.head.parameters():
            p.requires_grad_(True)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=5e-5, weight_decay=0.01)
    batches = [batch(B, 11 + i) for i in range(4)]

    def step(i):
        ids, y = batches[i % 4]
        loss = F.cross_entropy(model(ids), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()

    step(0)
    steps, t0, c0 = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - t0 < seconds or steps < 3:
        steps += 1
        step(steps)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return {"mode": mode, "steps": steps, "tokensPerSec": round(steps * B * T / wall), "tokensPerCpuSec": round(steps * B * T / cpu), "trainableParams": sum(p.numel() for p in params), "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}


def main():
    argv = sys.argv[1:]
    seconds = float(argv[argv.index("--seconds") + 1]) if "--seconds" in argv else 40
    if "--mode" in argv:
        print(json.dumps(run(argv[argv.index("--mode") + 1], seconds)))
        return
    results = []
    for mode in ("full", "lora", "frozen"):
        out = subprocess.run([sys.executable, __file__, "--mode", mode, "--seconds", str(seconds)], capture_output=True, text=True, check=True)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    if "--json" in argv:
        print(json.dumps({"backend": "torch", "threads": 1, "results": results}, indent=1))
        return
    for r in results:
        print(r)


if __name__ == "__main__":
    main()
