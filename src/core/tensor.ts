/**
 * Tensors are plain Float64Arrays (float64 everywhere: engine equivalence to 1e-12 depends on it)
 * with their shape kept beside them. Layouts are row-major, PyTorch order.
 */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function zeros(n: number): Float64Array {
  return new Float64Array(n);
}

/**
 * Flatten nested number arrays of the given shape into a Float64Array; returns null on a shape mismatch or a
 * non-number.
 */
export function flattenNested(value: unknown, shape: Shape): Float64Array | null {
  const out = new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, depth: number): boolean => {
    if (depth === shape.length) {
      if (typeof v !== 'number') return false;
      out[k++] = v;
      return true;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) return false;
    for (const item of v) if (!walk(item, depth + 1)) return false;
    return true;
  };
  return walk(value, 0) ? out : null;
}

/** Describe the shape of a nested array, for error messages ("[32][64]", "[3][?]"); at most about 80 characters. */
export function describeNested(value: unknown): string {
  let s = '';
  let v = value;
  while (Array.isArray(v)) {
    if (s.length >= QUOTE_LENGTH) return `${s}…`;
    s += `[${v.length}]`;
    v = v[0];
  }
  return s === '' ? typeof value : s;
}

/** Nest a flat array into the given shape, as plain JSON arrays. */
export function nest(data: ArrayLike<number>, shape: Shape): unknown {
  const build = (offset: number, depth: number): unknown => {
    const n = shape[depth]!;
    if (depth === shape.length - 1) return Array.from({ length: n }, (_, i) => data[offset + i]);
    const stride = sizeOf(shape.slice(depth + 1));
    return Array.from({ length: n }, (_, i) => build(offset + i * stride, depth + 1));
  };
  return shape.length === 0 ? data[0] : build(0, 0);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

/** True when no entry is infinite or NaN. */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

/** How much of a value an error message quotes. */
export const QUOTE_LENGTH = 80;

/**
 * A value for an error message: one line, at most QUOTE_LENGTH characters (then "…"), as JSON.
 * It never serialises more than it shows, so a 4 MB array or a 100 000-deep nesting costs nothing.
 */
export function describeValue(value: unknown): string {
  let text = '';
  const full = (): boolean => text.length > QUOTE_LENGTH;
  const walk = (v: unknown): void => {
    if (full()) return;
    if (Array.isArray(v)) {
      text += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) text += ',';
        walk(v[i]);
      }
      text += ']';
    } else if (v !== null && typeof v === 'object') {
      text += '{';
      let first = true;
      for (const key in v) {
        if (full()) break;
        if (!first) text += ',';
        first = false;
        text += `${quoteString(key)}:`;
        walk((v as Record<string, unknown>)[key]);
      }
      text += '}';
    } else if (typeof v === 'string') {
      text += quoteString(v);
    } else {
      // Numbers as JavaScript writes them (NaN, Infinity are shown as such, not as null).
      text += String(v);
    }
  };
  walk(value);
  return text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH)}…` : text;
}

/** A string as JSON, cut to QUOTE_LENGTH first, with the line and paragraph separators made visible. */
function quoteString(s: string): string {
  return JSON.stringify(s.length > QUOTE_LENGTH ? s.slice(0, QUOTE_LENGTH + 1) : s).replace(/[\u2028\u2029]/g, ' ');
}
