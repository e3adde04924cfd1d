/**
 * The merged rule in continuous time (`--dynamics leaky`): each neuron has one state u(t), Euler-integrated
 * on a clock, and sends one output r(t) = g(u(t)); there is no separate error channel.
 *
 *   τ du_j/dt = −u_j + Σ_i w_ij x_i(t) + b_j + f_j(t)          Euler: u ← u + (h/τ)(−u + …), h = dt < τ
 *
 * Phases of one pattern (times on the clock; each pattern starts from rest, u = 0):
 *   free    f_j = 0, until the outputs stop moving (|Δr| ≤ settle·h/τ per step). The fixed point of the
 *           Euler map is the ODE's own, u_j = z_j = Σ w_ij x̄_i + b_j, r_j = y_j = g(z_j), for any h < τ.
 *           At its end every synapse latches its presynaptic trace x̄_i = x_i, every neuron its free rate r̄_j.
 *   nudge   for a phase of length T: the teacher drives the outputs, and the top-down synapses carry the
 *           upper neurons' change. The top-down input is
 *             f_j(t) = −β·Δy_j                                   (output neuron; Δy = ∂E/∂y at r̄, held)
 *                    + Σ_k w_jk (r_k(t) − r̄_k)                   (hidden: the change of the layer above,
 *                                                                  through the weights w_jk of the neurons k)
 *                    − Σ_i w_ij (x_i(t) − x̄_i)                   (every neuron: its own synapses cancel the
 *                                                                  change of its bottom-up drive)
 *   update  Δw_ij = −η x̄_i (r̄_j − r_j(T))/β;   symmetric: a second phase of length T with −β, then
 *           Δw_ij = −η x̄_i (r_j(−β) − r_j(+β))/(2β)  (the states at the ends of the two phases).
 *
 * Why exactly this f. At the nudged fixed point du/dt = 0, so u_j = Σ_i w_ij x_i + b_j + f_j, and with the
 * f above the live bottom-up terms cancel: u_j = z_j + Σ_k w_jk c_k (hidden), u = z − β·Δy (output), where
 * c_k = r_k − r̄_k. That is the discrete merged rule's nudged state v, term for term (rules/merged.ts), so
 * as T/τ → ∞ the update tends to the discrete one, and with it to ∂E/∂w: c = −β·Δz + O(β²) layer by layer,
 * so (r̄ − r)/β = Δz + O(β) (symmetric: O(β²)). The cancelling term is what first order needs: without it,
 * a hidden neuron's own change c_j = O(β) reaches the neurons above through their bottom-up synapses, adds
 * Σ_j w_kj c_j to their potential and comes back down, so the fixed point solves c = D(W + Wᵀ)c + … — a loop,
 * not back-prop, and the update would be wrong at first order. Nothing is linearised.
 *
 * What is not exact: a finite phase leaves the transient, which decays like e^(−T/τ) times a polynomial in
 * T/τ of the depth's degree (each layer is one more low-pass filter), and a finite settle tolerance; then
 * rounding. The step h changes the path but not the fixed point.
 */
import { InputError } from '../core/errors.ts';
import type { LeakyNeuron, LeakyPhase, LeakyProtocol } from '../agents/leaky-neuron.ts';
import type { MergedSettings } from './merged.ts';

export const DYNAMICS_NAMES = ['discrete', 'leaky'] as const;
export type DynamicsName = (typeof DYNAMICS_NAMES)[number];

/** The CLI's --dynamics, --tau, --dt, --phase, --settle (all optional). */
export interface DynamicsOptions {
  dynamics?: DynamicsName;
  tau?: number;
  dt?: number;
  phase?: number;
  settle?: number;
}

export interface LeakySettings {
  /** Time constant τ and Euler step h (h < τ), in the clock's units. */
  τ: number;
  h: number;
  /** Length T of each nudged phase. */
  T: number;
  /** The free phase ends when no output moves by more than settle·h/τ in one step. */
  settle: number;
}

export const LEAKY_DEFAULTS = { τ: 1, hOverτ: 0.1, TOverτ: 20, settle: 1e-12 } as const;

/** A free phase that has not settled after this many steps is an error, not a result. */
export const MAX_FREE_STEPS = 1_000_000;

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * The continuous settings from the options, or null for the discrete default. InputError (exit 2) for a
 * τ ≤ 0, dt ≥ τ, a rule or engine that has no continuous mode, or a continuous flag without --dynamics leaky.
 */
