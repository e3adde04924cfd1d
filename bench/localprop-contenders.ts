/** localprop's two engines as contenders, built through createEngine like the CLI builds them. */
import { createEngine } from '../src/engines/index.ts';
import type { EngineName } from '../src/nn/engine.ts';
import { threadCount } from '../src/engines/threads/thread-pool.ts';
import type { Contender, Trainer } from './contender.ts';

function engineContender(engine: EngineName, label: string): Contender {
  return {
    id: engine,
    label,
    note: '',
    written:
      engine === 'matrix'
        ? 'createEngine("matrix"): learnBatch(inputs, targets) per minibatch (learn(x, t) at batch 1), then step(η)'
        : 'createEngine("agents"): learn(x, t) per pattern (learnBatch where it has one), then step(η)',
    supports: () => true,
    async create({ spec, params, data, η }, B) {
      const e = createEngine(engine, spec, params, { rule: 'backprop' });
      const n = data.inputs.length;
      const trainer: Trainer = {
        // Minibatches of 16 or more are split over this many threads (the matrix engine; the same numbers).
        details: { threads: engine === 'matrix' ? threadCount() : 1 },
        run(start, count) {
          let E = 0;
          for (let s = 0; s < count; s += B) {
            if (B > 1 && e.learnBatch) {
              // The batch as one call, as the training loop presents it (nn/sgd.ts).
              const ks = Array.from({ length: B }, (_, p) => (start + s + p) % n);
              for (const e_p of e.learnBatch(
                ks.map((k) => data.inputs[k]!),
                ks.map((k) => data.targets[k]!),
              ))
                E += e_p;
            } else {
              for (let p = 0; p < B; p++) {
                const k = (start + s + p) % n;
                E += e.learn(data.inputs[k]!, data.targets[k]!);
              }
            }
            e.step(η);
          }
          return E;
        },
        evaluate(start, count) {
          let E = 0;
          for (let s = 0; s < count; s++) {
            const k = (start + s) % n;
            E += e.evaluate(data.inputs[k]!, data.targets[k]!);
          }
          return E;
        },
      };
      return trainer;
    },
  };
}

export const matrixContender = engineContender('matrix', 'localprop matrix');
export const agentsContender = engineContender('agents', 'localprop agents');
