/** The agents' circuit: neurons as RxJS agents that carry activation, then error, and what connects them. */
export * from './axon.ts';
export * from './behaviour.ts';
export * from './dendrite.ts';
export * from './direct-tract.ts';
export * from './error-tract.ts';
export * from './kernel-agent.ts';
export * from './messages.ts';
export * from './mse-role.ts';
export * from './neuron.ts';
export * from './output-role.ts';
export * from './position-neuron.ts';
export * from './softmax-group.ts';
export * from './synapse-updates.ts';
export * from './teacher.ts';
export * from './trace.ts';
export * from './tract.ts';
export * from './wiring.ts';
