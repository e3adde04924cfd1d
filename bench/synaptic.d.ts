/** The few parts of synaptic 1.x the benchmark uses (the package ships no types). */
declare module 'synaptic' {
  type Squash = (x: number, derivate?: boolean) => number;
  interface Connection {
    from: Neuron;
    to: Neuron;
    weight: number;
  }
  interface Neuron {
    ID: number;
    bias: number;
    squash: Squash;
    connections: { inputs: Record<string, Connection> };
  }
  interface Layer {
    list: Neuron[];
    set(options: { squash?: Squash; bias?: number }): Layer;
  }
  class Network {
    layers: { input: Layer; hidden: Layer[]; output: Layer };
    optimized: unknown;
    activate(input: ArrayLike<number>): number[];
    propagate(rate: number, target: ArrayLike<number>): void;
  }
  const synaptic: {
    Architect: { Perceptron: new (...sizes: number[]) => Network };
    Neuron: { squash: { RELU: Squash; IDENTITY: Squash; LOGISTIC: Squash; TANH: Squash } };
    Network: typeof Network;
  };
  export default synaptic;
}
