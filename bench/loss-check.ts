/**
 * The check every contender passes before it is timed, the same for all (pytorch.py does the
 * same steps): from the initial weights, the mean loss Ē over the first P patterns, one pass of
 * training over them in steps of B, and Ē again. It passes when both are finite and Ē fell. A
 * contender that fails it is not timed: its speed would be the speed of computing something else.
 */
import type { Trainer } from './contender.ts';

export interface LossCheck {
  patterns: number;
  batch: number;
  /** Mean E per pattern over the P patterns, before and after one pass of training on them. */
  lossBefore: number;
  lossAfter: number;
  /** Mean E of the very first step (the same weights and patterns for every contender). */
  firstStepLoss: number;
  passed: boolean;
  reason?: string;
}

/** Why a check with these losses fails, or null when it passes. */
export function checkFailure(lossBefore: number, lossAfter: number, firstStepLoss: number): string | null {
  const losses = `${short(lossBefore)} before, ${short(lossAfter)} after one pass`;
  if (![lossBefore, lossAfter, firstStepLoss].every(Number.isFinite)) return `the loss is not finite (${losses})`;
  if (!(lossAfter < lossBefore)) return `the loss did not fall (${losses})`;
  return null;
}

/** Five significant digits, as pytorch.py writes them too ("%.5g"). */
const short = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(5))) : String(v));

export function checkLoss(trainer: Trainer, batch: number, patterns: number): LossCheck {
  if (patterns % batch !== 0) throw new Error(`loss check: ${patterns} patterns are not a multiple of batch ${batch}`);
  const lossBefore = trainer.evaluate(0, patterns) / patterns;
  const firstStepLoss = trainer.run(0, batch) / batch;
  if (patterns > batch) trainer.run(batch, patterns - batch);
  const lossAfter = trainer.evaluate(0, patterns) / patterns;
  const reason = checkFailure(lossBefore, lossAfter, firstStepLoss);
  return {
    patterns,
    batch,
    lossBefore,
    lossAfter,
    firstStepLoss,
    passed: reason === null,
    ...(reason === null ? {} : { reason }),
  };
}
