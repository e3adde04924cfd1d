/**
 * Every file localprop writes goes through writeFileAtomic (a temp file, then rename) or
 * writeFolderAtomic (a staging folder, then rename), so an interrupted or failed run never leaves
 * half a file or a half-replaced folder. This scans src/ for any other way of writing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', '..', 'src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('atomic writes', () => {
  const writers = [join('core', 'write-atomic.ts'), join('core', 'write-folder-atomic.ts')];
  it('no file in src/ but the two atomic writers in core/ writes files directly', () => {
    const direct =
      /\b(writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream|copyFileSync|openSync|writeSync)\s*\(/;
    const offenders = files(src)
      .filter((f) => !writers.includes(relative(src, f)))
      // Opening a file to read it ('r') is not writing.
      .filter((f) =>
        direct.test(
          readFileSync(f, 'utf8')
            .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
            .replace(/openSync\([^)]*'r'\)/g, ''),
        ),
      )
      .map((f) => relative(src, f));
    expect(offenders).toEqual([]);
    // The check can fail: write-atomic.ts itself is caught by it.
    expect(direct.test(readFileSync(join(src, 'core', 'write-atomic.ts'), 'utf8'))).toBe(true);
  });
});
