"""PyTorch as a bench contender, in a process of its own (bench/process-contender.ts starts it).

Speaks the bench's line protocol (bench/protocol.ts): one job line on stdin naming the net spec
(dense, conv and max-pool layers, relu or identity, softmax cross-entropy), the data and params
files (bench/bench-files.ts: float64, our layouts, which are PyTorch's), the batch sizes, dtype,
threads, learning rate, loss-check size and time budget. For each batch size it runs the same loss
check as the JavaScript contenders (bench/loss-check.ts: mean loss over the first P patterns, one
pass of training over them, the mean loss again; it passes when both are finite and the loss fell)
and, if it passed, warms up; then answers "@bench {ready}" and times one repetition per
'{"case": i}' line, answering "@bench {wall, cpu, E}".

Written its fastest correct way, the loss summed in a tensor and read once per repetition:
  dense nets: a hand-written step under no_grad (at batch 1 about three times autograd's speed):
    z = addmm(b, h, W^T), relu in place; log-softmax; dz_L = (softmax(z_L) - t) / B;
    dh = dz W, dz = dh * [h > 0]; W -= eta dz^T h, b -= eta sum_p dz, in place;
  conv nets: the forward pass in torch.nn.functional, the gradient by torch.autograd.grad, and
    w -= eta * gradient in place under no_grad.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

PREFIX = "@bench "


def send(message):
    sys.stdout.write(PREFIX + json.dumps(message) + "\n")
    sys.stdout.flush()


def short(v):
    """Five significant digits, as bench/loss-check.ts writes them; NaN and Infinity as JavaScript spells them."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return f"{float(f'{v:.5g}')!r}".removesuffix(".0")


def loaded_blas():
    """The BLAS libraries this process has mapped (after a product ran): which one torch really uses."""
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower() and "/" in line}
    return sorted(paths)


