"""Train a character language model on the Time Machine for a fixed wall-clock budget.

    python bench/lm_budget.py --model rnn-scratch --seconds 35

Train on the first 80% of the text, validate on the next 10% after every epoch, keep the
parameters with the best validation perplexity, and print, last, ``test_ppl=X``: the exact
per-character perplexity of the final 10%, read once, left to right, with the state carried.
For scale (same test text): D2L's rnn-scratch recipe 8.37; interpolated 4-gram 4.77, 5-gram 4.22.

Set ``SEQLIB_DATA_DIR`` to a folder holding ``timemachine.txt`` to work offline.
"""
from __future__ import annotations

import argparse
import copy
import math
import os
import time

import torch
import torch.nn.functional as F

import seqlib
from seqlib.batching import split
from seqlib.data import time_machine
from seqlib.models import RNNLM, GRUScratch, LSTMScratch, RNNScratch
from seqlib.text import build_corpus
from seqlib.train import TrainConfig, evaluate_perplexity, fit

MODELS = ("rnn-scratch", "gru-scratch", "lstm-scratch", "rnn-torch")


def build_model(name: str, vocab_size: int, embed_dim: int, num_hiddens: int, dropout: float) -> RNNLM:
    cells = {
        "rnn-scratch": lambda: RNNScratch(embed_dim, num_hiddens, sigma=num_hiddens ** -0.5),
        "gru-scratch": lambda: GRUScratch(embed_dim, num_hiddens, sigma=num_hiddens ** -0.5),
        "lstm-scratch": lambda: LSTMScratch(embed_dim, num_hiddens, sigma=num_hiddens ** -0.5),
        "rnn-torch": lambda: torch.nn.RNN(embed_dim, num_hiddens, batch_first=True),
    }
    return RNNLM(cells[name](), vocab_size, embed_dim=embed_dim, dropout=dropout)


def pick_threads(model: RNNLM, batch_size: int, num_steps: int) -> tuple[int, dict]:
    """Time a few training steps with 1 and with all threads; return the faster count.

    On a busy machine, torch's default of one thread per core can be many times slower than
    one thread (threads wait for each other's time slices), so measure rather than guess.
    The probe trains a throwaway copy, so the model itself is untouched.
    """
    probe = copy.deepcopy(model)
    optimizer = torch.optim.SGD(probe.parameters(), lr=0.0)
    X = torch.randint(0, probe.vocab_size, (batch_size, num_steps))  # (B, T)
    timings = {}
    for threads in sorted({1, torch.get_num_threads()}):
        torch.set_num_threads(threads)
        best = math.inf
        for repeat in range(4):
            start = time.perf_counter()
            logits, _ = probe(X)  # (B, T, V)
            loss = F.cross_entropy(logits.flatten(0, 1), X.flatten())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if repeat:  # the first one warms up
                best = min(best, time.perf_counter() - start)
        timings[threads] = best
    return min(timings, key=timings.get), timings


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=MODELS, default="rnn-scratch")
    parser.add_argument("--seconds", type=float, default=35.0, help="wall-clock training budget")
    parser.add_argument("--hiddens", type=int, default=256, help="H, the width of the state")
    parser.add_argument("--embed", type=int, default=64, help="embedding size")
    parser.add_argument("--dropout", type=float, default=0.2, help="on embeddings and outputs")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--num-steps", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--clip", type=float, default=1.0)
    parser.add_argument("--schedule", choices=("constant", "cosine"), default="cosine")
    parser.add_argument("--eval-batch-size", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=None,
                        help="torch threads (default: time 1 and all, keep the faster)")
    args = parser.parse_args(argv)

    seqlib.set_seed(args.seed)
    ids, vocab = build_corpus(time_machine(), unit="char")
    train_ids, val_ids, test_ids = split(ids, (0.8, 0.1, 0.1))
    model = build_model(args.model, len(vocab), args.embed, args.hiddens, args.dropout)
    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        threads, timings = pick_threads(model, args.batch_size, args.num_steps)
        torch.set_num_threads(threads)
        print("threads: " + ", ".join(f"{k} -> {1000 * v:.0f} ms/step" for k, v in timings.items())
              + f"; using {threads}", flush=True)
    config = TrainConfig(
        seconds=args.seconds, batch_size=args.batch_size, num_steps=args.num_steps,
        optimizer="adam", lr=args.lr, weight_decay=args.weight_decay, clip=args.clip,
        lr_schedule=args.schedule, eval_batch_size=args.eval_batch_size, seed=args.seed,
        keep_best=True, progress=True,
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"model={args.model} params={sum(p.numel() for p in model.parameters())} "
          f"train/val/test chars={len(train_ids)}/{len(val_ids)}/{len(test_ids)} "
          f"threads={torch.get_num_threads()} load1={load:.2f}", flush=True)
    print(f"config: {config}", flush=True)
    start = time.perf_counter()
    history = fit(model, train_ids, val_ids, config)
    print(f"trained {history.steps[-1]} steps in {history.seconds[-1]:.1f} s; best epoch "
          f"{history.best_epoch} (val_ppl={history.best_val_ppl:.3f})", flush=True)
    test_ppl = evaluate_perplexity(model, test_ids, batch_size=1)
    print(f"total {time.perf_counter() - start:.1f} s")
    print(f"test_ppl={test_ppl:.3f}")


if __name__ == "__main__":
    main()
