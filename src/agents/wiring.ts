/**
 * Wiring: build the circuit for a net spec and params. The wiring connects streams, nothing more;
 * it runs once, and every subscription it makes lives as long as the circuit (no re-wiring per pattern).
 *
 *   input ─volley→ layer 1 neurons ─axons→ tract 1 ─volley→ layer 2 neurons … ─→ tract L ─→ teacher
 *   layer l neurons ─errors→ error tract l ─Δy volley→ layer l−1 neurons     (l ≥ 2)
 *     (DFA instead: output neurons ─errors→ direct tract of each hidden layer ─Δy volley→ that layer)
 *   teacher ─nudges (two: symmetric merged)→ output roles (mse, or softmax members ─lateral→ group tract ─→ members) →
 *     output neurons
 *   conv: positions ─weight-updates→ kernel agent ─kernel broadcast→ positions
 *   engine ─batch boundary→ dense neurons and kernel agents
 *
 * Layer l here is layers[l] (0-based), as in Params. Dense after conv reads the conv layer's
 * neurons in (f, oy, ox) order: channel-major, as nn/conv.ts lays them out.
 *
 * Fixed back weights (FA, DFA) are handed out once, each neuron its own copy of its part:
 *   FA   neuron j of layer l ≥ 2: b_ij for each of its synapses (row j of B⁽ˡ⁾;
 *        conv: its taps of the filter's B kernel)
 *   DFA  output neuron k: b_ki for every unit i of every hidden layer, laid end to end (row k of each B⁽ˡ⁾)
 */
import { linearized, makeActivation } from '../nn/activation.ts';
import type { NetworkOptions } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import { poolWindow } from '../nn/pool.ts';
import { resolveLayers, type ConvSpec, type NetSpec, type PoolSpec, type ResolvedLayer } from '../nn/spec.ts';
import { Axon } from './axon.ts';
import { Clock } from './clock.ts';
import type { Behaviour } from './behaviour.ts';
import { DirectTract } from './direct-tract.ts';
import { ErrorTract } from './error-tract.ts';
import { KernelAgent } from './kernel-agent.ts';
import { LayerRows } from './layer-rows.ts';
import type { BatchBoundary, Volley } from './messages.ts';
import { MseRole } from './mse-role.ts';
import { Neuron } from './neuron.ts';
import type { OutputRole } from './output-role.ts';
import { PoolUnit } from './pool-unit.ts';
import { PositionNeuron } from './position-neuron.ts';
import { SoftmaxMember } from './softmax-group.ts';
import { Teacher } from './teacher.ts';
import { Tract } from './tract.ts';

export interface CircuitLayer {
  readonly spec: ResolvedLayer;
  /**
   * Dense: neuron j is unit j. Conv: neuron (f·OH + oy)·OW + ox is position (oy, ox) of filter f;
   * pool likewise, a pool unit per position (pool-unit.ts).
   */
  readonly neurons: readonly Neuron[];
  /** Conv only: one kernel agent per filter. */
  readonly kernels: readonly KernelAgent[];
  readonly tract: Tract;
  /** What this layer pushes back to the one below; null for the first layer (and under DFA). */
  readonly errorTract: ErrorTract | null;
  /** DFA, hidden layers: what the output layer broadcasts to this one; else null. */
  readonly directTract: DirectTract | null;
}

export interface Circuit {
  readonly input: Axon<Volley>;
  readonly layers: readonly CircuitLayer[];
  readonly teacher: Teacher;
  readonly roles: readonly OutputRole[];
  /** Softmax: the output group's tract, which bundles the members' lateral messages; else null. */
  readonly group: Tract | null;
  readonly batch: Axon<BatchBoundary>;
  /** Runs what agents hand it after the delivery in progress: the engine sends every message in through it. */
  readonly clock: Clock;
}

/**
 * The taps of position (oy, ox) that land inside the input: presynaptic index and kernel entry, in [c][ky][kx] order.
 */
function receptiveField(layer: ResolvedLayer & ConvSpec, oy: number, ox: number): { pre: Int32Array; tap: Int32Array } {
  const [C, H, W] = layer.inShape as [number, number, number];
  const { kernel: K, stride: s, padding: p } = layer;
  const pre: number[] = [];
  const tap: number[] = [];
  for (let c = 0; c < C; c++)
    for (let ky = 0; ky < K; ky++)
      for (let kx = 0; kx < K; kx++) {
        const iy = oy * s + ky - p;
        const ix = ox * s + kx - p;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        pre.push((c * H + iy) * W + ix);
        tap.push((c * K + ky) * K + kx);
      }
  return { pre: Int32Array.from(pre), tap: Int32Array.from(tap) };
}

