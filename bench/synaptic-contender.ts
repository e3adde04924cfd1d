/**
 * synaptic, the neuron-object library: Architect.Perceptron with our weights copied in, its
 * optimised network (on the first activate() it compiles the whole net into one generated
 * function), trained per pattern with activate() then propagate(η, t).
 *
 * Its API allows the same layers but not the same loss: an output neuron's error is t − y
 * (squared error on an identity output), and there are no minibatches. So synaptic trains
 * 784-128-10 relu/identity with E = ½‖y − t‖², batch 1 only. The cost per pattern is the same
 * net's; softmax over ten outputs would not change it. E is reported as softmax cross-entropy
 * of its outputs, so the first pattern's E can be checked against the other contenders'.
 */
import synaptic from 'synaptic';
import { logSumExp } from '../src/nn/loss.ts';
import type { Contender, Trainer } from './contender.ts';

const { Architect, Neuron } = synaptic;

export const synapticContender: Contender = {
  id: 'synaptic',
  label: 'synaptic (optimised)',
  note: 'batch 1 only; squared error on identity outputs (its output error is t − y)',
  supports: (batch) => batch === 1,
  async create({ spec, params, data, η }) {
    if (spec.layers.length !== 2 || spec.layers.some((l) => l.type !== 'dense'))
      throw new Error('the synaptic contender builds one hidden dense layer');
    const sizes = [data.inputs[0]!.length, ...spec.layers.map((l) => (l.type === 'dense' ? l.units : 0))];
    const t0 = performance.now();
    const net = new Architect.Perceptron(...sizes);
    const [hidden, output] = [net.layers.hidden[0]!, net.layers.output];
    const squash = {
      relu: Neuron.squash.RELU,
      identity: Neuron.squash.IDENTITY,
      logistic: Neuron.squash.LOGISTIC,
    } as Record<string, typeof Neuron.squash.RELU>;
    [hidden, output].forEach((layer, l) => {
      const name = spec.layers[l]!.activation.name;
      if (!squash[name]) throw new Error(`synaptic has no ${name} squash`);
      layer.set({ squash: squash[name] });
    });
    // Copy our weights in before the first activate(): the compiled function bakes them in.
    const lower = [net.layers.input, hidden];
    [hidden, output].forEach((layer, l) => {
      const { weights, bias } = params.layers[l]!;
      const index = new Map(lower[l]!.list.map((neuron, i) => [neuron.ID, i]));
      const n = lower[l]!.list.length;
      layer.list.forEach((neuron, j) => {
        neuron.bias = bias[j]!;
        for (const c of Object.values(neuron.connections.inputs)) c.weight = weights[j * n + index.get(c.from.ID)!]!;
      });
    });
    const built = performance.now();
    net.activate(data.inputs[0]!); // compiles the optimised network
    const compiled = performance.now();
    const n = data.inputs.length;
    const trainer: Trainer = {
      details: { buildSeconds: (built - t0) / 1e3, compileSeconds: (compiled - built) / 1e3 },
      run(start, count) {
        let E = 0;
        for (let s = 0; s < count; s++) {
          const k = (start + s) % n;
          const y = net.activate(data.inputs[k]!);
          const t = data.targets[k]!;
          const lse = logSumExp(y);
          for (let j = 0; j < y.length; j++) if (t[j] !== 0) E -= t[j]! * (y[j]! - lse);
          net.propagate(η, t);
        }
        return E;
      },
    };
    return trainer;
  },
};
