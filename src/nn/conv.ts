/**
 * Convolution layer (cross-correlation, as in every deep-learning library), zero padding, stride s.
 * Input x[c][iy][ix], output z[f][oy][ox], kernel w[f][c][ky][kx], one bias per filter.
 *
 *   forward   z[f,oy,ox] = b_f + Σ_{c,ky,kx} w[f,c,ky,kx] · x[c, oy·s + ky − p, ox·s + kx − p]
 *             y = g(z)
 *   backward  ∂E/∂w[f,c,ky,kx] = Σ_{oy,ox} x[c, oy·s+ky−p, ox·s+kx−p] · Δz[f,oy,ox]   (shared weights: sum all pairs)
 *             ∂E/∂b_f          = Σ_{oy,ox} Δz[f,oy,ox]
 *             Δx[c,iy,ix]      = Σ over every (f,oy,ox,ky,kx) that reads x[c,iy,ix] of w[f,c,ky,kx] · Δz[f,oy,ox]
 *
 * Δx is computed two ways:
 *   push   (the essay's): loop over output errors, scatter each back through the kernel.
 *          Same loop nest as the forward pass; no bookkeeping for stride or padding.
 *   gather (transposed correlation): loop over inputs, collect the outputs that read each one.
 *          Needs the inverse index map: oy = (iy + p − ky)/s must be a whole number in range.
 * The two agree to rounding; test/nn/conv.test.ts holds them to 1e-12.
 *
 * The loops above, written out in forwardLoops and backwardLoops, are the reference: their order
 * of additions is the one documented. forward and backward compute the same sums in the same
 * order, faster. Without padding a pattern's convolution is a matrix product over its patches
 * (im2col): row o of P [OH·OW × C·K·K] holds the inputs output o reads, in the kernel's order
 * (c, ky, kx), so that
 *   z[f,o] = b_f + Σ_k w[f,k] P[o,k]           (sum in increasing k = (c, ky, kx): batch affine)
 *   ∂E/∂w[f,k] += Σ_o P[o,k] Δz[f,o]           (sum in increasing o, term by term into ∂E/∂w)
 * run by the WebAssembly kernels (nn/wasm/wasm-kernels.ts). With padding, a tap on the padding is
 * skipped, not multiplied by 0 (which could turn a −0 sum into +0, or ∞·0 into NaN), so those
 * layers keep the direct loops. Δx is no product over patches (its sums run over (f, o) for each
 * input, f outermost): wasmConvError takes each input's terms in the push's order, in a register,
 * for eight channels at a time (test/nn/conv.test.ts compares every number with ===).
 */
import { makeActivation, type Activation } from './activation.ts';
import { activate, NO_INPUT, type Layer } from './layer.ts';
import type { LayerParams } from './params.ts';
import type { ConvSpec, ResolvedLayer } from './spec.ts';
import { wasmAddBatchGradient, wasmBatchAffine, wasmConvError } from './wasm/wasm-kernels.ts';

/** How backward forms Δx: pushed through the kernel (the essay's) or gathered per input. */
export type ConvErrorForm = 'push' | 'gather';

export class Conv implements Layer {
  readonly activation: Activation;
  readonly inSize: number;
  readonly outSize: number;
  readonly z: Float64Array;
  readonly y: Float64Array;
  readonly oneTermPerWeight = false;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly F: number;
  readonly OH: number;
  readonly OW: number;
  readonly K: number;
  readonly s: number;
  readonly p: number;
  /** Scratch of the product form: the patches P [OH·OW × C·K·K], and z or Δz position by position [OH·OW × F]. */
  private readonly patches: Float64Array;
  private readonly byPosition: Float64Array;

  constructor(
    readonly spec: ResolvedLayer & ConvSpec,
    readonly w: Float64Array,
    readonly b: Float64Array,
    activation: Activation = makeActivation(spec.activation),
    readonly errorForm: ConvErrorForm = 'push',
  ) {
    this.activation = activation;
    [this.C, this.H, this.W] = spec.inShape as [number, number, number];
    [this.F, this.OH, this.OW] = spec.outShape as [number, number, number];
    this.K = spec.kernel;
    this.s = spec.stride;
    this.p = spec.padding;
    this.inSize = this.C * this.H * this.W;
    this.outSize = this.F * this.OH * this.OW;
    this.z = new Float64Array(this.outSize);
    this.y = new Float64Array(this.outSize);
    const products = this.p === 0;
    this.patches = new Float64Array(products ? this.OH * this.OW * this.C * this.K * this.K : 0);
    this.byPosition = new Float64Array(products ? this.outSize : 0);
  }

