/**
 * An exception thrown by an agent while it handled a message. The axon that delivered the message
 * wraps it with the agent's name (a neuron is named by its address: layer and index), and it travels
 * up the call stack of the pattern unchanged, so the pattern stops at once and nothing after the
 * fault is computed. The engine refuses to go on with a circuit a fault has left half-way.
 */
export class AgentError extends Error {
  override readonly name = 'AgentError';

  constructor(
    /** The agent that threw, e.g. "neuron (layer 1, neuron 3)". */
    readonly agent: string,
    override readonly cause: unknown,
  ) {
    super(`${agent}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }

  /** `e` as thrown by `agent`, unless an agent further down has already claimed it. */
  static from(e: unknown, agent: string): AgentError {
    return e instanceof AgentError ? e : new AgentError(agent, e);
  }
}

/** The name of neuron `index` of layer `layer` (0-based, as in Params). */
export function neuronName(layer: number, index: number): string {
  return `neuron (layer ${layer}, neuron ${index})`;
}
