/**
 * The one check of an --out path, made by every command before any work starts (README, Exit
 * codes). Bad input (exit 2) when the path is
 *   - empty (an unset shell variable),
 *   - one of the command's own inputs, or inside an input folder,
 *   - in a pseudo-filesystem (/proc, /sys, /dev, …), where files are not files,
 *   - a special file (FIFO, socket, device), or a folder where a file is meant, or a file where a folder is,
 *   - not creatable: its nearest existing ancestor is not a folder we may write in.
 * "-" and /dev/stdout mean standard output (for a file). A symlink is followed: the file it
 * points to is replaced, the link stays; a link to nothing is refused.
 */
import { accessSync, constants, lstatSync, realpathSync, statfsSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.ts';
import { describeValue } from '../core/tensor.ts';
import { writeFileAtomic } from '../core/write-atomic.ts';

export type OutFile = { kind: 'stdout' } | { kind: 'file'; path: string };

/** What the command reads: files it must not overwrite, folders it must not write into. */
export interface CommandInputs {
  files?: (string | undefined)[];
  folders?: (string | undefined)[];
}

const STDOUT_NAMES = ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1'];
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];
/** statfs f_type of filesystems that hold no ordinary files (linux/magic.h). */
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x74726163, 'tracefs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0x1cd1, 'devpts'],
  [0xde5e81e4, 'efivarfs'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
  [0x6e736673, 'nsfs'],
]);

const stat = (path: string): Stats | null => {
  try {
    return statSync(path);
  } catch {
    return null;
  }
};

function special(s: Stats): string | null {
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return null;
}

const isInside = (path: string, folder: string): boolean => {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** The real path of `path`, following symlinks; for a path not there yet, its nearest existing ancestor's. */
function realTarget(path: string, flag: string): string {
  const name = `${flag} ${describeValue(path)}`;
  const absolute = resolve(path);
  let link: Stats | null = null;
  try {
    link = lstatSync(absolute);
  } catch {
    link = null;
  }
  if (link?.isSymbolicLink() && stat(absolute) === null) {
    throw new InputError(`${name} is a symlink to nothing; give a file name`);
  }
  let existing = absolute;
  const rest: string[] = [];
  while (stat(existing) === null && dirname(existing) !== existing) {
    rest.unshift(existing.slice(dirname(existing).length).replace(/^[/\\]/, ''));
    existing = dirname(existing);
  }
  let real = existing;
  try {
    real = realpathSync(existing);
  } catch {
    real = existing;
  }
  return rest.length === 0 ? real : join(real, ...rest);
}

/** Refuse a path whose nearest existing ancestor lies in a pseudo-filesystem. */
function checkNotPseudo(target: string, path: string, flag: string): void {
  const name = `${flag} ${describeValue(path)}`;
  let existing = target;
  while (stat(existing) === null && dirname(existing) !== existing) existing = dirname(existing);
  const root = PSEUDO_ROOTS.find((r) => isInside(existing, r) && existing !== '/');
  let fs: string | undefined;
  try {
    fs = PSEUDO_FS.get(Number(statfsSync(existing).type));
  } catch {
    fs = undefined;
  }
  if (root !== undefined || fs !== undefined) {
    const where = fs ? `${existing} is in a ${fs} filesystem` : `${root} is a pseudo-filesystem`;
    throw new InputError(`${name}: ${where}, which holds no ordinary files`);
  }
}

/** The nearest existing ancestor of `target`'s folder must be a folder we may write in. */
function checkCreatable(target: string, path: string, flag: string): void {
  const name = `${flag} ${describeValue(path)}`;
  let dir = dirname(target);
  while (stat(dir) === null && dirname(dir) !== dir) dir = dirname(dir);
  if (!stat(dir)!.isDirectory()) throw new InputError(`${name}: ${dir} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(`${name}: cannot write in ${dir}`);
  }
}

/** Refuse a target that is one of the inputs (the same file by device and inode, or by path) or in an input folder. */
function checkNotInput(target: string, path: string, flag: string, inputs: CommandInputs): void {
  const name = `${flag} ${describeValue(path)}`;
  const t = stat(target);
  for (const input of inputs.files ?? []) {
    if (input === undefined) continue;
    const s = stat(input);
    const same = s && t ? s.dev === t.dev && s.ino === t.ino : resolve(input) === target;
    if (same) {
      throw new InputError(`${name} is ${describeValue(input)}, one of this command's inputs; give another file name`);
    }
  }
  for (const folder of inputs.folders ?? []) {
    if (folder === undefined || folder === '') continue;
    const real = realTarget(folder, flag);
    if (isInside(target, real)) {
      throw new InputError(
        `${name} lies inside ${describeValue(folder)}, a folder this command reads; write elsewhere`,
      );
    }
  }
}

function checkNotEmpty(path: string, flag: string, what: string): void {
  if (path.trim() === '') throw new InputError(`${flag} is empty (an unset shell variable?); give a ${what}`);
}

/** Check an output file (init, train): returns where to write, standard output for "-" and /dev/stdout. */
export function checkOutFile(path: string, inputs: CommandInputs = {}, flag = '--out'): OutFile {
  const name = `${flag} ${describeValue(path)}`;
  checkNotEmpty(path, flag, 'file name');
  if (path === '-' || STDOUT_NAMES.includes(resolve(path))) return { kind: 'stdout' };
  const target = realTarget(path, flag);
  checkNotPseudo(target, path, flag);
  const s = stat(target);
  if (s?.isDirectory()) throw new InputError(`${name} is a folder; give a file name`);
  const kind = s ? special(s) : null;
  if (kind) throw new InputError(`${name} is ${kind}, not a regular file; localprop replaces only those`);
  checkNotInput(target, path, flag, inputs);
  checkCreatable(target, path, flag);
  return { kind: 'file', path: target };
}

/** Check an output folder (run, report): it may exist, as a folder, and its index.html, if there, must be a file. */
export function checkOutFolder(path: string, inputs: CommandInputs = {}, flag = '--out'): string {
  const name = `${flag} ${describeValue(path)}`;
  checkNotEmpty(path, flag, 'folder');
  if (path === '-' || STDOUT_NAMES.includes(resolve(path))) {
    throw new InputError(`${name}: standard output cannot hold a results folder; give a folder`);
  }
  const target = realTarget(path, flag);
  checkNotPseudo(target, path, flag);
  const s = stat(target);
  if (s && !s.isDirectory()) throw new InputError(`${name} is ${special(s) ?? 'a file'}; give a folder`);
  const index = stat(join(target, 'index.html'));
  if (index && !index.isFile()) {
    throw new InputError(`${name}: ${join(target, 'index.html')} is not a regular file, so no report can go there`);
  }
  checkNotInput(target, path, flag, inputs);
  checkCreatable(join(target, 'index.html'), path, flag);
  return target;
}

/** Write text, whole or in pieces, to a checked --out: atomically to a file, or to standard output. */
export function writeOut(out: OutFile, data: string | Iterable<string>): void {
  if (out.kind === 'stdout') {
    if (typeof data === 'string') process.stdout.write(data);
    else for (const piece of data) process.stdout.write(piece);
    return;
  }
  try {
    writeFileAtomic(out.path, data);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InputError(`--out ${out.path}: cannot write (${reason})`);
  }
}

/** Standard output as an OutFile, for commands that print when no --out is given. */
export const STDOUT: OutFile = { kind: 'stdout' };