  /** Index of x[c, oy·s+ky−p, ox·s+kx−p], or −1 where the kernel lies on the zero padding. */
  inputIndex(c: number, oy: number, ox: number, ky: number, kx: number): number {
    const iy = oy * this.s + ky - this.p;
    const ix = ox * this.s + kx - this.p;
    if (iy < 0 || iy >= this.H || ix < 0 || ix >= this.W) return -1;
    return (c * this.H + iy) * this.W + ix;
  }

  weightIndex(f: number, c: number, ky: number, kx: number): number {
    return ((f * this.C + c) * this.K + ky) * this.K + kx;
  }

  outputIndex(f: number, oy: number, ox: number): number {
    return (f * this.OH + oy) * this.OW + ox;
  }

  forward(x: Float64Array): void {
    if (this.p > 0) {
      this.forwardLoops(x);
      return;
    }
    const { F, OH, OW, C, K } = this;
    const positions = OH * OW;
    this.im2col(x);
    wasmBatchAffine(this.w, this.b, this.patches, this.byPosition, positions, F, C * K * K);
    const { z, byPosition } = this;
    for (let f = 0; f < F; f++) for (let o = 0; o < positions; o++) z[f * positions + o] = byPosition[o * F + f]!;
    activate(this);
  }

  /** The reference forward pass: z[f,oy,ox] = b_f + Σ_{c,ky,kx} w·x, the taps in that order, padding skipped. */
  forwardLoops(x: Float64Array): void {
    const { w, b, z, C, F, OH, OW, K } = this;
    for (let f = 0; f < F; f++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          let zo = b[f]!;
          for (let c = 0; c < C; c++)
            for (let ky = 0; ky < K; ky++)
              for (let kx = 0; kx < K; kx++) {
                const i = this.inputIndex(c, oy, ox, ky, kx);
                if (i >= 0) zo += w[this.weightIndex(f, c, ky, kx)]! * x[i]!;
              }
          z[this.outputIndex(f, oy, ox)] = zo;
        }
    activate(this);
  }

