#!/usr/bin/python3
"""PyTorch side of labelcode's side-by-side benchmark (bench/README.md).

Trains the three networks of the Go side (a 1024-512-20000 softmax MLP, the
shared-trunk Label Mapping network with three prime-residue heads, DSNC with
a 64-bit code and a linear decoder) on the same generated data, float32,
Adam, batch 256, shuffled minibatches, the last partial batch dropped, and
times one training epoch, prediction of one example at a time (a Python call
per example, as a service pays it) and batch prediction.

Run it through the Go program (`go run ./bench`), which starts it with
--serve and sends one JSON request per line on stdin, so that the Go and the
PyTorch measurements interleave in one invocation. Alone,
`/usr/bin/python3 bench/torch_bench.py --case lm --threads 1` prints the
result of one case. It needs numpy and torch (Debian: python3-torch) and
installs nothing.
"""

import argparse
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

FEATURES, HIDDEN, CLASSES = 1024, 512, 20000
SETTLE = 0.3  # seconds of pause before each timed prediction phase, as the Go side
SINGLE_BLOCKS = 10  # blocks of the one-call-per-example timing, as the Go side (cases.go)
PRIMES = (149, 151, 157)  # Label Mapping heads; 149·151·157 >= 20000
BITS = 64


# --- data: the formula of bench/data.go, bit for bit -----------------------

def hash32(v):
    """lowbias32 on a uint32 array (multiplications wrap modulo 2^32)."""
    v = v.astype(np.uint32, copy=True)
    v ^= v >> np.uint32(16)
    v *= np.uint32(0x7FEB352D)
    v ^= v >> np.uint32(15)
    v *= np.uint32(0x846CA68B)
    v ^= v >> np.uint32(16)
    return v


def unit(h):
    """Maps hashes to [-1, 1) exactly as the Go side: (h>>8)·2^-23 - 1."""
    return (h >> np.uint32(8)).astype(np.float32) * np.float32(2.0 ** -23) - np.float32(1)


def make_data(rows):
    """Labels y_r = hash(r + 0x12345) mod K; features x_rj = proto(y_r, j)
    + 0.5·noise(r, j), proto(c, j) = unit(hash(c·F + j)), noise(r, j) =
    unit(hash(r·F + j + 2^30))."""
    r = np.arange(rows, dtype=np.uint32)
    y = (hash32(r + np.uint32(0x12345)) % np.uint32(CLASSES)).astype(np.int64)
    j = np.arange(FEATURES, dtype=np.uint32)
    proto = unit(hash32(y.astype(np.uint32)[:, None] * np.uint32(FEATURES) + j[None, :]))
    noise = unit(hash32(r[:, None] * np.uint32(FEATURES) + j[None, :] + np.uint32(1 << 30)))
    x = proto + np.float32(0.5) * noise
    return np.ascontiguousarray(x, dtype=np.float32), y


def checksum(x, y):
    """Sum of the float32 bit patterns and sum of the labels, as integers."""
    return int(x.view(np.uint32).astype(np.uint64).sum()), int(y.sum())


# --- models -----------------------------------------------------------------

class OneHot(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(FEATURES, HIDDEN)
        self.out = torch.nn.Linear(HIDDEN, CLASSES)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))

    def loss(self, x, y):
        return F.cross_entropy(self(x), y)

    def predict(self, x):
        return self(x).argmax(1)


class LabelMapping(torch.nn.Module):
    """Shared trunk, one softmax head per prime; decoded exactly by scoring
    every label y as Σ_i log p_i(y mod p_i) (vectorised over the K labels)."""

    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(FEATURES, HIDDEN)
        self.heads = torch.nn.ModuleList([torch.nn.Linear(HIDDEN, p) for p in PRIMES])
        labels = torch.arange(CLASSES)
        self.register_buffer("residues", torch.stack([labels % p for p in PRIMES]), persistent=False)

    def forward(self, x):
        h = F.relu(self.hidden(x))
        return [head(h) for head in self.heads]

    def loss(self, x, targets):
        return sum(F.cross_entropy(z, t) for z, t in zip(self(x), targets))

    def predict(self, x):
        score = None
        for z, res in zip(self(x), self.residues):
            s = F.log_softmax(z, 1).index_select(1, res)
            score = s if score is None else score + s
        return score.argmax(1)


class StraightThrough(torch.autograd.Function):
    """b ~ Bernoulli(p) forward, dL/dp = dL/db backward (DSNC eq. 6)."""

    @staticmethod
    def forward(ctx, p):
        return torch.bernoulli(p)

    @staticmethod
    def backward(ctx, g):
        return g


