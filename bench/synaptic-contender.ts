/**
 * synaptic, the neuron-object library: Architect.Perceptron with our weights copied in, its
 * optimised network (on the first activate() it compiles the whole net into one generated
 * function), trained per pattern with activate() then propagate(η, t): its fastest correct way.
 *
 * Its API allows the same layers but not the same loss: an output neuron's error is t − y, and
 * there are no minibatches. With identity outputs that is squared error, which diverges to NaN
 * (on Fashion-MNIST at η = 0.01 within the first 64 patterns of 784-128-10; the loss check
 * catches it, as test/bench/contenders.test.ts shows on a small net); with
 * logistic outputs, y = σ(z), t − y is the gradient of its native cost, the logistic
 * cross-entropy E = −Σ_j [t_j log y_j + (1 − t_j) log(1 − y_j)], and it trains. So synaptic
 * trains 784-H-10 relu/logistic, batch 1 only; the cost per pattern is the same net's. Its run()
 * and evaluate() report the cost it descends (squared error ½‖y − t‖² with identity outputs), so
 * that the loss check asks of it what it asks of every contender: that its own loss falls. Where
 * it fails at the common η (sigmoids saturate: the loss is not finite), it is checked and timed at
 * η / 10 (retryηFactor), and bench.json records both checks.
 */
import synaptic from 'synaptic';
import type { Contender, Trainer } from './contender.ts';

const { Architect, Neuron } = synaptic;

/** `output`: the output neurons' squash (logistic: the bench's; identity: to see the check catch it). */
export function synapticContenderWith(output: 'logistic' | 'identity'): Contender {
  return {
    id: 'synaptic',
    label: 'synaptic (optimised)',
    note:
      `batch 1 only; ${output} outputs, ` +
      `${output === 'logistic' ? 'logistic cross-entropy' : 'squared error'} (its output error is t − y)`,
    written:
      `Architect.Perceptron, relu hidden, ${output} outputs, our weights copied in; its compiled (optimised) ` +
      'network, activate(x) then propagate(η, t) per pattern',
    retryηFactor: 0.1,
    supports: (spec, batch) => batch === 1 && spec.layers.every((l) => l.type === 'dense'),
    async create({ spec, params, data, η }) {
      if (spec.layers.some((l) => l.type !== 'dense')) throw new Error('the synaptic contender builds dense layers');
      const sizes = [data.inputs[0]!.length, ...spec.layers.map((l) => (l.type === 'dense' ? l.units : 0))];
      const t0 = performance.now();
      const net = new Architect.Perceptron(...sizes);
      const layers = [...net.layers.hidden, net.layers.output];
      const squash = {
        relu: Neuron.squash.RELU,
        identity: Neuron.squash.IDENTITY,
        logistic: Neuron.squash.LOGISTIC,
      } as Record<string, typeof Neuron.squash.RELU>;
      layers.forEach((layer, l) => {
        const name = l === layers.length - 1 ? output : spec.layers[l]!.activation.name;
        if (!squash[name]) throw new Error(`synaptic has no ${name} squash`);
        layer.set({ squash: squash[name] });
      });
      // Copy our weights in before the first activate(): the compiled function bakes them in.
      const lower = [net.layers.input, ...net.layers.hidden];
      layers.forEach((layer, l) => {
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
      /** The cost synaptic descends: logistic cross-entropy, or squared error on identity outputs. */
      const loss = (y: number[], t: Float64Array): number => {
        let E = 0;
        for (let j = 0; j < y.length; j++)
          E +=
            output === 'logistic'
              ? -(t[j]! * Math.log(y[j]!) + (1 - t[j]!) * Math.log(1 - y[j]!))
              : 0.5 * (y[j]! - t[j]!) ** 2;
        return E;
      };
      const trainer: Trainer = {
        details: {
          buildSeconds: (built - t0) / 1e3,
          compileSeconds: (compiled - built) / 1e3,
          output,
          loss: output === 'logistic' ? 'logistic cross-entropy' : 'squared error',
        },
        run(start, count) {
          let E = 0;
          for (let s = 0; s < count; s++) {
            const k = (start + s) % n;
            E += loss(net.activate(data.inputs[k]!), data.targets[k]!);
            net.propagate(η, data.targets[k]!);
          }
          return E;
        },
        evaluate(start, count) {
          let E = 0;
          for (let s = 0; s < count; s++) {
            const k = (start + s) % n;
            E += loss(net.activate(data.inputs[k]!), data.targets[k]!);
          }
          return E;
        },
      };
      return trainer;
    },
  };
}

export const synapticContender = synapticContenderWith('logistic');