  /** P[o, (c,ky,kx)] = x[c, oy·s+ky, ox·s+kx] (no padding). */
  private im2col(x: Float64Array): void {
    const { C, H, W, OH, OW, K, s, patches } = this;
    let t = 0;
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < K; ky++) {
            const row = (c * H + oy * s + ky) * W + ox * s;
            for (let kx = 0; kx < K; kx++) patches[t++] = x[row + kx]!;
          }
  }

  /**
   * The backward pass with backwardLoops' sums: the gradient as a product over the patches
   * (no padding, scale 1), else in direct loops; Δx in the push's order (wasmConvError), or gathered.
   */
  backward(
    x: Float64Array,
    Δz: Float64Array,
    into: LayerParams | null,
    Δx: Float64Array | null,
    via = this.w,
    scale = 1,
  ): void {
    const gather = Δx !== null && this.errorForm === 'gather';
    if (into !== null) this.accumulateFilters(x, Δz, into, scale, 0, this.F);
    if (Δx !== null && !gather) wasmConvError(via, Δz, Δx, this);
    if (gather) this.gatherError(Δz, Δx!, via);
  }

  /**
   * backward's gradient (scale · x Δzᵀ into `into`) for filters f0..f1−1 only: the same sums, so
   * threads that take a share of the filters each, in pattern order, form backward's numbers.
   */
  accumulateFilters(x: Float64Array, Δz: Float64Array, into: LayerParams, scale: number, f0: number, f1: number): void {
    if (this.p === 0 && scale === 1) this.gradientProduct(x, Δz, into, f0, f1);
    else this.gradientLoops(x, Δz, into, scale, f0, f1);
  }

  /** into.bias[f] += Σ_o Δz[f,o] and into.weights[f,k] += Σ_o P[o,k] Δz[f,o], each in increasing o. */
  private gradientProduct(x: Float64Array, Δz: Float64Array, into: LayerParams, f0: number, f1: number): void {
    const { F, OH, OW, C, K, byPosition } = this;
    const positions = OH * OW;
    this.im2col(x);
    for (let f = 0; f < F; f++) for (let o = 0; o < positions; o++) byPosition[o * F + f] = Δz[f * positions + o]!;
    for (let f = f0; f < f1; f++) {
      let sum = into.bias[f]!;
      for (let o = 0; o < positions; o++) sum += Δz[f * positions + o]!;
      into.bias[f] = sum;
    }
    wasmAddBatchGradient(into.weights, this.patches, byPosition, positions, F, C * K * K, f0, f1);
  }

  /** backwardLoops' gradient, its loop nest with the indices worked out a row at a time. */
  private gradientLoops(
    x: Float64Array,
    Δz: Float64Array,
    into: LayerParams,
    scale: number,
    f0: number,
    f1: number,
  ): void {
    const { C, H, W, OH, OW, K, s, p } = this;
    const gw = into.weights,
      gb = into.bias;
    for (let f = f0; f < f1; f++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++) {
          const Δzo = Δz[(f * OH + oy) * OW + ox]!;
          gb[f] += scale * Δzo;
          for (let c = 0; c < C; c++)
            for (let ky = 0; ky < K; ky++) {
              const iy = oy * s + ky - p;
              if (iy < 0 || iy >= H) continue;
              const row = (c * H + iy) * W,
                k0 = ((f * C + c) * K + ky) * K;
              for (let kx = 0; kx < K; kx++) {
                const ix = ox * s + kx - p;
                if (ix >= 0 && ix < W) gw[k0 + kx] += scale * (x[row + ix]! * Δzo);
              }
            }
        }
  }

  /**
   * The reference backward pass: the forward's loop nest, each (output, kernel tap) pair turned
   * around: it adds x · Δz to the shared weight (the gradient) and w · Δz to the input it read
   * (the essay's push of Δx). In the gather form Δx is collected per input instead, by gatherError.
   */
  backwardLoops(
    x: Float64Array,
    Δz: Float64Array,
    into: LayerParams | null,
    Δx: Float64Array | null,
    via = this.w,
    scale = 1,
  ): void {
    const { C, F, OH, OW, K } = this;
    const gather = Δx !== null && this.errorForm === 'gather';
    const push = gather ? null : Δx;
    push?.fill(0);
    if (into !== null || push !== null)
      for (let f = 0; f < F; f++)
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++) {
            const Δzo = Δz[this.outputIndex(f, oy, ox)]!;
            if (into !== null) into.bias[f] += scale * Δzo;
            for (let c = 0; c < C; c++)
              for (let ky = 0; ky < K; ky++)
                for (let kx = 0; kx < K; kx++) {
                  const i = this.inputIndex(c, oy, ox, ky, kx);
                  if (i < 0) continue;
                  const k = this.weightIndex(f, c, ky, kx);
                  if (into !== null) into.weights[k] += scale * (x[i]! * Δzo);
                  if (push !== null) push[i] += via[k]! * Δzo;
                }
          }
    if (gather) this.gatherError(Δz, Δx!, via);
  }

  accumulateGradient(x: Float64Array, Δz: Float64Array, gw: Float64Array, gb: Float64Array): void {
    this.backward(x, Δz, { weights: gw, bias: gb }, null);
  }

  pushError(Δz: Float64Array, Δx: Float64Array, via: Float64Array = this.w): void {
    this.backward(NO_INPUT, Δz, null, Δx, via);
  }

  /** Transposed correlation: for each input, gather from the outputs whose kernel covers it. */
  gatherError(Δz: Float64Array, Δx: Float64Array, w: Float64Array = this.w): void {
    const { C, H, W, F, OH, OW, K, s, p } = this;
    for (let c = 0; c < C; c++)
      for (let iy = 0; iy < H; iy++)
        for (let ix = 0; ix < W; ix++) {
          let Δxi = 0;
          for (let f = 0; f < F; f++)
            for (let ky = 0; ky < K; ky++) {
              const ny = iy + p - ky; // = oy·s
              if (ny < 0 || ny % s !== 0 || ny / s >= OH) continue;
              const oy = ny / s;
              for (let kx = 0; kx < K; kx++) {
                const nx = ix + p - kx; // = ox·s
                if (nx < 0 || nx % s !== 0 || nx / s >= OW) continue;
                Δxi += w[this.weightIndex(f, c, ky, kx)]! * Δz[this.outputIndex(f, oy, nx / s)]!;
              }
            }
          Δx[(c * H + iy) * W + ix] = Δxi;
        }
  }
}
