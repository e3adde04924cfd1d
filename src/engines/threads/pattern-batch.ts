/**
 * Back-prop on a minibatch of a net with conv or pool layers, split over the thread pool
 * (thread-pool.ts) in two jobs, each thread with its own replica of the network over the shared
 * weights:
 *   errors    patterns p of thread k's shard:  E_p, and x_p⁽ˡ⁾, Δz_p⁽ˡ⁾ of every layer  (Network.backpropErrors)
 *   gradient  rows j of layer l in thread k's shard (units, or filters):
 *             g_j ← g_j + Σ_p (x_p Δz_pᵀ)_j, the patterns in increasing p        (Layer.backward's sums)
 * Shard k of T covers [⌊k·N/T⌋, ⌊(k+1)·N/T⌋) of N (shard.ts). A pattern's errors are computed whole
 * by one thread, and every gradient entry is one sum, over the patterns in order, by one thread:
 * the numbers are those of learn() pattern by pattern, whatever the number of threads.
 */
import { Conv } from '../../nn/conv.ts';
import { Network, type NetworkOptions } from '../../nn/network.ts';
import type { Params } from '../../nn/params.ts';
import type { NetSpec } from '../../nn/spec.ts';
import { wasmAddBatchGradient } from '../../nn/wasm/wasm-kernels.ts';
import { shardOf } from './shard.ts';
import { newEngineId, sharedFloat64 } from './shared-arrays.ts';

export const NetOp = { errors: 6, gradient: 7 } as const;

/** What every thread reads and writes, on SharedArrayBuffers; rows are patterns (capacity rows each). */
export interface SharedNet {
  spec: NetSpec;
  options: NetworkOptions;
  /** The weights, and the pending sum the gradient goes into. */
  params: Params;
  pending: Params;
  capacity: number;
  inputs: Float64Array;
  targets: Float64Array;
  targetSize: number;
  E: Float64Array;
  /** Per layer with weights: x_p⁽ˡ⁾ [capacity × inSize] and Δz_p⁽ˡ⁾ [capacity × outSize]; empty for a pool layer. */
  x: Float64Array[];
  Δz: Float64Array[];
}

/** Each thread's replica of the network of a SharedNet. */
const replicas = new WeakMap<SharedNet, Network>();

function replica(net: SharedNet): Network {
  let network = replicas.get(net);
  if (network === undefined) {
    network = new Network(net.spec, net.params, net.options);
    replicas.set(net, network);
  }
  return network;
}

/** Thread k of T: its shard of `op` (NetOp) on B patterns; `l` is the layer of a gradient job. */
export function runNetShard(op: number, net: SharedNet, l: number, B: number, k: number, T: number): void {
  const network = replica(net);
  if (op === NetOp.errors) {
    const [p0, p1] = shardOf(k, T, B);
    const n0 = network.inputSize,
      t0 = net.targetSize;
    for (let p = p0; p < p1; p++) {
      net.E[p] = network.backpropErrors(
        net.inputs.subarray(p * n0, (p + 1) * n0),
        net.targets.subarray(p * t0, (p + 1) * t0),
      );
      network.layers.forEach((layer, j) => {
        if (net.x[j]!.length === 0) return;
        net.x[j]!.set(network.layerInput(j), p * layer.inSize);
        net.Δz[j]!.set(network.Δz[j]!, p * layer.outSize);
      });
    }
    return;
  }
  const layer = network.layers[l]!,
    into = net.pending.layers[l]!;
  const { inSize: n, outSize: m } = layer;
  const X = net.x[l]!,
    D = net.Δz[l]!;
  if (layer instanceof Conv) {
    const [f0, f1] = shardOf(k, T, layer.F);
    if (f1 === f0) return;
    for (let p = 0; p < B; p++)
      layer.accumulateFilters(X.subarray(p * n, (p + 1) * n), D.subarray(p * m, (p + 1) * m), into, 1, f0, f1);
    return;
  }
  const [j0, j1] = shardOf(k, T, m);
  if (j1 === j0) return;
  for (let j = j0; j < j1; j++) {
    let sum = into.bias[j]!;
    for (let p = 0; p < B; p++) sum += D[p * m + j]!;
    into.bias[j] = sum;
  }
  wasmAddBatchGradient(into.weights, X, D, B, m, n, j0, j1);
}

type Pool = {
  run(engine: number, payload: SharedNet, op: number, l: number, B: number, first: number, s: number): void;
};

/** The matrix engine's side: the shared arrays, grown to the largest batch seen. */
export class PatternBatch {
  private net: SharedNet | null = null;
  private id = -1;

  constructor(
    private readonly network: Network,
    private readonly options: NetworkOptions,
    private readonly pending: Params,
  ) {}

  /** E_p into E, and Σ_p ∂E_p/∂w added to the pending sum, as learn() for each pattern in turn would. */
  learn(pool: Pool, inputs: readonly Float64Array[], targets: readonly ArrayLike<number>[], E: Float64Array): void {
    const B = inputs.length,
      targetSize = targets[0]!.length;
    if (this.net === null || this.net.capacity < B || this.net.targetSize !== targetSize) this.allocate(B, targetSize);
    const net = this.net!;
    const n0 = this.network.inputSize;
    for (let p = 0; p < B; p++) {
      net.inputs.set(inputs[p]!, p * n0);
      net.targets.set(targets[p]!, p * targetSize);
    }
    pool.run(this.id, net, NetOp.errors, 0, B, 0, 0);
    E.set(net.E.subarray(0, B));
    this.network.layers.forEach((_, l) => {
      if (net.x[l]!.length > 0) pool.run(this.id, net, NetOp.gradient, l, B, 0, 0);
    });
  }

  private allocate(capacity: number, targetSize: number): void {
    const { layers, params, spec } = this.network;
    const withWeights = (l: number) => layers[l]!.spec.type !== 'pool';
    this.net = {
      spec,
      options: this.options,
      params,
      pending: this.pending,
      capacity,
      inputs: sharedFloat64(capacity * this.network.inputSize),
      targets: sharedFloat64(capacity * targetSize),
      targetSize,
      E: sharedFloat64(capacity),
      x: layers.map((layer, l) => sharedFloat64(withWeights(l) ? capacity * layer.inSize : 0)),
      Δz: layers.map((layer, l) => sharedFloat64(withWeights(l) ? capacity * layer.outSize : 0)),
    };
    this.id = newEngineId(); // the workers take the new arrays
  }
}
