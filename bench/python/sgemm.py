"""OpenBLAS sgemm through numpy: the machine's matmul ceiling. Prints one JSON line of GFLOP/s."""
import argparse
import json
import statistics
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", required=True)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--blocks", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    out = {}
    for n in args.sizes:
        a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
        for _ in range(args.warmup):
            a @ b
        blocks = []
        for _ in range(args.blocks):
            start = time.perf_counter()
            for _ in range(args.steps):
                a @ b
            blocks.append(time.perf_counter() - start)
        seconds = statistics.median(blocks) / args.steps
        out[str(n)] = 2 * n ** 3 / seconds / 1e9
    print(json.dumps({"square": out, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
