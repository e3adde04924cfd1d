/**
 * TensorFlow.js contenders: its plain-JavaScript cpu backend and its WebAssembly backend (SIMD;
 * threads where the runtime offers them — Node does not, so it runs on one thread), float32,
 * weights in tfjs's layouts (dense [in][out], conv [k][k][in][out], images NHWC).
 *
 * Each is written its fastest correct way, and the loss is never read back inside the training
 * loop (ΣE accumulates in a tensor, read once per call):
 *   dense nets: a hand-written SGD step. Forward z = h·W + b (fused with relu); softmax
 *     cross-entropy; backward Δz_L = (softmax(z_L) − t)/B, ∂W = hᵀ·Δz, ∂b = Σ_p Δz,
 *     Δz_{l−1} = (Δz·Wᵀ) ⊙ [h > 0]; then W ← W − η ∂W, b ← b − η ∂b.
 *   conv nets: tf.variableGrads over the forward pass, then the same update. The wasm backend has
 *     no Conv2DBackpropFilter kernel, so conv is a custom gradient: ∂x by conv2dTranspose, and
 *     ∂W[kh,kw,c,f] = Σ_{b,i,j} x[b,i+kh,j+kw,c] · ∂y[b,i,j,f], itself a conv2d of x with the batch
 *     as channels (stride 1).
 * Each batch is a tensor built before timing, as our engines get their Float64Arrays ready.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Params } from '../src/nn/params.ts';
import { resolveLayers, type NetSpec } from '../src/nn/spec.ts';
import type { Contender, Trainer } from './contender.ts';
import type { BenchData } from './fashion-mnist.ts';

let wasmPathsSet = false;

/** The .wasm binaries ship in the package's dist folder: load them from there, offline. */
function useLocalWasm(): string {
  const dist = dirname(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'),
  );
  if (!wasmPathsSet) setWasmPaths(`${dist}/`);
  wasmPathsSet = true;
  return dist;
}

