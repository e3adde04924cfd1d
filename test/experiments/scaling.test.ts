import { describe, expect, it } from 'vitest';
import experiment from '../../experiments/10-scaling.ts';
import { context } from './context.ts';

type Budget = (typeof experiment.budgets)['quick'];
const tiny: Budget = { exponents: [2, 3], perDecade: 2, millis: 4, reps: 1 };

interface Data {
  nets: { width: number; net: string; neurons: number; synapses: number }[];
}
interface Timings {
  runs: { net: string; engine: string; microsecondsPerPattern: number }[];
  fits: { engine: string; slope: number }[];
}

describe('experiment 10 scaling', () => {
  it('sizes the nets n-n-10 to the synapse counts asked for, keeps times out of data, \
and times both engines', async () => {
    const result = await experiment.run(context(experiment, tiny));
    const data = result.data as Data;
    expect(data.nets.map((n) => n.synapses)).toEqual(data.nets.map((n) => n.width * n.width + 11 * n.width + 10));
    expect(data.nets[0]!.synapses / 100).toBeGreaterThan(0.8);
    expect(data.nets[0]!.synapses / 100).toBeLessThan(1.25);
    expect(data.nets[data.nets.length - 1]!.synapses / 1000).toBeGreaterThan(0.9);
    expect(data.nets[data.nets.length - 1]!.synapses / 1000).toBeLessThan(1.1);
    const timings = result.timings as Timings;
    for (const engine of ['matrix', 'agents']) {
      const runs = timings.runs.filter((r) => r.engine === engine);
      expect(runs).toHaveLength(data.nets.length);
      for (const r of runs) expect(r.microsecondsPerPattern).toBeGreaterThan(0);
    }
    expect(timings.fits.map((f) => f.engine)).toEqual(['matrix', 'agents']);
    expect(JSON.stringify(result.data)).toBe(JSON.stringify((await experiment.run(context(experiment, tiny))).data));
  });
});
