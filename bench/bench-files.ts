/**
 * The benchmark's net, weights and data as files, so that contenders in processes of their own
 * (contender-process.ts, pytorch.py) train from the same bytes: the data file holds the inputs
 * row after row, then one class label per pattern, all float64; the params file holds each layer's
 * weights (our layouts: dense [units][fanIn], conv [filters][in][k][k]) then its bias, float64.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneHot } from '../src/data/datasets.ts';
import type { Params } from '../src/nn/params.ts';
import { netSpecToJSON, parseNetSpec, resolveLayers } from '../src/nn/spec.ts';
import type { BenchSetup } from './contender.ts';

export interface BenchFiles {
  /** The net spec as JSON (netSpecToJSON). */
  spec: unknown;
  data: string;
  params: string;
  patterns: number;
  classes: number;
  source: string;
  η: number;
}

export function writeBenchFiles(setup: BenchSetup, dir: string, name: string): BenchFiles {
  const { inputs, targets } = setup.data;
  const d = inputs[0]!.length;
  const data = new Float64Array(inputs.length * (d + 1));
  inputs.forEach((x, p) => {
    data.set(x, p * d);
  });
  targets.forEach((t, p) => {
    data[inputs.length * d + p] = t.indexOf(1);
  });
  const files = { data: join(dir, `${name}.data.f64`), params: join(dir, `${name}.params.f64`) };
  writeFileSync(files.data, data);
  const arrays = setup.params.layers.flatMap((l) => [l.weights, l.bias]);
  writeFileSync(files.params, Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  return {
    spec: netSpecToJSON(setup.spec),
    ...files,
    patterns: inputs.length,
    classes: targets[0]!.length,
    source: setup.data.source,
    η: setup.η,
  };
}

const float64s = (path: string): Float64Array => {
  const bytes = readFileSync(path);
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

export function readBenchFiles(files: BenchFiles): BenchSetup {
  const spec = parseNetSpec(files.spec);
  const raw = float64s(files.params);
  let at = 0;
  const take = (n: number): Float64Array => {
    at += n;
    return raw.slice(at - n, at);
  };
  const params: Params = {
    layers: resolveLayers(spec).map((l) => {
      const units = l.type === 'pool' ? 0 : l.weightShape[0]!;
      const weights = take(l.type === 'pool' ? 0 : l.weightShape.reduce((a, b) => a * b, 1));
      return { weights, bias: take(units) };
    }),
  };
  if (at !== raw.length) throw new Error(`${files.params}: ${raw.length} numbers, the net has ${at}`);
  const data = float64s(files.data);
  const d = data.length / files.patterns - 1;
  const inputs = Array.from({ length: files.patterns }, (_, p) => data.slice(p * d, (p + 1) * d));
  const targets = Array.from({ length: files.patterns }, (_, p) =>
    oneHot(data[files.patterns * d + p]!, files.classes),
  );
  return { spec, params, data: { source: files.source, inputs, targets }, η: files.η };
}
