"""Training-step throughput of the from-scratch RNN against torch.nn.RNN, on CPU.

    python bench/rnn_speed.py [--rounds 15] [--reps 3] [--threads N]

One training step = forward over a (B, T, D) batch, a mean-squared loss on the (B, T, H)
outputs, backward, and an SGD step, at B=128, T=64, D=64, H=256 (the issue's setting).
Three contestants, all with the same torch thread count:

* ``torch``        torch.nn.RNN(batch_first=True)
* ``scratch``      seqlib.models.RNNScratch: one input matmul + hand-written BPTT (fused=True)
* ``scratch-loop`` RNNScratch(fused=False): the same maths as a plain autograd loop

The rounds are interleaved (each round times every contestant, in a rotating order) so that
a change in machine load hits all of them alike; the figure reported is the median over rounds
of the per-round ratio torch time / scratch time (> 1 means the scratch RNN is faster).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import torch
import torch.nn.functional as F

from seqlib.models import RNNScratch

B, T, D, H = 128, 64, 64, 256


class TorchRNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.RNN(D, H, batch_first=True)

    def forward(self, X):
        return self.rnn(X)  # (B, T, H), (1, B, H)


def make_step(model, X, target):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

    def step():
        outputs, _ = model(X)  # (B, T, H)
        loss = F.mse_loss(outputs, target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--reps", type=int, default=3, help="training steps per timing"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch threads (default: torch's)",
    )
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(0)
    X, target = (
        torch.randn(B, T, D),
        torch.randn(B, T, H),
    )  # (B, T, D), (B, T, H)
    steps = {
        "torch": make_step(TorchRNN(), X, target),
        "scratch": make_step(RNNScratch(D, H), X, target),
        "scratch-loop": make_step(
            RNNScratch(D, H, fused=False), X, target
        ),
    }
    for step in (
        steps.values()
    ):  # warm up: allocator, thread pool, first-call overheads
        step(), step()

    times = {name: [] for name in steps}
    names = list(steps)
    for r in range(args.rounds):
        for name in (
            names[r % len(names) :] + names[: r % len(names)]
        ):  # rotate the order
            start = time.perf_counter()
            for _ in range(args.reps):
                steps[name]()
            times[name].append((time.perf_counter() - start) / args.reps)

    load = (
        os.getloadavg()
        if hasattr(os, "getloadavg")
        else (float("nan"),) * 3
    )
    print(
        f"B={B} T={T} D={D} H={H}  threads={torch.get_num_threads()}  torch {torch.__version__}  "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    for name in names:
        print(
            f"{name:>13}: median {1000 * statistics.median(times[name]):7.1f} ms/step  "
            f"({B * T / statistics.median(times[name]):,.0f} tokens/s)"
        )
    for name in ("scratch", "scratch-loop"):
        ratios = [
            a / b
            for a, b in zip(times["torch"], times[name], strict=True)
        ]
        print(
            f"ratio torch/{name}: median {statistics.median(ratios):.3f} "
            f"(min {min(ratios):.3f}, max {max(ratios):.3f}, {len(ratios)} rounds)"
        )


if __name__ == "__main__":
    main()
