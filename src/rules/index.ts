/**
 * The rules table: every learning rule, by name, in the order the CLI, the experiments and the
 * report list them. Each entry is one module of this folder holding the rule's matrix form and its
 * agent behaviour side by side (rule.ts says what a rule provides). Adding a rule is adding its
 * module and one entry here; its name and options then reach RuleName and RuleOptions by themselves.
 */
import type { Behaviour } from '../agents/behaviour.ts';
import { InputError } from '../core/errors.ts';
import type { Network } from '../nn/network.ts';
import type { NetSpec } from '../nn/spec.ts';
import { backpropRule } from './backprop.ts';
import { directFeedbackAlignmentRule } from './direct-feedback-alignment.ts';
import { feedbackAlignmentRule } from './feedback-alignment.ts';
import { mergedRule } from './merged.ts';
import { predictiveCodingRule } from './predictive-coding.ts';
import type { MatrixRule, Rule } from './rule.ts';
import { batchwiseRandomSignRule, fixedRandomSignRule, uniformSignRule } from './sign-symmetry.ts';

export const RULES = {
  backprop: backpropRule,
  merged: mergedRule,
  'predictive-coding': predictiveCodingRule,
  'feedback-alignment': feedbackAlignmentRule,
  'direct-feedback-alignment': directFeedbackAlignmentRule,
  usf: uniformSignRule,
  brsf: batchwiseRandomSignRule,
  frsf: fixedRandomSignRule,
};

export type RuleName = keyof typeof RULES;
export const RULE_NAMES = Object.keys(RULES) as readonly RuleName[];

/** A rule's name and the options of every rule, each optional (one flat bag, as the CLI's flags). */
export type RuleOptions = { rule: RuleName } & AllOf<OptionsOf<(typeof RULES)[RuleName]>>;
type OptionsOf<R> = R extends Rule<infer O> ? O : never;
/** A | B | C → A & B & C. */
type AllOf<U> = (U extends unknown ? (u: U) => void : never) extends (all: infer I) => void ? I : never;

/** The rule of that name; InputError for a name not in the table. */
export function ruleNamed(name: string): Rule<RuleOptions> {
  if (!Object.hasOwn(RULES, name)) {
    throw new InputError(`unknown rule ${JSON.stringify(name)}; expected one of ${RULE_NAMES.join(', ')}`);
  }
  return RULES[name as RuleName];
}

/**
 * The rules that take pool layers (README, Formats): those whose error goes back layer by layer
 * through each layer's own backward pass, which a pool layer has (merged and predictive coding send
 * their top-down signal through it the same way), and direct feedback alignment, where a pool layer
 * hears the output error like any hidden layer but has nothing to learn from it. Today every rule
 * does; a rule that could not would say so (`pools`) and be refused a net with one.
 */
export const POOLING_RULES: readonly RuleName[] = RULE_NAMES.filter((name) => RULES[name].pools);

function refusePooling(name: string, spec: NetSpec): void {
  const l = spec.layers.findIndex((layer) => layer.type === 'pool');
  if (l >= 0 && !(POOLING_RULES as readonly string[]).includes(name)) {
    const these = POOLING_RULES.join(', ');
    throw new InputError(`rule ${name} does not take pool layers (layers[${l}]); these do: ${these}`);
  }
}

/** The matrix form of a rule, for this network. Bad option values throw InputError. */
export function createMatrixRule(options: RuleOptions, net: Network): MatrixRule {
  const rule = ruleNamed(options.rule);
  refusePooling(options.rule, net.spec);
  return rule.matrix(options, net);
}

/** The agents engine's behaviour for a rule on this net; bad options are the same InputErrors as the matrix form's. */
export function createBehaviour(options: RuleOptions, spec: NetSpec): Behaviour {
  const rule = ruleNamed(options.rule);
  refusePooling(options.rule, spec);
  return rule.behaviour(options, spec);
}

export type { MatrixRule, Rule } from './rule.ts';
export * from './backprop.ts';
export * from './merged.ts';
export * from './predictive-coding.ts';
export * from './feedback-alignment.ts';
export * from './direct-feedback-alignment.ts';
export * from './sign-symmetry.ts';
export * from './alignment.ts';
