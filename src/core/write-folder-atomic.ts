import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { makeDirs } from './make-dirs.ts';
import { basename, dirname, join } from 'node:path';

/**
 * Replace a whole folder with the given files so that, whenever the process stops, the folder
 * holds either all of the old files or all of the new ones: write a staging sibling, then swap
 * it in with two renames. (Between the renames the folder is briefly absent, never mixed.)
 */
export function writeFolderAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>): void {
  const parent = dirname(dir);
  makeDirs(parent);
  const staging = join(parent, `.${basename(dir)}.${process.pid}.staging`);
  const old = join(parent, `.${basename(dir)}.${process.pid}.old`);
  rmSync(staging, { recursive: true, force: true });
  try {
    mkdirSync(staging);
    for (const [name, data] of files) writeFileSync(join(staging, name), data);
    rmSync(old, { recursive: true, force: true });
    let hadOld = true;
    try {
      renameSync(dir, old);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      hadOld = false;
    }
    renameSync(staging, dir);
    if (hadOld) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
