/**
 * One visual language: every committed Vega-Lite spec (results/**\/*.vl.json) colours rules and dashes
 * engines through the registry (RULE_STYLES, ENGINE_STYLES); every other nominal colour comes from
 * a palette that shares no colour with the rules; the dash means the engine and nothing else; no bar
 * stands on a log axis; accuracy is formatted as a percentage.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineDash, ENGINE_STYLES, OTHER_COLOURS, ruleColour, RULE_STYLES } from '../../src/report/index.ts';

const RESULTS = join(import.meta.dirname, '..', '..', 'results');

function specFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return specFiles(path);
    return name.endsWith('.vl.json') ? [path] : [];
  });
}

type Json = Record<string, unknown>;
interface Unit {
  mark: unknown;
  encoding: Json;
}

/**
 * Every unit (mark + encoding) of a spec, through layers, facets and concatenations; the parent's encoding is
 * inherited.
 */
function units(spec: Json, inherited: Json = {}): Unit[] {
  const encoding = { ...inherited, ...((spec.encoding as Json) ?? {}) };
  const out: Unit[] = [];
  if (spec.mark !== undefined) out.push({ mark: spec.mark, encoding });
  for (const key of ['layer', 'vconcat', 'hconcat', 'concat'])
    for (const child of (spec[key] as Json[]) ?? []) out.push(...units(child, encoding));
  if (spec.spec) out.push(...units(spec.spec as Json, encoding));
  return out;
}

const markType = (mark: unknown): string => (typeof mark === 'string' ? mark : ((mark as Json).type as string));
const RULE_COLOURS = new Set(RULE_STYLES.map((r) => r.colour));

/** What is wrong with one unit's encodings, as sentences. */
function problems(unit: Unit, facet: Json | undefined): string[] {
  const out: string[] = [];
  for (const channel of ['color', 'fill', 'stroke']) {
    const def = unit.encoding[channel] as Json | undefined;
    if (!def || def.field === undefined || def.type === 'quantitative') continue;
    const scale = (def.scale as Json | undefined) ?? {};
    const domain = scale.domain as string[] | undefined;
    const range = scale.range as string[] | undefined;
    if (def.field === 'engine') out.push(`${channel} encodes the engine: the engine is the dash`);
    else if (def.field === 'rule') {
      if (!domain || !range) out.push(`${channel} of rule has no fixed domain and range`);
      else
        domain.forEach((name, k) => {
          const style = RULE_STYLES.find((r) => r.name === name || r.label === name);
          if (!style) out.push(`rule ${name} is not in the registry`);
          else if (range[k] !== style.colour)
            out.push(`rule ${name} drawn ${range[k]}, the registry says ${style.colour}`);
        });
      if (!(def.legend === null || typeof (def.legend as Json | undefined)?.labelExpr === 'string'))
        out.push('rule legend without the registry labels');
    } else if (!range)
      out.push(`${channel} of ${String(def.field)} has no fixed range (a default scheme may look like a rule)`);
    else
      for (const c of range)
        if (RULE_COLOURS.has(c)) out.push(`${channel} of ${String(def.field)} uses the rule colour ${c}`);
  }
  const dash = unit.encoding.strokeDash as Json | undefined;
  if (dash?.field !== undefined) {
    if (dash.field !== 'engine') out.push(`the dash encodes ${String(dash.field)}: it is reserved for the engine`);
    const scale = (dash.scale as Json | undefined) ?? {};
    const domain = (scale.domain as string[] | undefined) ?? [];
    const range = (scale.range as number[][] | undefined) ?? [];
    if (domain.length === 0) out.push('engine dash without a fixed domain');
    domain.forEach((name, k) => {
      const style = ENGINE_STYLES.find((e) => e.name === name);
      if (!style || JSON.stringify(range[k]) !== JSON.stringify(style.dash))
        out.push(`engine ${name} dashed ${JSON.stringify(range[k])}`);
    });
  }
  if (['bar', 'rect'].includes(markType(unit.mark))) {
    for (const axis of ['x', 'y']) {
      const def = unit.encoding[axis] as Json | undefined;
      if (markType(unit.mark) === 'bar' && (def?.scale as Json | undefined)?.type === 'log')
        out.push(`a bar on a log ${axis} axis`);
    }
  }
  for (const axis of ['x', 'y']) {
    const def = unit.encoding[axis] as Json | undefined;
    if (
      typeof def?.field === 'string' &&
      /accuracy/i.test(def.field) &&
      !/%/.test(String((def.axis as Json | undefined)?.format ?? ''))
    )
      out.push(`${def.field} on ${axis} is not shown as a percentage`);
  }
  if (
    facet &&
    ((facet as Json).field === 'rule' || (facet as Json).field === 'engine') &&
    !(unit.encoding.color as Json | undefined)
  )
    out.push('a facet by rule without the rule colour');
  return out;
}

describe('one visual language', () => {
  const files = specFiles(RESULTS);

  it('finds the committed specs', () => expect(files.length).toBeGreaterThan(15));

  for (const file of files) {
    it(`${relative(RESULTS, file)} uses the registry`, () => {
      const spec = JSON.parse(readFileSync(file, 'utf8')) as Json;
      const found = units(spec).flatMap((u) => problems(u, spec.facet as Json | undefined));
      expect(found).toEqual([]);
    });
  }

  it('the check can fail: an ad-hoc rule colour, a default palette and a dash on something else are caught', () => {
    const bad: Unit = {
      mark: 'line',
      encoding: {
        color: {
          field: 'rule',
          type: 'nominal',
          scale: { domain: ['merged'], range: ['#ff0000'] },
          legend: { labelExpr: 'x' },
        },
        strokeDash: { field: 'set', type: 'nominal' },
      },
    };
    expect(problems(bad, undefined)).toEqual([
      'rule merged drawn #ff0000, the registry says #e7298a',
      'the dash encodes set: it is reserved for the engine',
      'engine dash without a fixed domain',
    ]);
    expect(problems({ mark: 'point', encoding: { color: { field: 'layer', type: 'nominal' } } }, undefined)).toEqual([
      'color of layer has no fixed range (a default scheme may look like a rule)',
    ]);
    expect(problems({ mark: 'bar', encoding: { y: { field: 'worst', scale: { type: 'log' } } } }, undefined)).toEqual([
      'a bar on a log y axis',
    ]);
  });

  it('the registry gives every rule one colour and one label, every engine one dash, \
and the other palette no rule colour', () => {
    expect(new Set(RULE_STYLES.map((r) => r.colour)).size).toBe(RULE_STYLES.length);
    expect(new Set(ENGINE_STYLES.map((e) => JSON.stringify(e.dash))).size).toBe(ENGINE_STYLES.length);
    expect(OTHER_COLOURS.filter((c) => RULE_COLOURS.has(c))).toEqual([]);
    expect(ruleColour(['feedback alignment', 'backprop']).palette!.range).toEqual(['#1b9e77', '#222222']);
    expect(engineDash().dashes!.range).toEqual([
      [1, 0],
      [6, 3],
      [2, 2],
    ]);
  });
});
