/**
 * localprop's public API: `import { … } from 'localprop'`. Everything a script needs is re-exported
 * here; what is not is internal and may change. See the README, "Use it from your own project".
 *
 *   net specs and params   parseNetSpec, initParams, paramsToJSON, paramsFromJSON
 *   engines                createEngine('matrix' | 'agents', spec, params, { rule }), MatrixEngine, AgentsEngine
 *   rules                  RULE_NAMES, createMatrixRule, the alignment metrics
 *   training               train (per-pattern or minibatch SGD: w ← w − η·(1/B)·Σ_p ∂E_p/∂w), measure
 *   data sets              loadDataset('digits' | 'iris'), splitDataset, loadIdxDataset (Fashion-MNIST, MNIST)
 *   gradient check         checkNetwork, checkGradient
 *   experiments            the Experiment contract, runExperiments, runStandalone
 *   charts                 seriesChart, barChart, flowPlayer, renderSvg, renderPng, and summary statistics
 */

// Seeds and errors.
export { createRandom, type Random } from './core/random.ts';
export { DivergenceError, InputError } from './core/errors.ts';

// Net specs, params, activations and losses.
export {
  parseNetSpec,
  netSpecToJSON,
  resolveLayers,
  LOSS_NAMES,
  type NetSpec,
  type LayerSpec,
  type DenseSpec,
  type ConvSpec,
  type LossName,
  type ResolvedLayer,
} from './nn/spec.ts';
export {
  initParams,
  defaultInit,
  zerosLike,
  cloneParams,
  paramsToJSON,
  paramsFromJSON,
  INIT_NAMES,
  type Params,
  type LayerParams,
  type InitName,
} from './nn/params.ts';
export {
  ACTIVATION_NAMES,
  makeActivation,
  type ActivationSpec,
  type ActivationName,
  type Activation,
} from './nn/activation.ts';
export { makeLoss, type Loss } from './nn/loss.ts';
export { Network, type NetworkOptions, type GradientResult } from './nn/network.ts';

// Both engines, behind one interface.
export { ENGINE_NAMES, type Engine, type EngineName } from './nn/engine.ts';
export { createEngine, MatrixEngine } from './engines/index.ts';
export { AgentsEngine } from './engines/agents-engine.ts';
export { TraceRecorder, type TraceRecord } from './agents/trace.ts';

// The rule registry (one table: each rule's matrix form and agent behaviour) and the alignment metrics.
export {
  RULES,
  RULE_NAMES,
  ruleNamed,
  createMatrixRule,
  createBehaviour,
  type Rule,
  type RuleName,
  type RuleOptions,
  type MatrixRule,
} from './rules/index.ts';
export { angleBetween, layerAngles, relativeError, updateAlignment, updateAndGradient } from './rules/alignment.ts';

// Training.
export { train, measure, type Dataset, type TrainOptions, type EpochReport, type Metrics } from './nn/sgd.ts';

// Data sets.
export {
  loadDataset,
  loadDigits,
  loadIris,
  splitDataset,
  seededSubset,
  oneHot,
  parseBatch,
  readBatchFile,
  DATASET_NAMES,
  type DatasetName,
  type LabelledDataset,
} from './data/datasets.ts';
export { readDataFile } from './data/data-file.ts';
export {
  loadIdxDataset,
  IDX_DATASET_NAMES,
  type IdxDatasetName,
  type IdxDatasetOptions,
  type IdxPart,
} from './data/mnist.ts';

// The gradient check.
export { checkNetwork, type NetworkCheckOptions, type NetworkCheckResult } from './gradcheck/check-network.ts';
export { checkGradient } from './gradcheck/check-gradient.ts';
export type { GradcheckOptions, GradcheckResult, LossAt } from './gradcheck/gradcheck-result.ts';

// The experiment contract and the runner.
export {
  BUDGET_NAMES,
  type Experiment,
  type ExperimentContext,
  type ExperimentResult,
  type BudgetName,
  type HeadlineRow,
  type Json,
  type VegaLiteSpec,
} from './report/experiment.ts';
export { runExperiments, writeReport, type RunOptions } from './report/runner.ts';
export { runStandalone } from './report/standalone.ts';

// Chart builders, rendering and statistics.
export {
  seriesChart,
  barChart,
  decades,
  ruleColour,
  engineDash,
  type SeriesChartOptions,
  type BarChartOptions,
  type Channel,
} from './report/charts.ts';
export { type Row, chartTitle, vconcatCharts } from './report/chart-spec.ts';
export { rasterChart, type RasterChartOptions } from './report/raster-chart.ts';
export { flowPlayer, type FlowPlayerOptions } from './report/flow-player.ts';
export { renderSvg, renderPng } from './report/render.ts';
export { mean, median, sd, formatMeanSd, logLogFit } from './report/stats.ts';
