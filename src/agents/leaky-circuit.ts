/**
 * The wiring of a leaky circuit (dense layers): per layer an axon bundle, a Subject of its neurons' Rate
 * messages, read by the layer above (bottom-up x_i) and by the layer below (the pushed changes); the input
 * as one pattern volley; the teacher's phase broadcasts and the batch boundaries; one clock for all.
 */
import { Subject, type SchedulerLike } from 'rxjs';
import { InputError } from '../core/errors.ts';
import { makeActivation } from '../nn/activation.ts';
import { makeLoss } from '../nn/loss.ts';
import type { Params } from '../nn/params.ts';
import type { NetSpec } from '../nn/spec.ts';
import { ClockFault, LeakyNeuron, type LeakyProtocol, type Rate } from './leaky-neuron.ts';
import { LeakyTeacher } from './leaky-teacher.ts';

export interface LeakyCircuitOptions {
  τ: number;
  h: number;
  T: number;
  settle: number;
  symmetric: boolean;
  maxFreeSteps: number;
  clock: SchedulerLike;
  protocol: (n: LeakyNeuron) => LeakyProtocol;
}

export interface LeakyCircuit {
  input: Subject<Float64Array>;
  layers: LeakyNeuron[][];
  /** Rates sent by each layer. */
  axons: Subject<Rate>[];
  teacher: LeakyTeacher;
  batch: Subject<{ η: number; B: number }>;
  fault: ClockFault;
}

export function wireLeaky(spec: NetSpec, params: Params, o: LeakyCircuitOptions): LeakyCircuit {
  const conv = spec.layers.findIndex((l) => l.type !== 'dense');
  if (conv >= 0)
    throw new InputError(
      `--dynamics leaky supports dense layers only; layer ${conv + 1} is ${spec.layers[conv]!.type}`,
    );
  if (spec.input.length !== 1)
    throw new InputError(`--dynamics leaky needs a flat input [n], not ${JSON.stringify(spec.input)}`);
  const fault = new ClockFault();
  const input = new Subject<Float64Array>();
  const batch = new Subject<{ η: number; B: number }>();
  const axons = spec.layers.map(() => new Subject<Rate>());
  const sizes = spec.layers.map((l) => (l.type === 'dense' ? l.units : 0));
  const L = spec.layers.length;
  const teacher = new LeakyTeacher(
    sizes[L - 1]!,
    axons[L - 1]!,
    makeLoss(spec.loss),
    o.clock,
    { ...o, depth: L },
    fault,
  );
  let fanIn = spec.input[0]!;
  const layers = spec.layers.map((layer, l) => {
    if (layer.type !== 'dense') throw new InputError('unreachable: conv checked above');
    const { weights, bias } = params.layers[l]!;
    const activation = makeActivation(layer.activation);
    const n = fanIn;
    fanIn = layer.units;
    return Array.from({ length: layer.units }, (_, j) => {
      const neuron = new LeakyNeuron({
        layer: l,
        index: j,
        activation,
        weights: weights.subarray(j * n, (j + 1) * n),
        bias: bias[j]!,
        τ: o.τ,
        h: o.h,
        clock: o.clock,
        below$: l === 0 ? input : axons[l - 1]!,
        above$: l + 1 < L ? axons[l + 1]! : null,
        aboveSize: l + 1 < L ? sizes[l + 1]! : 0,
        axon: axons[l]!,
        phases$: teacher.phases$,
        batch$: batch,
        pushes: l > 0,
        fault,
      });
      neuron.protocol = o.protocol(neuron);
      return neuron;
    });
  });
  return { input, layers, axons, teacher, batch, fault };
}
