import { describe, expect, it } from 'vitest';
import type { TraceRecord } from '../../src/agents/index.ts';
import experiment from '../../experiments/09-flow.ts';
import { context } from './context.ts';

interface Data {
  patterns: { startTick: number; boundaryTick: number }[];
  records: TraceRecord[];
  maxDifferenceToMatrix: number;
}

describe('experiment 09 flow', () => {
  it('records the two-phase schedule of a 3-4-2 net from the trace: forward, nudge, backward, \
local updates', async () => {
    const result = await experiment.run(context(experiment, { patterns: 2 }));
    const data = result.data as Data;
    expect(data.patterns.map((p) => p.startTick)).toEqual([0, 8]);
    const first = data.records.filter((r) => r.tick < data.patterns[0]!.boundaryTick);
    const ticksOf = (kind: string, layer: number): number[] => [
      ...new Set(first.filter((r) => r.kind === kind && r.layer === layer).map((r) => r.tick)),
    ];
    expect(ticksOf('activation', -1)).toEqual([0]);
    expect(ticksOf('activation', 0)).toEqual([1]);
    expect(ticksOf('activation', 1)).toEqual([2]);
    expect(ticksOf('nudge', 1)).toEqual([3]);
    expect(ticksOf('error', 1)).toEqual([4]);
    expect(ticksOf('error', 0)).toEqual([5]);
    // One weight-update event per synapse, biases included: 3·4 + 4 + 4·2 + 2.
    expect(first.filter((r) => r.kind === 'weight-update')).toHaveLength(26);
    expect(data.maxDifferenceToMatrix).toBeLessThanOrEqual(1e-12);
    expect(result.html).toMatch(/data-flow-player="flow"/);
    expect(Object.keys(result.specs)).toEqual(['space-time', 'messages']);
  });

  it('the animation has a frame per tick, plus one per weight-update tick; \
a hidden neuron keeps its state and switches from activation to error', async () => {
    const result = await experiment.run(context(experiment, { patterns: 1 }));
    const json = /<script type="application\/json">(.*?)<\/script>/s.exec(result.html!)![1]!;
    const frames = (JSON.parse(json) as { frames: { tick: number; n: number[][]; p: number[][]; lit: number[] }[] })
      .frames;
    // Ticks 0..7 (6 for the pattern, 2 for the batch boundary), and the two layers' update frames.
    expect(frames.map((f) => f.tick)).toEqual([0, 1, 2, 3, 4, 4, 5, 5, 6, 7]);
    // Hidden neuron h₁ is node 3 (after x₁..x₃): idle at tick 0, activation from tick 1 through 4, error from tick 5
    // on.
    const h1 = frames.map((f) => f.n[3]![0]);
    expect(h1).toEqual([0, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(frames[2]!.n[3]![1]).toBe(0);
    expect(frames[6]!.n[3]![1]).toBe(1);
    // Tick 1: h's activations leave forwards; tick 4: the output errors go backwards; the update frame rings the
    // presynaptic h.
    expect(frames[1]!.p.every((p) => p[1] === 1)).toBe(true);
    expect(frames[4]!.p.length).toBeGreaterThan(0);
    expect(frames[4]!.p.every((p) => p[1] === -1)).toBe(true);
    expect(frames[5]!.lit).toEqual([3, 4, 5, 6]);
  });

  it('gives byte-identical data for the same seed', async () => {
    const a = JSON.stringify((await experiment.run(context(experiment, { patterns: 2 }))).data);
    const b = JSON.stringify((await experiment.run(context(experiment, { patterns: 2 }))).data);
    expect(a).toBe(b);
  });
});