class DSNC(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(FEATURES, HIDDEN)
        self.code = torch.nn.Linear(HIDDEN, BITS)
        self.decoder = torch.nn.Linear(BITS, CLASSES)

    def encode(self, x):
        return self.code(F.relu(self.hidden(x)))

    def loss(self, x, y):
        b = StraightThrough.apply(torch.sigmoid(self.encode(x)))
        return F.cross_entropy(self.decoder(b), y)

    def predict(self, x):
        b = (self.encode(x) >= 0).to(x.dtype)  # σ(z) >= 0.5 exactly when z >= 0
        return self.decoder(b).argmax(1)


MODELS = {"onehot": OneHot, "lm": LabelMapping, "dsnc": DSNC}


# --- the benchmark ----------------------------------------------------------

class Bench:
    def __init__(self):
        self.rows = None
        self.models = {}

    def data(self, rows):
        if self.rows != rows:
            x, y = make_data(rows)
            self.x_np = x
            self.x = torch.from_numpy(x)
            self.y = torch.from_numpy(y)
            self.lm_targets = torch.stack([self.y % p for p in PRIMES])
            self.rows = rows
        cx, cy = checksum(self.x_np, self.y.numpy())
        return {"checksum_x": cx, "checksum_y": cy}

    def train(self, case, threads, epochs, batch, lr, seed):
        torch.set_num_threads(threads)
        torch.manual_seed(seed)
        model = MODELS[case]()
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        gen = torch.Generator().manual_seed(seed)
        n = self.rows
        times, losses = [], []
        model.train()
        for _ in range(epochs):
            start = time.perf_counter()
            perm = torch.randperm(n, generator=gen)
            total = 0.0
            batches = n // batch
            for b in range(batches):
                idx = perm[b * batch:(b + 1) * batch]
                x = self.x[idx]
                y = self.lm_targets[:, idx] if case == "lm" else self.y[idx]
                opt.zero_grad(set_to_none=True)
                loss = model.loss(x, y)
                loss.backward()
                opt.step()
                total += loss.item()
            times.append(time.perf_counter() - start)
            losses.append(total / batches)
        model.eval()
        self.models[case] = model
        return {"epoch_seconds": times, "loss": losses}

    def predict(self, case, threads, single, batch):
        torch.set_num_threads(threads)
        model = self.models[case]
        out = {}
        with torch.inference_mode():
            rows = [self.x[i:i + 1] for i in range(single)]
            time.sleep(SETTLE)
            # Warm-up, then one Python call per example: what a service pays.
            for r in rows[:10]:
                model.predict(r).item()
            # In SINGLE_BLOCKS blocks, as the Go side (cases.go): the mean
            # over all calls and the median of the blocks' means.
            labels, blocks = [], []
            start = time.perf_counter()
            for b in range(SINGLE_BLOCKS):
                lo, hi = b * single // SINGLE_BLOCKS, (b + 1) * single // SINGLE_BLOCKS
                t0 = time.perf_counter()
                labels += [model.predict(r).item() for r in rows[lo:hi]]
                if hi > lo:
                    blocks.append((time.perf_counter() - t0) / (hi - lo))
            out["single_seconds"] = (time.perf_counter() - start) / single
            out["single_block_median_seconds"] = float(np.median(blocks))
            time.sleep(SETTLE)
            start = time.perf_counter()
            pred = torch.cat([model.predict(self.x[i:i + batch]) for i in range(0, self.rows, batch)])
            out["batch_seconds"] = (time.perf_counter() - start) / self.rows
        out["single_labels"] = labels
        out["accuracy"] = float((pred == self.y).double().mean())
        return out

    def handle(self, req):
        cmd = req["cmd"]
        if cmd == "data":
            return self.data(req["rows"])
        if cmd == "train":
            return self.train(req["case"], req["threads"], req["epochs"], req["batch"], req["lr"], req["seed"])
        if cmd == "predict":
            return self.predict(req["case"], req["threads"], req["single"], req["batch"])
        if cmd == "info":
            return {"torch": torch.__version__, "numpy": np.__version__, "python": sys.version.split()[0],
                    "default_threads": torch.get_num_threads(), "config": torch.__config__.parallel_info()}
        raise ValueError("unknown command %r" % cmd)


def serve():
    bench = Bench()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            resp = {"ok": True, "result": bench.handle(json.loads(line))}
        except Exception as e:  # reported to the Go side, which stops
            resp = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--serve", action="store_true", help="answer JSON requests on stdin (used by go run ./bench)")
    ap.add_argument("--case", choices=sorted(MODELS), default="onehot")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--rows", type=int, default=5120)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--single", type=int, default=300, help="examples predicted one at a time")
    args = ap.parse_args()
    if args.serve:
        serve()
        return
    bench = Bench()
    print(json.dumps({"data": bench.data(args.rows)}))
    print(json.dumps({"train": bench.train(args.case, args.threads, args.epochs, 256, 1e-3, 1)}))
    res = bench.predict(args.case, args.threads, args.single, 256)
    del res["single_labels"]
    print(json.dumps({"predict": res}))


if __name__ == "__main__":
    main()