async function use(backend: string): Promise<void> {
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend "${backend}" failed to initialise`);
  await tf.ready();
}

type Layer =
  | { type: 'dense'; W: tf.Variable; b: tf.Variable; relu: boolean; flatten: boolean }
  | { type: 'conv'; W: tf.Variable; b: tf.Variable; relu: boolean; padding: number }
  | { type: 'pool'; size: number; stride: number };

/** Why tfjs cannot build this net here, or null. */
function unsupported(spec: NetSpec): string | null {
  for (const l of spec.layers) {
    if (l.type === 'pool' && l.mode !== 'max') return 'average pooling is not built';
    if (l.type === 'conv' && l.stride !== 1) return 'conv strides other than 1 are not built';
    if (l.type !== 'pool' && l.activation.name !== 'relu' && l.activation.name !== 'identity')
      return `${l.activation.name} is not built (relu and identity only)`;
  }
  return spec.loss === 'softmax-cross-entropy' ? null : 'softmax cross-entropy only';
}

/** Our layers as tfjs variables: dense [units][fanIn] → [fanIn][units], conv [f][c][k][k] → [k][k][c][f]. */
function tfjsLayers(spec: NetSpec, params: Params): Layer[] {
  return resolveLayers(spec).map((layer, l): Layer => {
    if (layer.type === 'pool') return { type: 'pool', size: layer.size, stride: layer.stride };
    const { weights, bias } = params.layers[l]!;
    const relu = layer.activation.name === 'relu';
    const b = tf.variable(tf.tensor1d(Float32Array.from(bias)));
    if (layer.type === 'dense') {
      const [m, n] = layer.weightShape as [number, number];
      const W = tf.variable(tf.tensor2d(Float32Array.from(weights), [m, n]).transpose());
      return { type: 'dense', W, b, relu, flatten: layer.inShape.length === 3 };
    }
    const [f, c, k] = layer.weightShape as [number, number, number];
    const W = tf.variable(tf.tensor4d(Float32Array.from(weights), [f, c, k, k]).transpose([2, 3, 1, 0]));
    return { type: 'conv', W, b, relu, padding: layer.padding };
  });
}

/** The data as float32 minibatches of B patterns (a trailing partial batch is dropped); images as NHWC. */
function tfjsBatches(spec: NetSpec, data: BenchData, B: number): { xs: tf.Tensor[]; ts: tf.Tensor2D[] } {
  const inSize = data.inputs[0]!.length;
  const outSize = data.targets[0]!.length;
  const xs: tf.Tensor[] = [];
  const ts: tf.Tensor2D[] = [];
  for (let s = 0; s + B <= data.inputs.length; s += B) {
    const x = new Float32Array(B * inSize);
    const t = new Float32Array(B * outSize);
    for (let p = 0; p < B; p++) {
      x.set(data.inputs[s + p]!, p * inSize);
      t.set(data.targets[s + p]!, p * outSize);
    }
    xs.push(
      tf.tidy(() =>
        spec.input.length === 3
          ? tf.tensor4d(x, [B, ...(spec.input as [number, number, number])]).transpose([0, 2, 3, 1])
          : tf.tensor2d(x, [B, inSize]),
      ),
    );
    ts.push(tf.tensor2d(t, [B, outSize]));
  }
  return { xs, ts };
}

/** Make the backend current, recording what it runs with. */
async function backendDetails(backend: 'cpu' | 'wasm'): Promise<Record<string, unknown>> {
  const details: Record<string, unknown> = { version: tf.version.tfjs, backend };
  if (backend === 'wasm') {
    details['wasmDir'] = useLocalWasm();
    await use(backend);
    details['simd'] = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    details['threads'] = getThreadsCount();
  } else {
    await use(backend);
  }
  return details;
}

/** ∂W of a stride-1 conv: a conv2d of x [B,H,W,C] (batch as channels) with ∂y [B,OH,OW,F] as the filter. */
function filterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, padding: number): tf.Tensor4D {
  const padded =
    padding > 0
      ? tf.pad(x, [
          [0, 0],
          [padding, padding],
          [padding, padding],
          [0, 0],
        ])
      : x;
  const r = tf.conv2d(
    padded.transpose([3, 1, 2, 0]) as tf.Tensor4D,
    dy.transpose([1, 2, 0, 3]) as tf.Tensor4D,
    1,
    'valid',
  );
  return r.transpose([1, 2, 0, 3]);
}

/** conv2d (stride 1) with the gradient above, since the wasm backend cannot take tfjs's own. */
function convWithGradient(padding: number): (x: tf.Tensor4D, W: tf.Tensor4D) => tf.Tensor4D {
  const f = tf.customGrad(((x: tf.Tensor4D, W: tf.Tensor4D, save: tf.GradSaveFunc) => {
    save([x, W]);
    return {
      value: tf.conv2d(x, W, 1, padding),
      gradFunc: (dy: tf.Tensor4D, [xs, Ws]: tf.Tensor[]) => [
        tf.conv2dTranspose(dy, Ws as tf.Tensor4D, xs!.shape as [number, number, number, number], 1, padding),
        filterGradient(xs as tf.Tensor4D, dy, padding),
      ],
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f as unknown as (x: tf.Tensor4D, W: tf.Tensor4D) => tf.Tensor4D;
}

/** Σ_p E_p = −Σ_p Σ_j t_pj log softmax(z_p)_j, and log softmax(z). */
function crossEntropy(z: tf.Tensor2D, t: tf.Tensor2D): { E: tf.Scalar; logp: tf.Tensor2D } {
  const logp = tf.sub(z, tf.logSumExp(z, 1, true)) as tf.Tensor2D;
  return { E: tf.neg(tf.sum(tf.mul(t, logp))) as tf.Scalar, logp };
}

function tfjsContender(backend: 'cpu' | 'wasm', label: string): Contender {
  return {
    id: `tfjs-${backend}`,
    label,
    note: 'float32',
    written:
      'dense nets: a hand-written SGD step (fused matMul + bias + relu forward, hand-written backward, ' +
      'variable.assign), the loss accumulated in a tensor and read once per repetition; conv nets: ' +
      'tf.variableGrads with a custom conv gradient (conv2dTranspose; the filter gradient as a conv2d), ' +
      'then the same update',
    supports: (spec) => unsupported(spec) === null,
    async create({ spec, params, data, η }, B) {
      const why = unsupported(spec);
      if (why) throw new Error(`tfjs contender: ${why}`);
      const details = await backendDetails(backend);
      const layers = tfjsLayers(spec, params);
      const variables = layers.flatMap((l) => (l.type === 'pool' ? [] : [l.W, l.b]));
      const n = data.inputs.length;
      const { xs, ts } = tfjsBatches(spec, data, B);
      const rate = tf.scalar(η);
      const perPattern = tf.scalar(1 / B);
      const patternsPerBatch = tf.scalar(B);
      const dense = layers.every((l) => l.type === 'dense');
      const convs = layers.map((l) => (l.type === 'conv' ? convWithGradient(l.padding) : null));

      const forward = (x: tf.Tensor): tf.Tensor2D => {
        let h = x;
        layers.forEach((l, k) => {
          if (l.type === 'pool') h = tf.maxPool(h as tf.Tensor4D, l.size, l.stride, 'valid');
          else if (l.type === 'conv') {
            const z = tf.add(convs[k]!(h as tf.Tensor4D, l.W as tf.Tensor4D), l.b);
            h = l.relu ? tf.relu(z) : z;
          } else {
            if (l.flatten) h = h.transpose([0, 3, 1, 2]).reshape([h.shape[0]!, -1]);
            h = tf.add(tf.matMul(h as tf.Tensor2D, l.W as tf.Tensor2D), l.b);
            if (l.relu) h = tf.relu(h);
          }
        });
        return h as tf.Tensor2D;
      };

      const sgd = (v: tf.Variable, g: tf.Tensor): void => void v.assign(tf.sub(v, tf.mul(g, rate)));

      /** One step on batch k; returns Σ_p E_p as a tensor (not read). */
      const denseStep = (k: number): tf.Scalar =>
        tf.tidy(() => {
          const dl = layers as Extract<Layer, { type: 'dense' }>[];
          const hs: tf.Tensor2D[] = [xs[k] as tf.Tensor2D];
          for (const l of dl)
            hs.push(
              tf.fused.matMul({
                a: hs[hs.length - 1]!,
                b: l.W as tf.Tensor2D,
                bias: l.b,
                activation: l.relu ? 'relu' : 'linear',
              }) as tf.Tensor2D,
            );
          const { E, logp } = crossEntropy(hs[dl.length]!, ts[k]!);
          let Δz = tf.mul(tf.sub(tf.exp(logp), ts[k]!), perPattern) as tf.Tensor2D;
          for (let l = dl.length - 1; l >= 0; l--) {
            const dW = tf.matMul(hs[l]!, Δz, true, false);
            const db = tf.sum(Δz, 0);
            if (l > 0) {
              const Δh: tf.Tensor2D = tf.matMul(Δz, dl[l]!.W as tf.Tensor2D, false, true);
              Δz = dl[l - 1]!.relu ? (tf.mul(Δh, tf.step(hs[l]!)) as tf.Tensor2D) : Δh;
            }
            sgd(dl[l]!.W, dW);
            sgd(dl[l]!.b, db);
          }
          return E;
        });

      const autodiffStep = (k: number): tf.Scalar =>
        tf.tidy(() => {
          // variableGrads keeps only its value (the batch mean) and the gradients.
          const { value, grads } = tf.variableGrads(
            () => tf.mul(crossEntropy(forward(xs[k]!), ts[k]!).E, perPattern) as tf.Scalar,
            variables,
          );
          for (const v of variables) sgd(v, grads[v.name]!);
          return tf.mul(value, patternsPerBatch) as tf.Scalar;
        });

      const step = dense ? denseStep : autodiffStep;
      const sumOver = (start: number, count: number, one: (k: number) => tf.Scalar): number => {
        let total = tf.scalar(0);
        for (let s = 0; s < count; s += B) {
          const E = one(((start + s) % n) / B);
          const next = tf.add(total, E) as tf.Scalar;
          total.dispose();
          E.dispose();
          total = next;
        }
        const value = total.dataSync()[0]!;
        total.dispose();
        return value;
      };
      const trainer: Trainer = {
        details,
        activate: () => use(backend),
        run: (start, count) => sumOver(start, count, step),
        evaluate: (start, count) =>
          sumOver(start, count, (k) => tf.tidy(() => crossEntropy(forward(xs[k]!), ts[k]!).E)),
        dispose() {
          tf.dispose([...variables, ...xs, ...ts, rate, perPattern, patternsPerBatch]);
        },
      };
      return trainer;
    },
  };
}

export const tfjsCpuContender = tfjsContender('cpu', 'tfjs cpu');
export const tfjsWasmContender = tfjsContender('wasm', 'tfjs wasm');