export function wire(spec: NetSpec, params: Params, behaviour: Behaviour, options: NetworkOptions = {}): Circuit {
  const resolved = resolveLayers(spec);
  const L = resolved.length;
  const outSize = (l: number): number => resolved[l]!.outShape.reduce((a, b) => a * b, 1);
  const inSize = (l: number): number => resolved[l]!.inShape.reduce((a, b) => a * b, 1);

  const input = new Axon<Volley>();
  const clock = new Clock();
  const later = (task: () => void, agent: string): void => clock.later(task, agent);
  const batch = new Axon<BatchBoundary>();
  const fixed = behaviour.fixedBackWeights ?? null;
  const direct = fixed?.direct === true;
  const tracts = resolved.map((_, l) => new Tract(outSize(l)));
  const errorTracts = resolved.map((_, l) => (l === 0 || direct ? null : new ErrorTract(inSize(l), outSize(l))));
  // DFA: hidden layer l takes its slice at offset Σ_{l' < l} n_l' of each output neuron's broadcast.
  const offsets = resolved.map((_, l) => resolved.slice(0, l).reduce((a, __, k) => a + outSize(k), 0));
  const directTracts = resolved.map((_, l) =>
    direct && l < L - 1 ? new DirectTract(outSize(l), outSize(L - 1), offsets[l]!) : null,
  );
  /** DFA: output unit k's broadcast weights, row k of every hidden layer's B. */
  const broadcastWeights = (k: number): Float64Array => {
    const rows = new Float64Array(offsets[L - 1]!);
    for (let l = 0; l < L - 1; l++)
      rows.set(fixed!.matrices[l]!.subarray(k * outSize(l), (k + 1) * outSize(l)), offsets[l]!);
    return rows;
  };
  const teacher = new Teacher(outSize(L - 1), tracts[L - 1]!.volleys, behaviour.nudges ?? 1);

  const m = outSize(L - 1);
  let roles: OutputRole[];
  let group: Tract | null = null;
  if (spec.loss === 'mse') {
    roles = Array.from({ length: m }, (_, j) => new MseRole(L - 1, j, teacher.nudges));
  } else {
    const tract = new Tract(m);
    const members = Array.from({ length: m }, (_, j) => new SoftmaxMember(L - 1, j, tract.volleys, teacher.nudges));
    tract.connect(members.map((s) => s.lateral));
    group = tract;
    roles = members;
  }

  // Two-phase rules: each dense layer's neurons compute in lockstep, each on its own row (layer-rows.ts).
  const lockstep = behaviour.protocol === undefined ? resolved.map((layer) => layer.type === 'dense') : [];
  const allocated = LayerRows.allocate(
    resolved.flatMap((_, l) => (lockstep[l] === true ? [{ m: outSize(l), n: inSize(l) }] : [])),
  );
  const rowsOf = resolved.map((_, l) => (lockstep[l] === true ? allocated.shift()! : null));

  const layers: CircuitLayer[] = resolved.map((layer, l) => {
    const activation = makeActivation(options.linearizeRectifiers ? linearized(layer.activation) : layer.activation);
    const { weights, bias } = params.layers[l]!;
    const pushes = direct ? l === L - 1 && L > 1 : l > 0;
    const B = fixed !== null && !direct && l > 0 ? fixed.matrices[l]! : null; // FA: this layer's feedback matrix B
    const shared = {
      later,
      layer: l,
      activation,
      behaviour,
      pushes,
      forward$: l === 0 ? input : tracts[l - 1]!.volleys,
      errorsFromAbove$: l === L - 1 ? null : direct ? directTracts[l]!.volleys : errorTracts[l + 1]!.volleys,
    };
    const backWeights = (j: number, row: () => Float64Array): Float64Array | null =>
      B !== null ? row() : direct && pushes ? broadcastWeights(j) : null;
    const role = (j: number): OutputRole | null => (l === L - 1 ? roles[j]! : null);
    const neurons: Neuron[] = [];
    const kernels: KernelAgent[] = [];
    if (layer.type === 'dense') {
      const n = inSize(l);
      for (let j = 0; j < layer.units; j++) {
        const b = backWeights(j, () => B!.subarray(j * n, (j + 1) * n));
        neurons.push(
          new Neuron({
            ...shared,
            index: j,
            weights: weights.subarray(j * n, (j + 1) * n),
            bias: bias[j]!,
            pre: null,
            backWeights: b,
            role: role(j),
            batch$: batch,
            rows: rowsOf[l]!,
          }),
        );
      }
    } else if (layer.type === 'pool') {
      const [C, OH, OW] = layer.outShape as [number, number, number];
      for (let c = 0, index = 0; c < C; c++)
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++, index++) {
            const window = poolWindow(layer as ResolvedLayer & PoolSpec, c, oy, ox);
            neurons.push(new PoolUnit({ ...shared, index, mode: layer.mode, window, role: null }));
          }
    } else {
      const conv = layer as ResolvedLayer & ConvSpec;
      const [F, OH, OW] = conv.outShape as [number, number, number];
      const size = weights.length / F;
      for (let f = 0; f < F; f++) {
        const kernel = new KernelAgent(l, f, weights.subarray(f * size, (f + 1) * size), bias[f]!, batch);
        const positions: PositionNeuron[] = [];
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++) {
            const { pre, tap } = receptiveField(conv, oy, ox);
            const tied = Float64Array.from(tap, (k) => kernel.weights[k]!);
            const index = (f * OH + oy) * OW + ox;
            const b = backWeights(index, () => Float64Array.from(tap, (k) => B![f * size + k]!));
            positions.push(
              new PositionNeuron({
                ...shared,
                index,
                weights: tied,
                bias: kernel.bias,
                pre,
                tap,
                backWeights: b,
                role: role(index),
                kernel$: kernel.broadcast,
              }),
            );
          }
        kernel.connect(positions.map((p) => p.updates));
        kernels.push(kernel);
        neurons.push(...positions);
      }
    }
    return {
      spec: layer,
      neurons,
      kernels,
      tract: tracts[l]!,
      errorTract: errorTracts[l]!,
      directTract: directTracts[l]!,
    };
  });

  for (const layer of layers) {
    layer.tract.connect(layer.neurons.map((n) => n.axon));
    layer.errorTract?.connect(layer.neurons.map((n) => n.errors));
    layer.directTract?.connect(layers[L - 1]!.neurons.map((n) => n.errors));
  }
  teacher.connect(roles.map((r) => r.readout));
  return { input, layers, teacher, roles, group, batch, clock };
}
