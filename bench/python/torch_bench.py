"""The benchmark networks in PyTorch on the CPU, timed like the tfjs contenders.

Reads the samples the harness wrote (x.bin: float32 rows of 784, y.bin: float32 one-hot rows of
10), trains with Adam at batch 64 and prints one JSON line. Run with OPENBLAS_NUM_THREADS=1.
"""
import argparse
import json
import statistics
import time

import numpy as np
import torch
from torch import nn


def network(name):
    if name == "mlp":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10),
    )


def blas_gflops():
    """Which BLAS torch got: Debian's python3-torch uses whatever libblas.so.3 points to, and the
    reference BLAS (no libopenblas0 installed) is some 25 times slower than OpenBLAS."""
    a = torch.rand(512, 512)
    b = torch.rand(512, 512)
    a @ b
    start = time.perf_counter()
    for _ in range(3):
        a @ b
    return 3 * 2 * 512 ** 3 / (time.perf_counter() - start) / 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--net", choices=["mlp", "cnn"], required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--blocks", type=int, required=True)
    args = parser.parse_args()

    torch.manual_seed(1)
    x = np.fromfile(f"{args.data}/x.bin", dtype=np.float32).reshape(args.count, 784)
    y = np.fromfile(f"{args.data}/y.bin", dtype=np.float32).reshape(args.count, 10)
    shape = (-1, 784) if args.net == "mlp" else (-1, 1, 28, 28)
    xs = [torch.from_numpy(x[i:i + 64].copy()).reshape(shape) for i in range(0, args.count, 64)]
    ts = [torch.from_numpy(y[i:i + 64].argmax(axis=1)) for i in range(0, args.count, 64)]

    model = network(args.net)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = nn.CrossEntropyLoss()
    index = 0

    def step():
        nonlocal index
        k = index % len(xs)
        index += 1
        optimizer.zero_grad()
        loss = loss_fn(model(xs[k]), ts[k])
        loss.backward()
        optimizer.step()
        loss.item()

    for _ in range(args.warmup):
        step()
    blocks = []
    for _ in range(args.blocks):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        blocks.append((time.perf_counter() - start) * 1000)
    ms_per_step = statistics.median(blocks) / args.steps
    print(json.dumps({
        "samplesPerSecond": 64 * 1000 / ms_per_step,
        "blockMs": blocks,
        "threads": torch.get_num_threads(),
        "version": torch.__version__,
        "blasGflops": blas_gflops(),
    }))


if __name__ == "__main__":
    main()
