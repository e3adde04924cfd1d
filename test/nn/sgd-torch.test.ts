/**
 * Step for step beside PyTorch: a few batches of SGD with momentum and weight decay on a small relu net with
 * softmax cross-entropy, here (matrix engine) and with torch.optim.SGD in float64 from the same weights and
 * patterns; every weight and bias ≤ 1e-12 apart. Needs a Python that imports torch (findPyTorch: $LOCALPROP_PYTHON,
 * python3, Debian's /usr/bin/python3 with python3-torch); skipped, saying why, without.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPyTorch } from '../../bench/pytorch-contender.ts';
import { createRandom } from '../../src/core/random.ts';
import { MatrixEngine } from '../../src/engines/matrix-engine.ts';
import { initParams } from '../../src/nn/params.ts';
import { train } from '../../src/nn/sgd.ts';
import { parseNetSpec } from '../../src/nn/spec.ts';
import { backprop } from '../../src/rules/backprop.ts';
import { firstMismatch } from '../agents/compare.ts';

const found = findPyTorch();
const python = 'python' in found ? found.python : null;
const hasTorch = python !== null;

/** Reads {w1, b1, w2, b2, x, t, steps...} on stdin; prints the weights after the SGD steps, as JSON. */
const SCRIPT = `
import json, sys, torch
d = json.load(sys.stdin)
torch.set_default_dtype(torch.float64)
net = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
with torch.no_grad():
    for layer, (w, b) in zip([net[0], net[2]], d['params']):
        layer.weight.copy_(torch.tensor(w)); layer.bias.copy_(torch.tensor(b))
opt = torch.optim.SGD(net.parameters(), lr=d['lr'], momentum=d['momentum'], weight_decay=d['weightDecay'])
sched = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=d['lrSteps'], gamma=d['lrGamma'])
x = torch.tensor(d['x']); t = torch.tensor(d['labels'])
for epoch in range(d['epochs']):
    for s in range(0, len(x), d['batch']):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(x[s:s + d['batch']]), t[s:s + d['batch']]).backward()
        opt.step()
    sched.step()
print(json.dumps([[net[i].weight.tolist(), net[i].bias.tolist()] for i in (0, 2)]))
`;

describe.skipIf(!hasTorch)('beside torch.optim.SGD (float64)', () => {
  it('momentum 0.9, weight decay 0.01, η steps: the same weights after 3 epochs of 3 batches, ≤ 1e-12', () => {
    const spec = parseNetSpec({
      input: [4],
      layers: [
        { type: 'dense', units: 5, activation: 'relu' },
        { type: 'dense', units: 3, activation: 'identity' },
      ],
      loss: 'softmax-cross-entropy',
    });
    const random = createRandom('torch-sgd');
    const params = initParams(spec, random.derive('init'));
    for (const l of params.layers) for (let k = 0; k < l.bias.length; k++) l.bias[k] = 0.1 * random.normal();
    const inputs = Array.from({ length: 9 }, () => Float64Array.from({ length: 4 }, () => random.normal()));
    const labels = inputs.map((_, p) => p % 3);
    const targets = labels.map((c) => Float64Array.from([0, 1, 2], (k) => (k === c ? 1 : 0)));
    const o = { lr: 0.1, momentum: 0.9, weightDecay: 0.01, lrSteps: [2], lrGamma: 0.5, epochs: 3, batch: 3 };
    const engine = new MatrixEngine(spec, params, () => backprop);
    train(engine, { inputs, targets }, null, {
      epochs: o.epochs,
      η: o.lr,
      batch: o.batch,
      shuffle: null,
      classify: true,
      sgd: { momentum: o.momentum, weightDecay: o.weightDecay },
      lrSteps: o.lrSteps,
      lrGamma: o.lrGamma,
    });
    const nest = (w: Float64Array, cols: number) =>
      Array.from({ length: w.length / cols }, (_, j) => Array.from(w.subarray(j * cols, (j + 1) * cols)));
    const input = {
      ...o,
      params: params.layers.map((l, i) => [nest(l.weights, i === 0 ? 4 : 5), Array.from(l.bias)]),
      x: inputs.map((x) => Array.from(x)),
      labels,
    };
    const py = spawnSync(python!, ['-c', SCRIPT], { input: JSON.stringify(input), encoding: 'utf8' });
    expect(py.status, py.stderr).toBe(0);
    const theirs = JSON.parse(py.stdout) as [number[][], number[]][];
    const ours = engine.snapshot();
    theirs.forEach(([w, b], l) => {
      expect(firstMismatch(ours.layers[l]!.weights, w.flat()), `layer ${l} weights`).toBeNull();
      expect(firstMismatch(ours.layers[l]!.bias, b), `layer ${l} bias`).toBeNull();
    });
    // The comparison can fail: the starting weights are far from the trained ones.
    expect(firstMismatch(params.layers[0]!.weights, theirs[0]![0].flat())).not.toBeNull();
  });
});

describe.skipIf(hasTorch)('beside torch.optim.SGD', () => {
  it.skip(`skipped: no Python here imports torch (${'missing' in found ? found.missing : ''})`, () => {});
});
