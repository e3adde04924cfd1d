/**
 * Wiring: build the circuit for a net spec and params. The wiring connects streams, nothing more;
 * it runs once, and every subscription it makes lives as long as the circuit (no re-wiring per pattern).
 *
 *   input ─volley→ layer 1 neurons ─axons→ tract 1 ─volley→ layer 2 neurons … ─→ tract L ─→ teacher
 *   layer l neurons ─errors→ error tract l ─Δy volley→ layer l−1 neurons     (l ≥ 2)
 *   teacher ─nudges→ output roles (mse, or softmax members ─lateral→ group tract ─→ members) → output neurons
 *   conv: positions ─weight-updates→ kernel agent ─kernel broadcast→ positions
 *   engine ─batch boundary→ dense neurons and kernel agents
 *
 * Layer l here is layers[l] (0-based), as in Params. Dense after conv reads the conv layer's
 * neurons in (f, oy, ox) order: channel-major, as DESIGN §2.
 */
import { linearized, makeActivation } from '../nn/activation.ts';
import type { NetworkOptions } from '../nn/network.ts';
import type { Params } from '../nn/params.ts';
import { resolveLayers, type ConvSpec, type NetSpec, type ResolvedLayer } from '../nn/spec.ts';
import { Axon } from './axon.ts';
import type { Behaviour } from './behaviour.ts';
import { ErrorTract } from './error-tract.ts';
import { KernelAgent } from './kernel-agent.ts';
import type { BatchBoundary, Volley } from './messages.ts';
import { MseRole } from './mse-role.ts';
import { Neuron } from './neuron.ts';
import type { OutputRole } from './output-role.ts';
import { PositionNeuron } from './position-neuron.ts';
import { SoftmaxMember } from './softmax-group.ts';
import { Teacher } from './teacher.ts';
import { Tract } from './tract.ts';

export interface CircuitLayer {
  readonly spec: ResolvedLayer;
  /** Dense: neuron j is unit j. Conv: neuron (f·OH + oy)·OW + ox is position (oy, ox) of filter f. */
  readonly neurons: readonly Neuron[];
  /** Conv only: one kernel agent per filter. */
  readonly kernels: readonly KernelAgent[];
  readonly tract: Tract;
  /** What this layer pushes back to the one below; null for the first layer. */
  readonly errorTract: ErrorTract | null;
}

export interface Circuit {
  readonly input: Axon<Volley>;
  readonly layers: readonly CircuitLayer[];
  readonly teacher: Teacher;
  readonly roles: readonly OutputRole[];
  readonly batch: Axon<BatchBoundary>;
}

/** The taps of position (oy, ox) that land inside the input: presynaptic index and kernel entry, in [c][ky][kx] order. */
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
  const batch = new Axon<BatchBoundary>();
  const tracts = resolved.map((_, l) => new Tract(outSize(l)));
  const errorTracts = resolved.map((_, l) => (l === 0 ? null : new ErrorTract(inSize(l), outSize(l))));
  const teacher = new Teacher(outSize(L - 1), tracts[L - 1]!.volleys);

  const m = outSize(L - 1);
  let roles: OutputRole[];
  if (spec.loss === 'mse') {
    roles = Array.from({ length: m }, (_, j) => new MseRole(j, teacher.nudges));
  } else {
    const group = new Tract(m);
    const members = Array.from({ length: m }, (_, j) => new SoftmaxMember(L - 1, j, group.volleys, teacher.nudges));
    group.connect(members.map((s) => s.lateral));
    roles = members;
  }

  const layers: CircuitLayer[] = resolved.map((layer, l) => {
    const activation = makeActivation(options.linearizeRectifiers ? linearized(layer.activation) : layer.activation);
    const { weights, bias } = params.layers[l]!;
    const shared = {
      layer: l,
      activation,
      behaviour,
      pushes: l > 0,
      forward$: l === 0 ? input : tracts[l - 1]!.volleys,
      feedback$: l < L - 1 ? errorTracts[l + 1]!.volleys : null,
    };
    const role = (j: number): OutputRole | null => (l === L - 1 ? roles[j]! : null);
    const neurons: Neuron[] = [];
    const kernels: KernelAgent[] = [];
    if (layer.type === 'dense') {
      const n = inSize(l);
      for (let j = 0; j < layer.units; j++) {
        neurons.push(new Neuron({ ...shared, index: j, weights: weights.subarray(j * n, (j + 1) * n), bias: bias[j]!, pre: null, role: role(j), batch$: batch }));
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
            positions.push(new PositionNeuron({ ...shared, index, weights: tied, bias: kernel.bias, pre, tap, role: role(index), kernel$: kernel.broadcast }));
          }
        kernel.connect(positions.map((p) => p.updates));
        kernels.push(kernel);
        neurons.push(...positions);
      }
    }
    return { spec: layer, neurons, kernels, tract: tracts[l]!, errorTract: errorTracts[l]! };
  });

  for (const layer of layers) {
    layer.tract.connect(layer.neurons.map((n) => n.axon));
    layer.errorTract?.connect(layer.neurons.map((n) => n.errors));
  }
  teacher.connect(roles.map((r) => r.readout));
  return { input, layers, teacher, roles, batch };
}
