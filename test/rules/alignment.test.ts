import { describe, expect, it } from 'vitest';
import { Network } from '../../src/nn/network.ts';
import {
  angleBetween,
  backprop,
  feedbackAngles,
  layerAngles,
  relativeError,
  updateAlignment,
  updateAndGradient,
} from '../../src/rules/index.ts';
import { Merged } from '../../src/rules/merged.ts';
import { backpropGradient, fixture, NETS } from './helpers.ts';

describe('alignment metrics', () => {
  it('angleBetween: 0° same direction, 180° opposite, 90° orthogonal, 45°, across pieces; \
NaN with a zero vector', () => {
    expect(angleBetween([[1, 2]], [[2, 4]])).toBeCloseTo(0, 6);
    expect(angleBetween([[1, 2]], [[-1, -2]])).toBeCloseTo(180, 10);
    expect(angleBetween([[1, 0], [0]], [[0, 1], [0]])).toBeCloseTo(90, 12);
    expect(angleBetween([[1], [0]], [[1], [1]])).toBeCloseTo(45, 12);
    expect(angleBetween([[0, 0]], [[1, 1]])).toBeNaN();
    expect(() => angleBetween([[1, 2]], [[1]])).toThrow();
  });

  it('layerAngles joins weights and bias of each layer', () => {
    const a = { layers: [{ weights: Float64Array.of(1, 0), bias: Float64Array.of(0) }] };
    const b = { layers: [{ weights: Float64Array.of(0, 0), bias: Float64Array.of(1) }] };
    expect(layerAngles(a, b)).toEqual([90]);
  });

  it('back-prop against itself: 0° in every layer; a small-β merged update is nearly aligned', () => {
    const f = fixture(NETS.softmax3, 1);
    const net = new Network(f.spec, f.params);
    for (const a of updateAlignment(net, backprop, f.inputs, f.targets)) expect(a).toBeLessThan(1e-6);
    const merged = updateAlignment(net, new Merged(net, { β: 1e-3, symmetric: true }), f.inputs, f.targets);
    for (const a of merged) expect(a).toBeLessThan(0.01);
  });

  it("updateAndGradient gives back-prop's gradient beside the rule's update", () => {
    const f = fixture(NETS.mse2, 1);
    const net = new Network(f.spec, f.params);
    const { update, gradient } = updateAndGradient(
      net,
      new Merged(net, { β: 0.1, symmetric: false }),
      f.inputs,
      f.targets,
    );
    expect(relativeError(gradient, backpropGradient(f))).toBe(0);
    expect(relativeError(update, gradient)).toBeGreaterThan(0);
  });

  it('feedbackAngles compares W with B per layer, null where there is no B', () => {
    const f = fixture(NETS.softmax3, 1);
    const B = f.params.layers.map((p, l) =>
      l === 0 ? null : l === 1 ? Float64Array.from(p.weights, (w) => 3 * w) : Float64Array.from(p.weights, (w) => -w),
    );
    const angles = feedbackAngles(f.params, B);
    expect(angles[0]).toBeNull();
    expect(angles[1]).toBeCloseTo(0, 6);
    expect(angles[2]).toBeCloseTo(180, 6);
  });

  it('relativeError is ‖u − g‖/‖g‖ over all layers', () => {
    const g = { layers: [{ weights: Float64Array.of(3), bias: Float64Array.of(4) }] };
    const u = { layers: [{ weights: Float64Array.of(3), bias: Float64Array.of(5) }] };
    expect(relativeError(u, g)).toBeCloseTo(1 / 5, 15);
  });
});
