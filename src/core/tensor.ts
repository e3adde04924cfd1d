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

/** Flatten nested number arrays of the given shape into a Float64Array; returns null on a shape mismatch or a non-number. */
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

/** Describe the shape of a nested array, for error messages ("[32][64]", "[3][?]"). */
export function describeNested(value: unknown): string {
  let s = '';
  let v = value;
  while (Array.isArray(v)) {
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

/** A value for an error message: one line, at most 40 characters. */
export function describeValue(value: unknown): string {
  const text = (typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value))).replace(/[\u2028\u2029]/g, ' ');
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
