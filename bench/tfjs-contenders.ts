/**
 * TensorFlow.js contenders: its plain-JavaScript cpu backend and its WebAssembly backend (SIMD;
 * threads where the runtime offers them — Node does not, so it runs on one thread). Both use
 * the idiomatic training loop: optimizer.minimize on tf.losses.softmaxCrossEntropy (the batch
 * mean, as in our step), tf.train.sgd(η), weights in tfjs's [in][out] layout, float32.
 * Each batch is a tensor built before timing, as our engines get their Float64Arrays ready.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Params } from '../src/nn/params.ts';
import type { NetSpec } from '../src/nn/spec.ts';
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

/** Our dense layers as tfjs variables; our weights are [units][fanIn], tfjs's kernels [fanIn][units]. */
function tfjsLayers(spec: NetSpec, params: Params): { W: tf.Variable; b: tf.Variable; relu: boolean }[] {
  return spec.layers.map((layer, l) => {
    if (layer.type !== 'dense') throw new Error('the tfjs contenders build dense layers only');
    const act = layer.activation.name;
    if (act !== 'relu' && act !== 'identity')
      throw new Error(`the tfjs contenders build relu and identity layers only, not ${act}`);
    const { weights, bias } = params.layers[l]!;
    const m = layer.units;
    const n = weights.length / m;
    const W = tf.variable(tf.tensor2d(Float32Array.from(weights), [m, n]).transpose());
    const b = tf.variable(tf.tensor1d(Float32Array.from(bias)));
    return { W, b, relu: act === 'relu' };
  });
}

/** The data as float32 minibatches of B patterns (a trailing partial batch is dropped). */
function tfjsBatches(data: BenchData, B: number): { xs: tf.Tensor2D[]; ts: tf.Tensor2D[] } {
  const inSize = data.inputs[0]!.length;
  const outSize = data.targets[0]!.length;
  const xs: tf.Tensor2D[] = [];
  const ts: tf.Tensor2D[] = [];
  for (let s = 0; s + B <= data.inputs.length; s += B) {
    const x = new Float32Array(B * inSize);
    const t = new Float32Array(B * outSize);
    for (let p = 0; p < B; p++) {
      x.set(data.inputs[s + p]!, p * inSize);
      t.set(data.targets[s + p]!, p * outSize);
    }
    xs.push(tf.tensor2d(x, [B, inSize]));
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

function tfjsContender(backend: 'cpu' | 'wasm', label: string): Contender {
  return {
    id: `tfjs-${backend}`,
    label,
    note: 'float32',
    supports: () => true,
    async create({ spec, params, data, η }, B) {
      const details = await backendDetails(backend);
      const layers = tfjsLayers(spec, params);
      const variables = layers.flatMap((l) => [l.W, l.b]);
      const n = data.inputs.length;
      const { xs, ts } = tfjsBatches(data, B);
      const forward = (x: tf.Tensor2D): tf.Tensor2D => {
        let h = x;
        for (const l of layers) {
          const z = tf.add(tf.matMul(h, l.W), l.b) as tf.Tensor2D;
          h = l.relu ? tf.relu(z) : z;
        }
        return h;
      };
      const optimizer = tf.train.sgd(η);
      const trainer: Trainer = {
        details,
        activate: () => use(backend),
        run(start, count) {
          let E = 0;
          for (let s = 0; s < count; s += B) {
            const k = ((start + s) % n) / B;
            const cost = optimizer.minimize(
              () => tf.losses.softmaxCrossEntropy(ts[k]!, forward(xs[k]!)) as tf.Scalar,
              true,
              variables,
            )!;
            E += cost.dataSync()[0]! * B;
            cost.dispose();
          }
          return E;
        },
        dispose() {
          tf.dispose([...variables, ...xs, ...ts]);
          optimizer.dispose();
        },
      };
      return trainer;
    },
  };
}

export const tfjsCpuContender = tfjsContender('cpu', 'tfjs cpu');
export const tfjsWasmContender = tfjsContender('wasm', 'tfjs wasm');
