/** The report layer: the Experiment interface, discovery, the runner, rendering and the HTML report. */
export * from './chart-config.ts';
export * from './chart-spec.ts';
export * from './charts.ts';
export * from './discover.ts';
export * from './experiment.ts';
export * from './flow-player.ts';
export * from './html.ts';
export * from './paths.ts';
export * from './progress.ts';
export * from './raster-chart.ts';
export * from './render.ts';
export * from './report-page.ts';
export * from './runner.ts';
export * from './standalone.ts';
export * from './stats.ts';
export * from './summary.ts';