def layer_shapes(spec):
    """Each layer's weight shape (None for pool), following the shapes through the net."""
    shape = list(spec["input"])
    shapes = []
    for layer in spec["layers"]:
        if layer["type"] == "dense":
            fan_in = int(np.prod(shape))
            shapes.append([layer["units"], fan_in])
            shape = [layer["units"]]
        elif layer["type"] == "conv":
            c, h, w = shape
            k, s, p = layer["kernel"], layer["stride"], layer["padding"]
            shapes.append([layer["filters"], c, k, k])
            shape = [layer["filters"], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1]
        else:
            if layer["mode"] != "max":
                raise ValueError("the PyTorch contender builds max pooling only")
            c, h, w = shape
            z, s = layer["size"], layer["stride"]
            shapes.append(None)
            shape = [c, (h - z) // s + 1, (w - z) // s + 1]
    return shapes


def activation(layer):
    a = layer["activation"]
    name = a if isinstance(a, str) else a["name"]
    if name not in ("relu", "identity"):
        raise ValueError(f"the PyTorch contender builds relu and identity layers, not {name}")
    return name


def build(job):
    files = job["files"]
    spec = files["spec"]
    if spec["loss"] != "softmax-cross-entropy":
        raise ValueError("the PyTorch contender builds softmax cross-entropy nets only")
    dtype = {"float64": torch.float64, "float32": torch.float32}[job["dtype"]]
    shapes = layer_shapes(spec)
    raw = np.fromfile(files["params"], dtype=np.float64)
    init, at = [], 0
    for layer, shape in zip(spec["layers"], shapes):
        if shape is None:
            continue
        size = int(np.prod(shape))
        init.append(torch.tensor(raw[at : at + size].reshape(shape), dtype=dtype))
        init.append(torch.tensor(raw[at + size : at + size + shape[0]], dtype=dtype))
        at += size + shape[0]
    if at != raw.size:
        raise ValueError(f"{files['params']}: {raw.size} numbers, the net has {at}")
    n = files["patterns"]
    data = np.fromfile(files["data"], dtype=np.float64)
    d = data.size // n - 1
    x_all = torch.tensor(data[: n * d].reshape([n] + list(spec["input"])), dtype=dtype)
    y_all = torch.tensor(data[n * d :], dtype=torch.int64)
    acts = [None if layer["type"] == "pool" else activation(layer) for layer in spec["layers"]]

    def forward(w, x):
        h, k = x, 0
        for layer, act in zip(spec["layers"], acts):
            if layer["type"] == "pool":
                h = F.max_pool2d(h, layer["size"], layer["stride"])
                continue
            if layer["type"] == "conv":
                h = F.conv2d(h, w[k], w[k + 1], layer["stride"], layer["padding"])
            else:
                h = F.linear(h.flatten(1) if h.dim() > 2 else h, w[k], w[k + 1])
            if act == "relu":
                h = torch.relu(h)
            k += 2
        return h

    dense = all(layer["type"] == "dense" for layer in spec["layers"])
    return init, x_all, y_all, forward, acts, dense


def main():
    job = json.loads(sys.stdin.readline())
    torch.set_num_threads(job["threads"])
    init, x_all, y_all, forward, acts, dense = build(job)
    n = x_all.shape[0]
    eta = job["files"]["η"]
    one_hot = torch.eye(job["files"]["classes"], dtype=x_all.dtype)  # one_hot[y]: the targets of labels y

    def trainer(B):
        w = [t.clone().requires_grad_(True) for t in init]

        def batch(start):
            i = start % n
            if i + B <= n:
                return x_all[i : i + B], y_all[i : i + B]
            idx = torch.arange(i, i + B) % n
            return x_all[idx], y_all[idx]

        def hand_written(start, count):
            """The dense step by hand (see the file's comment); w holds [W1, b1, W2, b2, ...]."""
            total = torch.zeros((), dtype=x_all.dtype)
            layers = len(acts)
            with torch.no_grad():
                for s in range(0, count, B):
                    x, y = batch(start + s)
                    t = one_hot[y]
                    hs = [x]
                    for k, act in enumerate(acts):
                        h = torch.addmm(w[2 * k + 1], hs[-1], w[2 * k].t())
                        hs.append(h.relu_() if act == "relu" else h)
                    lp = torch.log_softmax(hs[-1], 1)
                    total -= lp.gather(1, y.unsqueeze(1)).sum()
                    dz = lp.exp_().sub_(t).mul_(1 / B)
                    for k in range(layers - 1, -1, -1):
                        W, b = w[2 * k], w[2 * k + 1]
                        dh = dz @ W if k > 0 else None
                        if dh is not None and acts[k - 1] == "relu":
                            dh.mul_(hs[k] > 0)
                        W.sub_(dz.t() @ hs[k], alpha=eta)
                        b.sub_(dz.sum(0), alpha=eta)
                        dz = dh
            return float(total)

        def run(start, count):
            if dense:
                return hand_written(start, count)
            total = torch.zeros((), dtype=x_all.dtype)
            for s in range(0, count, B):
                x, y = batch(start + s)
                loss = F.cross_entropy(forward(w, x), y, reduction="mean")
                grads = torch.autograd.grad(loss, w)
                with torch.no_grad():
                    for t, g in zip(w, grads):
                        t.sub_(g, alpha=eta)
                    total += loss.detach()
            return float(total) * B

        def evaluate(start, count):
            with torch.no_grad():
                return float(F.cross_entropy(forward(w, x_all[start : start + count]), y_all[start : start + count],
                                             reduction="sum"))

        return run, evaluate

    cases, timed = [], []
    check_n = job["checkPatterns"]
    budget = job["budget"]
    for B in job["batches"]:
        run, evaluate = trainer(B)
        before = evaluate(0, check_n) / check_n
        first = run(0, B) / B
        if check_n > B:
            run(B, check_n - B)
        after = evaluate(0, check_n) / check_n
        losses = f"{short(before)} before, {short(after)} after one pass"
        if not all(math.isfinite(v) for v in (before, after, first)):
            reason = f"the loss is not finite ({losses})"
        elif not after < before:
            reason = f"the loss did not fall ({losses})"
        else:
            reason = None
        # JSON has no NaN or Infinity: a loss that is not finite is null, and the reason says what it was.
        finite = lambda v: v if math.isfinite(v) else None
        check = {"patterns": check_n, "batch": B, "lossBefore": finite(before), "lossAfter": finite(after),
                 "firstStepLoss": finite(first), "passed": reason is None}
        ready = {"batch": B, "status": "ok", "check": check}
        if reason is not None:
            check["reason"] = reason
            ready.update(status="failed check", reason=reason)
            cases.append(ready)
            timed.append(None)
            continue
        # Warm-up as experiments/shared/timing.ts does it: then N patterns per repetition from the rate.
        t0 = time.perf_counter()
        run(0, B)
        spent = max(time.perf_counter() - t0, 1e-6)
        cursor, steps, rate = B, 1, B / spent
        while spent < budget["warmupSeconds"]:
            count = B * max(1, min(steps, int(0.05 * rate / B)))
            t0 = time.perf_counter()
            run(cursor, count)
            wall = max(time.perf_counter() - t0, 1e-6)
            cursor, spent, steps, rate = cursor + count, spent + wall, steps + count // B, count / wall
        patterns = B * max(1, round(budget["repSeconds"] * rate / B))
        ready["patterns"] = patterns
        cases.append(ready)
        timed.append({"run": run, "cursor": cursor, "patterns": patterns})
    details = {"torch": torch.__version__, "python": sys.version.split()[0], "threads": torch.get_num_threads(),
               "dtype": job["dtype"], "blas": loaded_blas()}
    send({"cases": cases, "details": details, "note": job["dtype"],
          "written": ("a hand-written step under no_grad: addmm forward, log_softmax, hand-written backward, "
                      "in-place sub_" if dense else
                      "torch.nn.functional forward, torch.autograd.grad, then w.sub_(g, alpha=eta) under no_grad")
          + "; the loss summed in a tensor, read once per repetition"})
    for line in iter(sys.stdin.readline, ""):
        case = timed[json.loads(line)["case"]]
        c0, t0 = time.process_time(), time.perf_counter()
        E = case["run"](case["cursor"], case["patterns"])
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        case["cursor"] += case["patterns"]
        send({"wall": wall, "cpu": cpu, "E": E})


try:
    main()
except Exception as error:  # one line for the bench to report; the contender is then "missing"
    sys.stderr.write(f"{type(error).__name__}: {error}\n")
    sys.exit(1)
