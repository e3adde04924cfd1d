"""PyTorch as a bench contender, in a process of its own (bench/pytorch-contender.ts starts it).

Reads one JSON job on stdin: the data file (inputs as float64, row after row, then one class
label per pattern as float64), the net's initial params file (the same bytes, layer by layer:
weights [units][fanIn] then bias), hidden size, batch B, dtype, threads, learning rate and the
time budget. Trains 784-H-10 (relu, softmax cross-entropy) by SGD w <- w - eta * mean gradient,
written its fastest correct way: a hand-written step under no_grad, no loss read back per step.
Before timing it checks that the loss falls on the first 256 patterns (one epoch from the
initial weights); a contender whose loss does not fall, or is not finite, is not timed.
Prints one JSON line: samples/s per repetition, the check, torch's version, threads and BLAS.
"""
import json
import sys
import time

import numpy as np
import torch


def loaded_blas():
    """The BLAS libraries this process has mapped (after a product ran): which one torch really uses."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(paths)


def main():
    job = json.load(sys.stdin)
    torch.set_num_threads(job["threads"])
    dtype = {"float64": torch.float64, "float32": torch.float32}[job["dtype"]]
    n, d, h, k = job["patterns"], 784, job["hidden"], 10
    raw = np.fromfile(job["data"], dtype=np.float64)
    x_all = torch.tensor(raw[: n * d].reshape(n, d), dtype=dtype)
    y_all = torch.tensor(raw[n * d : n * d + n], dtype=torch.int64)
    p = np.fromfile(job["params"], dtype=np.float64)
    sizes = [h * d, h, k * h, k]
    parts, at = [], 0
    for s in sizes:
        parts.append(p[at : at + s])
        at += s
    init = [torch.tensor(parts[0].reshape(h, d), dtype=dtype), torch.tensor(parts[1], dtype=dtype),
            torch.tensor(parts[2].reshape(k, h), dtype=dtype), torch.tensor(parts[3], dtype=dtype)]
    eta, B = job["eta"], job["batch"]

    def fresh():
        return [t.clone().requires_grad_(True) for t in init]

    def step(w, x, y):
        w1, b1, w2, b2 = w
        z = torch.nn.functional.linear(torch.relu(torch.nn.functional.linear(x, w1, b1)), w2, b2)
        loss = torch.nn.functional.cross_entropy(z, y, reduction="mean")
        grads = torch.autograd.grad(loss, w)
        with torch.no_grad():
            for t, g in zip(w, grads):
                t.sub_(eta * g)
        return loss

    def mean_loss(w, count):
        with torch.no_grad():
            w1, b1, w2, b2 = w
            z = torch.nn.functional.linear(torch.relu(torch.nn.functional.linear(x_all[:count], w1, b1)), w2, b2)
            return float(torch.nn.functional.cross_entropy(z, y_all[:count]))

    check_n = 256
    w = fresh()
    before = mean_loss(w, check_n)
    for s in range(0, check_n, B):
        step(w, x_all[s : s + B], y_all[s : s + B])
    after = mean_loss(w, check_n)
    check = {"patterns": check_n, "lossBefore": before, "lossAfter": after,
             "passed": bool(np.isfinite(after) and after < before)}
    result = {"check": check, "torch": torch.__version__, "threads": torch.get_num_threads(),
              "dtype": job["dtype"], "blas": loaded_blas(), "config": torch.__config__.show()}
    if not check["passed"]:
        print(json.dumps(result))
        return

    w = fresh()
    count = max(B, (job["repPatterns"] // B) * B)

    def run(start):
        for s in range(0, count, B):
            i = (start + s) % (n - B + 1)
            step(w, x_all[i : i + B], y_all[i : i + B])

    t_end = time.perf_counter() + job["warmupSeconds"]
    start = 0
    while time.perf_counter() < t_end:
        run(start)
        start += count
    reps = []
    for _ in range(job["reps"]):
        t0 = time.perf_counter()
        run(start)
        start += count
        reps.append(count / (time.perf_counter() - t0))
    result["samplesPerSecond"] = reps
    print(json.dumps(result))


main()
