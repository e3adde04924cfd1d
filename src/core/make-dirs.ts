/**
 * mkdir -p, walking the path ourselves: Node's recursive mkdir spins forever on some paths in
 * pseudo-filesystems (mkdir under /proc answers ENOENT for a parent that exists), so each missing
 * folder is made once, from the top down, and the first failure is thrown as it is.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    let exists = true;
    try {
      statSync(d);
    } catch {
      exists = false;
    }
    if (exists || dirname(d) === d) break;
    missing.push(d);
  }
  for (const d of missing.reverse()) mkdirSync(d);
}