export function leakySettings(o: DynamicsOptions, rule: string, engine: string): LeakySettings | null {
  if (o.dynamics === undefined || o.dynamics === 'discrete') {
    const stray = (['tau', 'dt', 'phase', 'settle'] as const).find((k) => o[k] !== undefined);
    if (stray !== undefined) throw new InputError(`--${stray} applies to --dynamics leaky only`);
    return null;
  }
  if (o.dynamics !== 'leaky')
    throw new InputError(`--dynamics: expected one of ${DYNAMICS_NAMES.join(', ')}, got ${JSON.stringify(o.dynamics)}`);
  if (rule !== 'merged') throw new InputError(`--dynamics leaky supports --rule merged only, not ${rule}`);
  if (engine !== 'agents')
    throw new InputError(`--dynamics leaky needs --engine agents (the matrix engine has no time), not ${engine}`);
  const τ = o.tau ?? LEAKY_DEFAULTS.τ;
  if (!positive(τ)) throw new InputError(`--tau must be a positive number, got ${τ}`);
  const h = o.dt ?? LEAKY_DEFAULTS.hOverτ * τ;
  if (!positive(h)) throw new InputError(`--dt must be a positive number, got ${h}`);
  if (h >= τ)
    throw new InputError(`--dt ${h} must be less than --tau ${τ} (Euler steps of h ≥ τ overshoot the fixed point)`);
  const T = o.phase ?? LEAKY_DEFAULTS.TOverτ * τ;
  if (!positive(T)) throw new InputError(`--phase must be a positive number, got ${T}`);
  if (T < h) throw new InputError(`--phase ${T} is shorter than one step --dt ${h}`);
  const settle = o.settle ?? LEAKY_DEFAULTS.settle;
  if (!positive(settle)) throw new InputError(`--settle must be a positive number, got ${settle}`);
  return { τ, h, T, settle };
}

/**
 * The merged rule as a leaky neuron's protocol: the top-down input f_j(t) of the header, the change it
 * sends down, and its synapses' update at the end of the pattern, all from the neuron's own state.
 */
export class MergedLeaky implements LeakyProtocol {
  /** The free rate r̄ and the rate at the end of the +β phase. */
  private rBar = 0;
  private rPlus = 0;
  /** The presynaptic trace x̄ (latched at the end of the free phase). */
  private readonly xBar: Float64Array;
  /** −β·Δy at the output, during a nudged phase (the teacher's drive); 0 elsewhere. */
  private drive = 0;
  private nudged = false;

  constructor(
    private readonly neuron: LeakyNeuron,
    readonly settings: MergedSettings,
  ) {
    this.xBar = new Float64Array(neuron.w.length);
  }

  phase(p: LeakyPhase, Δy: number): void {
    const n = this.neuron;
    const { β, symmetric } = this.settings;
    switch (p) {
      case 'plus':
        this.xBar.set(n.x);
        this.rBar = n.r;
        this.nudged = true;
        this.drive = -β * Δy;
        break;
      case 'minus':
        this.rPlus = n.r;
        this.drive = β * Δy;
        break;
      case 'end': {
        if (this.nudged) n.learn(this.xBar, symmetric ? (n.r - this.rPlus) / (2 * β) : (this.rBar - n.r) / β);
        this.nudged = false;
        this.drive = 0;
        break;
      }
    }
  }

  /** f_j(t): the teacher's drive, the change from above, minus the change of the bottom-up drive. */
  extra(fromAbove: number): number {
    if (!this.nudged) return 0;
    const { w, x } = this.neuron;
    const xBar = this.xBar;
    let drift = 0;
    for (let i = 0; i < w.length; i++) drift += w[i]! * (x[i]! - xBar[i]!);
    return this.drive + fromAbove - drift;
  }

  /** What each synapse carries down: w_ij·(r_j − r̄_j), the neuron's change (nothing in the free phase). */
  push(pushed: Float64Array): void {
    const { w, r } = this.neuron;
    const c = this.nudged ? r - this.rBar : 0;
    for (let i = 0; i < w.length; i++) pushed[i] = w[i]! * c;
  }
}
