import { describe, expect, it } from 'vitest';
import {
  FONT_FAMILY,
  renderPng,
  renderSvg,
  scopeSvgIds,
  seriesChart,
  type VegaLiteSpec,
} from '../../src/report/index.ts';

const values = [
  { x: 1, y: 2, s: 'a' },
  { x: 2, y: 3, s: 'a' },
  { x: 3, y: 1, s: 'a' },
  { x: 1, y: 1, s: 'b' },
  { x: 2, y: 2, s: 'b' },
  { x: 3, y: 3, s: 'b' },
];

const spec = (title: string): VegaLiteSpec =>
  seriesChart({
    title,
    values,
    x: { field: 'x', title: 'the x axis' },
    y: { field: 'y' },
    color: { field: 's' },
    mark: 'line+point',
    width: 300,
    height: 200,
  });

/** Pixels darker than mid-grey in rows [top, bottom) of an RGBA image on white. */
function darkPixels(img: { width: number; pixels: Uint8Array }, top: number, bottom: number): number {
  let n = 0;
  for (let row = top; row < bottom; row++) {
    for (let col = 0; col < img.width; col++) {
      const k = 4 * (row * img.width + col);
      if ((img.pixels[k]! + img.pixels[k + 1]! + img.pixels[k + 2]!) / 3 < 128) n++;
    }
  }
  return n;
}

describe('rendering in Node', () => {
  it('draws the expected marks into the SVG, in the shared font', async () => {
    const svg = await renderSvg(spec('Two series'));
    expect(svg.startsWith('<svg')).toBe(true);
    // Two series: one line each, and a point symbol per data point.
    expect(svg.match(/class="mark-line role-mark/g)?.length).toBe(2);
    expect(svg.match(/aria-roledescription="line mark"/g)?.length).toBe(2);
    expect(svg.match(/aria-roledescription="point"/g)?.length).toBe(values.length);
    expect(svg.match(/class="mark-symbol role-legend-symbol/g)?.length).toBe(2);
    expect(svg).toContain('Two series');
    expect(svg).toContain('the x axis');
    expect(svg).toContain(`font-family="${FONT_FAMILY}"`);
  });

  it('draws the text into the PNG: dark pixels where the title and axis title are', async () => {
    const title = 'A title drawn in DejaVu Sans';
    const drawn = renderPng(await renderSvg(spec(title)), 1);
    // The same layout with the title and axis titles painted white: what the strips hold without the glyphs.
    const ghost = {
      ...spec(title),
      config: { title: { color: 'white', subtitleColor: 'white' }, axis: { titleColor: 'white' } },
    } as VegaLiteSpec;
    const blank = renderPng(await renderSvg(ghost), 1);
    expect(drawn.png.subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47])); // "PNG"
    expect(drawn.pixels.length).toBe(4 * drawn.width * drawn.height);
    expect([blank.width, blank.height]).toEqual([drawn.width, drawn.height]);
    // The title sits in the top strip, above the plot; the x-axis title is the lowest text.
    const top = [0, 24] as const;
    const bottom = [drawn.height - 18, drawn.height] as const;
    expect(darkPixels(blank, ...top)).toBe(0);
    expect(darkPixels(drawn, ...top)).toBeGreaterThan(100);
    expect(darkPixels(blank, ...bottom)).toBe(0);
    expect(darkPixels(drawn, ...bottom)).toBeGreaterThan(20);
  });

  it('scales the PNG', async () => {
    const svg = await renderSvg(spec('t'));
    const one = renderPng(svg, 1);
    const two = renderPng(svg, 2);
    expect(two.width).toBe(2 * one.width);
    expect(two.height).toBe(2 * one.height);
  });

  it('renames SVG ids by scope, with their references, so pages can inline many charts', () => {
    const svg =
      '<svg><defs><clipPath id="clip7"><rect/></clipPath></defs><g clip-path="url(#clip7)"><use ' +
      'href="#clip7"/></g></svg>';
    const scoped = scopeSvgIds(svg, 'exp-chart');
    expect(scoped).toBe(
      '<svg><defs><clipPath id="exp-chart-1"><rect/></clipPath></defs><g ' +
        'clip-path="url(#exp-chart-1)"><use href="#exp-chart-1"/></g></svg>',
    );
  });

  it('gives the same SVG for the same spec, whatever was rendered before', async () => {
    // A clipped mark makes Vega emit a clipPath with a numbered id.
    const clipped = {
      data: { values },
      mark: { type: 'line', clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative', scale: { domain: [1, 2] } },
        y: { field: 'y', type: 'quantitative' },
      },
    } as VegaLiteSpec;
    const a = await renderSvg(clipped, 's');
    expect(a).toContain('clip-path="url(#s-1)"');
    await renderSvg(spec('something else'), 's');
    expect(await renderSvg(clipped, 's')).toBe(a);
  });
});
