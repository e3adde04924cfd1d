/**
 * Pooling layer: each channel on its own, over size × size windows placed stride apart, no padding,
 * no weights. Input x[c][iy][ix], output z[c][oy][ox] (y = z: the activation is the identity).
 *
 *   window    W(c,oy,ox) = { x[c, oy·s + ky, ox·s + kx] : 0 ≤ ky, kx < size },  in row-major (ky, kx) order
 *   max       z[c,oy,ox] = max W(c,oy,ox);  the winner is the first entry of the window, in that order,
 *             that holds the maximum (ties go to the earliest: top row first, then leftmost)
 *   average   z[c,oy,ox] = (Σ W(c,oy,ox)) · (1/size²)   (summed in window order, then scaled)
 *   backward  max:      Δx[winner] += Δz[c,oy,ox]          (only the winner read x, so only it gets error)
 *             average:  Δx[i] += (1/size²) · Δz[c,oy,ox]  for every i in the window
 * A Δx entry that several windows read (stride < size) sums their terms in output order.
 * The agents engine's pool units (agents/pool-unit.ts) read the same windows and break ties alike.
 */
import { makeActivation, type Activation } from './activation.ts';
import { NO_INPUT, type Layer } from './layer.ts';
import type { LayerParams } from './params.ts';
import type { PoolSpec, ResolvedLayer } from './spec.ts';

/** The input indices of window (c, oy, ox) in row-major (ky, kx) order: pooling's index arithmetic, in one place. */
export function poolWindow(layer: ResolvedLayer & PoolSpec, c: number, oy: number, ox: number): Int32Array {
  const [, H, W] = layer.inShape as [number, number, number];
  const { size, stride } = layer;
  const window = new Int32Array(size * size);
  for (let ky = 0; ky < size; ky++)
    for (let kx = 0; kx < size; kx++) window[ky * size + kx] = (c * H + oy * stride + ky) * W + ox * stride + kx;
  return window;
}

/** The position in the window of its first maximum (NaN entries never win over the first entry). */
export function firstMaximum(
  x: ArrayLike<number>,
  window: ArrayLike<number>,
  from = 0,
  length = window.length,
): number {
  let best = x[window[from]!]!;
  let winner = 0;
  for (let t = 1; t < length; t++) {
    const v = x[window[from + t]!]!;
    if (v > best) {
      best = v;
      winner = t;
    }
  }
  return winner;
}

/** Σ of the window in its order, times 1/size². */
export function windowAverage(
  x: ArrayLike<number>,
  window: ArrayLike<number>,
  from: number,
  length: number,
  scale: number,
): number {
  let sum = 0;
  for (let t = 0; t < length; t++) sum += x[window[from + t]!]!;
  return sum * scale;
}

export class Pool implements Layer {
  readonly activation: Activation = makeActivation({ name: 'identity' });
  readonly inSize: number;
  readonly outSize: number;
  readonly w = new Float64Array(0);
  readonly b = new Float64Array(0);
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly oneTermPerWeight = true; // no weights at all
  /** Every output's window, laid end to end (output o's at o·k). */
  private readonly windows: Int32Array;
  /** k = size², the window's length; 1/k. */
  private readonly k: number;
  private readonly scale: number;
  /** Max: each output's winner (an input index), from the last forward pass. */
  readonly winner: Int32Array;

  constructor(readonly spec: ResolvedLayer & PoolSpec) {
    const [C, OH, OW] = spec.outShape as [number, number, number];
    this.inSize = spec.inShape.reduce((a, b) => a * b, 1);
    this.outSize = C * OH * OW;
    this.k = spec.size * spec.size;
    this.scale = 1 / this.k;
    this.windows = new Int32Array(this.outSize * this.k);
    for (let c = 0; c < C; c++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          this.windows.set(poolWindow(spec, c, oy, ox), ((c * OH + oy) * OW + ox) * this.k);
        }
    this.z = new Float64Array(this.outSize);
    this.y = this.z; // identity: y is z
    this.winner = new Int32Array(this.outSize);
  }

  forward(x: Float64Array): void {
    const { z, windows, k } = this;
    const max = this.spec.mode === 'max';
    for (let o = 0; o < z.length; o++) {
      if (max) {
        const i = windows[o * k + firstMaximum(x, windows, o * k, k)]!;
        this.winner[o] = i;
        z[o] = x[i]!;
      } else z[o] = windowAverage(x, windows, o * k, k, this.scale);
    }
  }

  /**
   * No gradient (no weights); Δx routed to the winners (max) or spread over the windows (average).
   * There is no `via`: a pool layer has no weights for feedback to replace.
   */
  backward(_x: Float64Array, Δz: Float64Array, _into: LayerParams | null, Δx: Float64Array | null): void {
    if (Δx === null) return;
    const { windows, k, scale } = this;
    Δx.fill(0);
    if (this.spec.mode === 'max') for (let o = 0; o < Δz.length; o++) Δx[this.winner[o]!] += Δz[o]!;
    else
      for (let o = 0; o < Δz.length; o++) {
        const Δzo = scale * Δz[o]!;
        for (let t = 0; t < k; t++) Δx[windows[o * k + t]!] += Δzo;
      }
  }

  accumulateGradient(): void {}

  pushError(Δz: Float64Array, Δx: Float64Array): void {
    this.backward(NO_INPUT, Δz, null, Δx);
  }
}
