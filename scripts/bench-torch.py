#!/usr/bin/env python3
"""PyTorch reference for `npm run bench`: the same encoder classifier trained on CPU threads (1 by default).

Architecture and hyperparameters match scripts/bench-engine.ts: vocab 8000, seqLen 128, dModel 128,
4 heads, 2 pre-LN blocks, ffn 512 with tanh-form GELU, dropout 0.1, learned positions, [CLS] pooling,
4 classes, batch 32, AdamW (lr 1e-3, weight decay 0.01), gradients clipped to global norm 1 (the
engine's default). Tokens/s counts batch * seqLen per step.

    python3 scripts/bench-torch.py [--json] [--train-seconds N] [--infer-seconds N] [--threads N]

--threads N (default 1) gives PyTorch N intra-op threads, for its best figure on a machine with N cores.

Debian's python3-torch calls whatever BLAS the libblas.so.3 alternative points to: install
libopenblas0-pthread first, or matmuls run on the reference BLAS and the figure is ~10x too low.
"""
import argparse
import json
import os
import resource
import time

import sys

# The thread count must be set before torch (and its BLAS) load.
THREADS = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
os.environ.setdefault("MKL_NUM_THREADS", str(THREADS))

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB, SEQ, D, HEADS, LAYERS, FFN, BATCH, CLASSES, DROPOUT = 8000, 128, 128, 4, 2, 512, 32, 4, 0.1


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


class Classifier(nn.Module):
    def __init__(self, vocab=VOCAB, classes=CLASSES):
        super().__init__()
        self.tok = nn.Embedding(vocab, D)
        self.pos = nn.Parameter(torch.randn(SEQ, D) * 0.02)
        self.drop = nn.Dropout(DROPOUT)
        layer = nn.TransformerEncoderLayer(D, HEADS, FFN, DROPOUT, activation=gelu_tanh, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(D)
        self.head = nn.Linear(D, classes)

    def forward(self, ids, padding):  # ids [B, T], padding [B, T] True where padded
        h = self.drop(self.tok(ids) + self.pos)  # [B, T, D]
        h = self.norm(self.encoder(h, src_key_padding_mask=padding))  # [B, T, D]
        return self.head(h[:, 0])  # [CLS] pooling -> [B, C]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--train-seconds", type=float, default=25)
    ap.add_argument("--infer-seconds", type=float, default=8)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rows", help="JSON {vocab, classes, rows, labels} of encoded texts: train on them instead")
    ap.add_argument("--epochs", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.rows:
        return train_rows(args)
    torch.manual_seed(1)
    model = Classifier()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    batches = []
    for _ in range(4):
        ids = torch.randint(5, VOCAB, (BATCH, SEQ))
        ids[:, 0] = 2  # [CLS]
        batches.append((ids, torch.zeros(BATCH, SEQ, dtype=torch.bool), torch.randint(0, CLASSES, (BATCH,))))
    tokens = BATCH * SEQ

    def train_step(i):
        ids, pad, labels = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, pad), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    model.train()
    for i in range(3):
        train_step(i)
    t0, steps, cpu0 = time.perf_counter(), 0, time.process_time()
    while time.perf_counter() - t0 < args.train_seconds or steps < 3:
        train_step(steps)
        steps += 1
    train_tps = steps * tokens / (time.perf_counter() - t0)
    # Process CPU time: on one thread, the speed an idle core would give (a busy machine only stretches the wall
    # clock); with more threads it counts their spin-waiting too, so it is only reported for one.
    train_cpu_tps = steps * tokens / (time.process_time() - cpu0)

    model.eval()
    with torch.no_grad():
        ids, pad, _ = batches[0]
        model(ids, pad)
        t1, n = time.perf_counter(), 0
        while time.perf_counter() - t1 < args.infer_seconds or n < 3:
            ids, pad, _ = batches[n % len(batches)]
            torch.softmax(model(ids, pad), -1)
            n += 1
        infer_tps = n * tokens / (time.perf_counter() - t1)

    result = {
        "backend": f"pytorch-{torch.__version__}-cpu-{args.threads}thread",
        "threads": args.threads,
        "train_tokens_per_s": round(train_tps),
        **({"train_tokens_per_s_free_cores": round(train_cpu_tps)} if args.threads == 1 else {}),
        "infer_tokens_per_s": round(infer_tps),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"train {result['train_tokens_per_s']} tokens/s, infer {result['infer_tokens_per_s']} tokens/s, "
              f"peak RSS {result['peak_rss_mb']} MB ({result['backend']})")


def train_rows(args):
    """Real data: every row padded to SEQ (PyTorch's usual fixed shape), batches of BATCH, shuffled each epoch."""
    with open(args.rows) as f:
        d = json.load(f)
    torch.manual_seed(1)
    model = Classifier(d["vocab"], d["classes"])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    n = len(d["rows"])
    ids = torch.zeros(n, SEQ, dtype=torch.long)
    for i, r in enumerate(d["rows"]):
        ids[i, : min(len(r), SEQ)] = torch.tensor(r[:SEQ])
    pad = ids == 0
    labels = torch.tensor(d["labels"])
    real = sum(min(len(r), SEQ) for r in d["rows"])
    model.train()
    t0 = time.perf_counter()
    for _ in range(args.epochs):
        order = torch.randperm(n)
        for s in range(0, n, BATCH):
            idx = order[s : s + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(ids[idx], pad[idx]), labels[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
    sec = time.perf_counter() - t0
    result = {"backend": f"pytorch-{torch.__version__}-cpu-{args.threads}thread", "threads": args.threads, "rows": n, "epochs": args.epochs,
              "train_seconds": round(sec, 1), "effective_tokens_per_s": round(real * args.epochs / sec), "padded_tokens_per_s": round(n * SEQ * args.epochs / sec)}
    print(json.dumps(result) if args.json else f"{n} rows x {args.epochs} epochs in {sec:.1f} s: {result['effective_tokens_per_s']} real tokens/s ({result['backend']})")


if __name__ == "__main__":
    main()
