/**
 * Small multiples of rasters: one square image per panel, drawn from rows {panel, row, col, value}
 * as cells in a diverging colour scale centred on 0 (red positive, blue negative), e.g. a conv
 * net's kernels, or an input and the error pushed back to it.
 */
import { chartTitle, type Row } from './chart-spec.ts';
import type { VegaLiteSpec } from './experiment.ts';

export interface RasterChartOptions {
  title: string;
  subtitle: string;
  /** Rows {panel, row, col, value}. */
  values: Row[];
  /** The panels in reading order. */
  panels: string[];
  columns: number;
  /** Side of one cell in pixels, and cells per side of an image. */
  cell: number;
  size: number;
  /** The colour legend's title. */
  legend: string;
  /** The colour scale spans [−extent, extent]. */
  extent: number;
}

export function rasterChart(o: RasterChartOptions): VegaLiteSpec {
  return {
    title: chartTitle(o.title, o.subtitle),
    data: { values: o.values },
    facet: { field: 'panel', type: 'nominal', sort: o.panels, header: { title: null } },
    columns: o.columns,
    spec: {
      width: o.cell * o.size,
      height: o.cell * o.size,
      mark: { type: 'rect', stroke: '#fff', strokeWidth: 0.5 },
      encoding: {
        x: { field: 'col', type: 'ordinal', axis: null },
        y: { field: 'row', type: 'ordinal', axis: null },
        color: {
          field: 'value',
          type: 'quantitative',
          title: o.legend,
          scale: { scheme: 'redblue', reverse: true, domain: [-o.extent, o.extent] },
        },
        tooltip: [{ field: 'value', type: 'quantitative', format: '.3f' }],
      },
    },
  };
}
