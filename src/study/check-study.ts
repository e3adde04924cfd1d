/**
 * Check a study's inputs before anything is written: every net file parses, and every data set
 * is there and fits the nets it is paired with (inputs per pattern, classes). Bad input then
 * fails in the main thread, as one line naming the file, not halfway through a sweep.
 */
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import {
  isIdxDatasetName,
  loadDataset,
  locateIdxFiles,
  readDataFile,
  readJsonFile,
  resolveDataDir,
} from '../data/index.ts';
import { parseNetSpec, type NetSpec } from '../nn/spec.ts';
import type { Study } from './study-spec.ts';

/** MNIST and Fashion-MNIST: 28×28 images (plus the padding on each side), 10 classes. */
const idxSize = (pad: number) => ({ inputs: (28 + 2 * pad) ** 2, classes: 10 });

export function checkStudy(study: Study): void {
  const folder = dirname(study.path);
  const nets = new Map<string, NetSpec>();
  const checked = new Set<string>();
  for (const { config } of study.cells) {
    if (!nets.has(config.net)) {
      nets.set(config.net, parseNetSpec(readJsonFile(resolve(folder, config.net)), config.net));
    }
    const key = `${config.net}\n${config.dataset}\n${config.pad}`;
    if (checked.has(key)) continue;
    checked.add(key);
    const spec = nets.get(config.net)!;
    const inputs = spec.input.reduce((a, b) => a * b, 1);
    const last = spec.layers[spec.layers.length - 1]!;
    if (last.type !== 'dense') throw new InputError(`${config.net}: the last layer must be dense`);
    let size: { inputs: number; classes: number };
    if (isIdxDatasetName(config.dataset)) {
      for (const part of ['train', 'test'] as const) {
        locateIdxFiles(config.dataset, part, resolveDataDir(config.dataset));
      }
      size = idxSize(config.pad);
    } else if (config.pad !== 0) {
      throw new InputError(`${study.path}: pad applies to fashion-mnist and mnist, not to ${config.dataset}`);
    } else if (/\.(json|csv|csv\.gz)$/i.test(config.dataset)) {
      readDataFile(resolve(folder, config.dataset), inputs, last.units);
      size = { inputs, classes: last.units };
    } else {
      const data = loadDataset(config.dataset);
      size = { inputs: data.inputs[0]!.length, classes: data.classes };
    }
    if (size.inputs !== inputs || size.classes !== last.units) {
      throw new InputError(
        `${study.path}: dataset ${config.dataset} has ${size.inputs} inputs and ${size.classes} classes, ` +
          `but net ${config.net} takes ${inputs} and has ${last.units} outputs`,
      );
    }
  }
}
