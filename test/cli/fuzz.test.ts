/**
 * Fuzzing the CLI's entry points (init, grad, train) in-process with random malformed specs,
 * params, batches, CSV files and IDX/gzip bytes. Whatever comes in, the run must end cleanly:
 * exit 0 (the input happened to be valid), 2 (bad input) or 3 (training diverged), exactly one
 * error line on stderr when it fails, no stack trace, no hang (a few tiny epochs at most), and
 * no file at --out, nor a temp file beside it, unless it succeeded.
 *
 * Then one property per class of problem found by hand: --out paths, special files as inputs,
 * unknown keys, targets that are not distributions, nets past the memory limit, damaged result
 * folders, and signals delivered through npm to a process group.
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectGracefulStop, interruptThroughNpm } from '../helpers/npm-interrupt.ts';
import { root } from './clean-failure.ts';

/** Numbers a spec might hold: small valid ones and the awkward ones, never a size that would take long to allocate. */
const specNumber = fc.oneof(
  fc.integer({ min: 1, max: 5 }),
  fc.constantFrom<unknown>(0, -1, 0.5, 1e300, 2 ** 31, '3', null, Number.MAX_SAFE_INTEGER + 2),
);
const activation = fc.oneof(
  fc.constantFrom<unknown>('identity', 'relu', 'softplus', 'logistic', 'tanh', 'swish', '', 7, null),
  fc.record(
    {
      name: fc.constantFrom<unknown>('tanh', 'relu', 'nope'),
      a: fc.constantFrom<unknown>(1.7159, 0, -1, 'x', null),
      b: fc.constantFrom<unknown>(0.6667, 1, null),
    },
    { requiredKeys: ['name'] },
  ),
);
const layer = fc.record(
  {
    type: fc.constantFrom<unknown>('dense', 'dense', 'conv', 'pool', 3),
    units: specNumber,
    filters: specNumber,
    kernel: specNumber,
    stride: specNumber,
    padding: fc.oneof(fc.integer({ min: 0, max: 2 }), specNumber),
    activation,
  },
  { requiredKeys: ['type'] },
);
const structuredSpec = fc
  .record(
    {
      input: fc.oneof(
        fc.array(specNumber, { minLength: 0, maxLength: 4 }),
        fc.constantFrom<unknown>([4], [1, 2, 2], 'x', null),
      ),
      layers: fc.oneof(fc.array(layer, { minLength: 0, maxLength: 3 }), fc.constantFrom<unknown>([], {}, null)),
      loss: fc.constantFrom<unknown>('mse', 'softmax-cross-entropy', 'hinge', null),
    },
    { requiredKeys: [] },
  )
  .map((v) => JSON.stringify(v));

/** Text that is JSON of the wrong shape, or not JSON at all, or JSON with NaN spelled in ways JSON can't hold. */
const junkText = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '{',
    '[1,2',
    '{"layers": [ {"weights": [[NaN]], "bias": [0]} ]}',
    '1e999',
    '\u0000\n\r',
    '\ufeff{}',
  ),
);

/** Params for the valid net below, with random corruption of one value or of the structure. */
const paramsText = fc.oneof(
  junkText,
  fc
    .tuple(
      fc.integer({ min: 0, max: 19 }),
      fc.constantFrom('0.1', 'null', '"NaN"', '1e999', '-1e999', '[]', '1e300', '{}'),
    )
    .map(([k, v]) => {
      const w = Array.from({ length: 20 }, (_, i) => (i === k ? v : String(((i * 7) % 5) / 10 - 0.2)));
      const row = (from: number, n: number) => `[${w.slice(from, from + n).join(',')}]`;
      return (
        `{"layers":[{"weights":[${row(0, 4)},${row(4, 4)},${row(8, 4)}],"bias":[0,0,0]},` +
        `{"weights":[${row(12, 3)},${row(15, 3)}],"bias":${row(18, 2)}}]}`
      );
    }),
);

const cell = fc.constantFrom('1', '0', '0.5', '-3', '1e-3', 'x', '', 'NaN', '1e999', '0x10', ' 2 ', '1,5');
const csvText = fc
  .tuple(
    fc.array(fc.array(cell, { minLength: 1, maxLength: 7 }), { minLength: 0, maxLength: 5 }),
    fc.constantFrom('\n', '\r\n'),
  )
  .map(([rows, eol]) => rows.map((r) => r.join(',')).join(eol));
const batchText = fc.oneof(
  junkText,
  fc
    .record({
      inputs: fc.array(
        fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom<unknown>(null, 'x')), {
          maxLength: 5,
        }),
        { maxLength: 3 },
      ),
      targets: fc.array(fc.array(fc.constantFrom<unknown>(0, 1, 0.5, null), { maxLength: 3 }), { maxLength: 3 }),
    })
    .map((v) => JSON.stringify(v)),
);

/** IDX bytes: random, or a valid file with a byte changed, cut short or grown, gzipped or not. */
const idxBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc
    .tuple(
      fc.integer({ min: 0, max: 40 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: -8, max: 3 }),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([at, value, grow, gzip, labels]) => {
      const n = 4;
      const raw = labels
        ? encodeIdx([n], Uint8Array.from([1, 2, 3, 4]))
        : encodeIdx(
            [n, 3, 2],
            Uint8Array.from({ length: n * 6 }, (_, k) => k),
          );
      const bytes = Uint8Array.from(raw);
      if (at < bytes.length) bytes[at] = value;
      const sized =
        grow >= 0 ? Uint8Array.from([...bytes, ...new Array(grow).fill(0)]) : bytes.subarray(0, bytes.length + grow);
      return gzip ? gzipSync(sized) : sized;
    }),
  fc.integer({ min: 1, max: 30 }).map((cut) => gzipSync(encodeIdx([4, 3, 2], new Uint8Array(24))).subarray(0, cut)),
);

const validNet = JSON.stringify({
  input: [4],
  layers: [
    { type: 'dense', units: 3, activation: 'tanh' },
    { type: 'dense', units: 2 },
  ],
  loss: 'softmax-cross-entropy',
});
const idxNet = JSON.stringify({
  input: [1, 3, 2],
  layers: [{ type: 'dense', units: 10 }],
  loss: 'softmax-cross-entropy',
});

type Case =
  | { command: 'init'; net: string }
  | { command: 'grad'; net: string; params: string; data: string; csv: boolean }
  | {
      command: 'train';
      net: string;
      params: string | null;
      data: string;
      csv: boolean;
      lr: string;
      batch: string;
      epochs: string;
    }
  | { command: 'idx'; files: Uint8Array[] };

const netText = fc.oneof(structuredSpec, junkText, fc.constant(validNet));
const dataFile = fc.oneof(
  batchText.map((data) => ({ data, csv: false })),
  csvText.map((data) => ({ data, csv: true })),
);
const caseArb: fc.Arbitrary<Case> = fc.oneof(
  netText.map((net) => ({ command: 'init' as const, net })),
  fc
    .tuple(fc.oneof(netText, fc.constant(validNet)), paramsText, dataFile)
    .map(([net, params, d]) => ({ command: 'grad' as const, net, params, ...d })),
  fc
    .tuple(
      fc.oneof(netText, fc.constant(validNet)),
      fc.option(paramsText),
      dataFile,
      fc.constantFrom('0.1', '0', '-1', 'NaN', 'x', '1e6'),
      fc.constantFrom('1', '2', '0', '1.5'),
      fc.constantFrom('1', '2', '0'),
    )
    .map(([net, params, d, lr, batch, epochs]) => ({
      command: 'train' as const,
      net,
      params,
      ...d,
      lr,
      batch,
      epochs,
    })),
  fc.array(idxBytes, { minLength: 4, maxLength: 4 }).map((files) => ({ command: 'idx' as const, files })),
);

let runs = 0;

/**
 * A fixed seed keeps CI reproducible. LOCALPROP_FUZZ_SEED (else LOCALPROP_FC_SEED, the seed of
 * every property test) explores elsewhere; LOCALPROP_FUZZ_RUNS runs each property longer.
 */
function fuzzRuns(runs: number): { numRuns: number; seed: number; endOnFailure: true } {
  const env = process.env;
  return {
    numRuns: Number(env['LOCALPROP_FUZZ_RUNS'] ?? runs),
    seed: Number(env['LOCALPROP_FUZZ_SEED'] ?? env['LOCALPROP_FC_SEED'] ?? 7),
    endOnFailure: true,
  };
}

/** Write the case's files into a fresh folder and build the argv; `out` is where --out points, if used. */
function setUp(c: Case): { argv: string[]; dir: string; out: string | null } {
  const dir = join(root, `fuzz-${++runs}`);
  mkdirSync(dir);
  const file = (name: string, content: string | Uint8Array) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const out = join(dir, 'out', 'result.json');
  switch (c.command) {
    case 'init':
      return { argv: ['init', '--net', file('a.net.json', c.net), '--out', out], dir, out };
    case 'grad':
      return {
        argv: [
          'grad',
          '--net',
          file('a.net.json', c.net),
          '--params',
          file('a.params.json', c.params),
          '--data',
          file(c.csv ? 'a.csv' : 'a.data.json', c.data),
        ],
        dir,
        out: null,
      };
    case 'train': {
      const argv = [
        'train',
        '--net',
        file('a.net.json', c.net),
        '--data',
        file(c.csv ? 'a.csv' : 'a.data.json', c.data),
        '--lr',
        c.lr,
        '--batch',
        c.batch,
        '--epochs',
        c.epochs,
        '--out',
        out,
      ];
      if (c.params !== null) argv.push('--params', file('a.params.json', c.params));
      return { argv, dir, out };
    }
    case 'idx': {
      const names = [
        'train-images-idx3-ubyte.gz',
        'train-labels-idx1-ubyte',
        't10k-images-idx3-ubyte',
        't10k-labels-idx1-ubyte.gz',
      ];
      names.forEach((n, k) => {
        file(n, c.files[k]!);
      });
      return {
        argv: [
          'train',
          '--net',
          file('a.net.json', idxNet),
          '--dataset',
          'fashion-mnist',
          '--data-dir',
          dir,
          '--epochs',
          '1',
          '--out',
          out,
        ],
        dir,
        out,
      };
    }
  }
}

describe('fuzzing the CLI entry points', () => {
  it('every malformed input ends in a clean exit: 0, 2 or 3, one error line, no stack trace, \
nothing written on failure', async () => {
    const codes = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        const { argv, out } = setUp(c);
        const r = await runCli(argv);
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        expect([0, 2, 3], r.stderr).toContain(r.code);
        expect(r.stderr).not.toMatch(/^\s+at /m);
        expect(r.stderr).not.toContain('internal error');
        const errors = r.stderr.split('\n').filter((l) => l.startsWith('localprop: '));
        const other = r.stderr
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('localprop: ') && !/^epoch \d+\/\d+ /.test(l));
        expect(other).toEqual([]);
        expect(errors).toHaveLength(r.code === 0 ? 0 : 1);
        if (out !== null) {
          expect(existsSync(out)).toBe(r.code === 0);
          const outDir = join(out, '..');
          // Only the result itself, never a temp file; on failure, not even the folder's content.
          if (existsSync(outDir)) expect(readdirSync(outDir)).toEqual(r.code === 0 ? ['result.json'] : []);
        }
      }),
      fuzzRuns(150),
    );
    if (process.env['LOCALPROP_FUZZ_RUNS']) process.stdout.write(`exit codes: ${JSON.stringify([...codes])}\n`);
    // The generators reach both outcomes: some inputs are valid, most are not.
    expect(codes.get(2) ?? 0).toBeGreaterThan(50);
    expect(codes.get(0) ?? 0).toBeGreaterThan(0);
  });
});

/** The one line of a clean failure: exit 2 (or 3), one "localprop: " line, no trace. */
function expectOneLine(r: { code: number; stderr: string }, codes: number[] = [2]): void {
  expect(codes, r.stderr).toContain(r.code);
  expect(r.stderr).toMatch(/^localprop: [^\n]+\n$/);
  expect(r.stderr.length).toBeLessThan(400);
}

const validParams =
  `{"layers":[{"weights":[[0.1,0.2,0.3,0.4],[0,0.1,0,0.1],[0.2,0,0.2,0]],"bias":[0,0,0]},` +
  `{"weights":[[0.1,0.2,0.3],[0.3,0.2,0.1]],"bias":[0,0]}]}`;
const validBatch = '{"inputs":[[1,2,3,4],[0,0,1,0]],"targets":[[1,0],[0,1]]}';

describe('fuzzing each class of problem', () => {
  it('--out paths: empty, standard output, pseudo-filesystems, inputs, symlinks, FIFOs, folders, \
files in the way', async () => {
    const kinds = [
      '',
      ' ',
      '-',
      '/dev/stdout',
      '/proc/lp-fuzz',
      '/proc/self/lp/x',
      '/sys/lp-fuzz',
      '/dev/lp-fuzz',
      'net',
      'data',
      'link',
      'dangling',
      'linkdir',
      'fifo',
      'dir',
      'under-file',
      'new',
      'deep',
      'spaces',
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...kinds),
        fc.constantFrom('init', 'train', 'report', 'run'),
        async (kind, command) => {
          const dir = join(root, `paths-${++runs}`);
          mkdirSync(dir);
          const net = join(dir, 'a.net.json');
          const data = join(dir, 'a.data.json');
          writeFileSync(net, validNet);
          writeFileSync(data, validBatch);
          const realFile = join(dir, 'real.json');
          writeFileSync(realFile, 'old');
          const made: Record<string, () => string> = {
            net: () => net,
            data: () => data,
            link: () => {
              symlinkSync(realFile, join(dir, 'link'));
              return join(dir, 'link');
            },
            dangling: () => {
              symlinkSync(join(dir, 'nowhere', 'x'), join(dir, 'dangling'));
              return join(dir, 'dangling');
            },
            linkdir: () => {
              mkdirSync(join(dir, 'target-dir'));
              symlinkSync(join(dir, 'target-dir'), join(dir, 'linkdir'));
              return join(dir, 'linkdir');
            },
            fifo: () => {
              execFileSync('mkfifo', [join(dir, 'fifo')]);
              return join(dir, 'fifo');
            },
            dir: () => {
              mkdirSync(join(dir, 'sub'));
              return join(dir, 'sub');
            },
            'under-file': () => join(realFile, 'x'),
            new: () => join(dir, 'new'),
            deep: () => join(dir, 'a', 'b', 'c'),
            spaces: () => join(dir, 'with spaces é'),
          };
          const out = made[kind]?.() ?? kind;
          if (command === 'report') {
            mkdirSync(join(dir, 'results', 'x'), { recursive: true });
          }
          const argv = {
            init: ['init', '--net', net, '--out', out],
            train: ['train', '--net', net, '--data', data, '--epochs', '1', '--test-fraction', '0', '--out', out],
            // report reads what is there; run is stopped at the experiment name, after the --out check.
            report: ['report', '--out', out],
            run: ['run', 'no-such-experiment', '--quiet', '--out', out],
          }[command];
          const before = {
            net: readFileSync(net, 'utf8'),
            data: readFileSync(data, 'utf8'),
            real: readFileSync(realFile, 'utf8'),
          };
          const r = await runCli(argv);
          expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
          expect(readFileSync(net, 'utf8')).toBe(before.net);
          // init does not read the batch file, so replacing it is what was asked for.
          if (!(command === 'init' && kind === 'data')) expect(readFileSync(data, 'utf8')).toBe(before.data);
          if (kind === 'fifo') expect(statSync(out).isFIFO()).toBe(true);
          if (kind === 'link' || kind === 'dangling' || kind === 'linkdir')
            expect(lstatSync(out).isSymbolicLink()).toBe(true);
          const folder = command === 'report' || command === 'run';
          const bad =
            [
              '',
              ' ',
              '/proc/lp-fuzz',
              '/proc/self/lp/x',
              '/sys/lp-fuzz',
              '/dev/lp-fuzz',
              'net',
              'dangling',
              'fifo',
              'under-file',
            ].includes(kind) ||
            (kind === 'data' && command !== 'init') ||
            (folder ? ['-', '/dev/stdout', 'link'].includes(kind) : ['dir', 'linkdir'].includes(kind)) ||
            (command === 'train' && ['-', '/dev/stdout'].includes(kind));
          if (bad || command === 'run') {
            expectOneLine(r);
            if (bad) expect(r.stderr).toMatch(/^localprop: --out/);
            else expect(r.stderr).toMatch(/unknown experiment/);
          } else {
            expect(r.code, r.stderr).toBe(command === 'report' ? 2 : 0); // report: no results in a fresh folder
            if (command !== 'report' && (kind === '-' || kind === '/dev/stdout'))
              expect(r.stdout).toMatch(/^\{"layers":/);
            else if (command !== 'report')
              expect(JSON.parse(readFileSync(kind === 'link' ? realFile : out, 'utf8')).layers).toHaveLength(2);
          }
          // Never a temp file left beside anything.
          expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
        },
      ),
      fuzzRuns(60),
    );
  }, 60_000);

  it('special files as inputs: devices, folders, empty files and pipes end in exit 0 or 2, never a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('net', 'params', 'data'),
        fc.constantFrom('/dev/zero', '/dev/null', '/dev/urandom', 'folder', 'empty', 'pipe'),
        async (which, kind) => {
          const dir = join(root, `special-${++runs}`);
          mkdirSync(dir);
          const files: Record<string, string> = {
            net: join(dir, 'a.net.json'),
            params: join(dir, 'a.params.json'),
            data: join(dir, 'a.data.json'),
          };
          writeFileSync(files['net']!, validNet);
          writeFileSync(files['params']!, validParams);
          writeFileSync(files['data']!, validBatch);
          let writer: { kill(): void } | null = null;
          if (kind === 'folder') files[which] = dir;
          else if (kind === 'empty') writeFileSync(files[which]!, '');
          else if (kind === 'pipe') {
            const fifo = join(dir, 'pipe');
            execFileSync('mkfifo', [fifo]);
            writer = spawn('sh', ['-c', `cat '${files[which]}' > '${fifo}'`]);
            files[which] = fifo;
          } else files[which] = kind;
          const r = await runCli([
            'grad',
            '--net',
            files['net']!,
            '--params',
            files['params']!,
            '--data',
            files['data']!,
          ]);
          writer?.kill();
          if (kind === 'pipe') expect(r.code, r.stderr).toBe(0);
          else {
            expectOneLine(r);
            expect(r.stderr).toContain(files[which]!);
          }
        },
      ),
      fuzzRuns(30),
    );
  }, 60_000);

  it('unknown keys at every level are named, with the nearest known key when it is one edit away', async () => {
    const levels: {
      file: 'net' | 'params' | 'data';
      known: string[];
      insert: (obj: Record<string, unknown>, key: string) => void;
    }[] = [
      {
        file: 'net',
        known: ['input', 'layers', 'loss'],
        insert: (o, k) => {
          o[k] = 1;
        },
      },
      {
        file: 'net',
        known: ['type', 'units', 'activation'],
        insert: (o, k) => {
          (o['layers'] as Record<string, unknown>[])[0]![k] = 1;
        },
      },
      {
        file: 'params',
        known: ['layers'],
        insert: (o, k) => {
          o[k] = 1;
        },
      },
      {
        file: 'params',
        known: ['weights', 'bias'],
        insert: (o, k) => {
          (o['layers'] as Record<string, unknown>[])[1]![k] = 1;
        },
      },
      {
        file: 'data',
        known: ['inputs', 'targets'],
        insert: (o, k) => {
          o[k] = 1;
        },
      },
    ];
    const edit = fc.oneof(
      fc.tuple(fc.nat(), fc.constant('drop')),
      fc.tuple(fc.nat(), fc.constant('double')),
      fc.tuple(fc.nat(), fc.constant('upper')),
      fc.tuple(fc.nat(), fc.constant('random')),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: levels.length - 1 }),
        fc.nat(),
        edit,
        fc.string({ minLength: 1, maxLength: 12 }),
        async (level, pick, [at, how], random) => {
          const { file, known, insert } = levels[level]!;
          const base = known[pick % known.length]!;
          const i = at % base.length;
          const key =
            how === 'drop'
              ? base.slice(0, i) + base.slice(i + 1)
              : how === 'double'
                ? base.slice(0, i + 1) + base.slice(i)
                : how === 'upper'
                  ? base.toUpperCase()
                  : random;
          fc.pre(!known.includes(key) && key !== '__proto__');
          const dir = join(root, `keys-${++runs}`);
          mkdirSync(dir);
          const texts = { net: validNet, params: validParams, data: validBatch };
          const obj = JSON.parse(texts[file]) as Record<string, unknown>;
          insert(obj, key);
          const paths = Object.fromEntries(
            (['net', 'params', 'data'] as const).map((f) => [f, join(dir, `a.${f}.json`)]),
          );
          for (const f of ['net', 'params', 'data'] as const)
            writeFileSync(paths[f]!, f === file ? JSON.stringify(obj) : texts[f]);
          const r = await runCli([
            'grad',
            '--net',
            paths['net']!,
            '--params',
            paths['params']!,
            '--data',
            paths['data']!,
          ]);
          expectOneLine(r);
          expect(r.stderr).toContain(`${paths[file]}`);
          expect(r.stderr).toMatch(/unknown key /);
          // A one-edit misspelling (or another case) of a known key is always answered with a suggestion.
          if (how !== 'random') expect(r.stderr).toMatch(/; did you mean "[a-z]+"\?/);
        },
      ),
      fuzzRuns(60),
    );
  });

  it('softmax cross-entropy targets: exactly the distributions pass (entries ≥ 0 summing to 1), \
the rest are bad input', async () => {
    const entry = fc.constantFrom(-1, -0.25, 0, 0.25, 0.5, 0.75, 1, 2, 1e-7);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(entry, entry), { minLength: 1, maxLength: 3 }), async (targets) => {
        const dir = join(root, `targets-${++runs}`);
        mkdirSync(dir);
        const paths = {
          net: join(dir, 'a.net.json'),
          params: join(dir, 'a.params.json'),
          data: join(dir, 'a.data.json'),
        };
        writeFileSync(paths.net, validNet);
        writeFileSync(paths.params, validParams);
        writeFileSync(paths.data, JSON.stringify({ inputs: targets.map(() => [1, 2, 3, 4]), targets }));
        const r = await runCli(['grad', '--net', paths.net, '--params', paths.params, '--data', paths.data]);
        const distribution = targets.every(([a, b]) => a >= 0 && b >= 0 && Math.abs(a + b - 1) <= 1e-6);
        if (distribution) {
          expect(r.code, r.stderr).toBe(0);
          expect(Number.isFinite(JSON.parse(r.stdout).loss)).toBe(true);
        } else {
          expectOneLine(r);
          expect(r.stderr).toMatch(
            new RegExp(
              /a\.data\.json: targets\[\d+\](\[\d\] is -?[\d.e-]+| sums to [\d.e+-]+), but /.source +
                /softmax-cross-entropy needs each target to be a distribution/.source,
            ),
          );
        }
      }),
      fuzzRuns(40),
    );
  });

  it('memory limits: nets past the limit are refused before anything is allocated, nets within it work', async () => {
    const width = fc.constantFrom(1, 7, 100, 3_000, 10_000, 100_000, 1e8, 2 ** 40);
    await fc.assert(
      fc.asyncProperty(width, fc.array(width, { minLength: 1, maxLength: 4 }), async (input, units) => {
        const dir = join(root, `memory-${++runs}`);
        mkdirSync(dir);
        const net = join(dir, 'a.net.json');
        writeFileSync(
          net,
          JSON.stringify({ input: [input], layers: units.map((u) => ({ type: 'dense', units: u })), loss: 'mse' }),
        );
        let total = 0;
        let largest = 0;
        let fanIn = input;
        for (const u of units) {
          total += u * fanIn + u;
          largest = Math.max(largest, u * fanIn, u);
          fanIn = u;
        }
        const started = performance.now();
        // Only nets that are cheap to make are made; the rest must be refused.
        fc.pre(total > 20_000_000 || largest > 100_000_000 || total < 300_000);
        const r = await runCli(['init', '--net', net, '--out', join(dir, 'p.json')]);
        if (total <= 20_000_000 && largest <= 100_000_000) expect(r.code, r.stderr).toBe(0);
        else {
          expectOneLine(r);
          expect(r.stderr).toMatch(/more than localprop allows in one (net|tensor)/);
          expect(performance.now() - started).toBeLessThan(2_000);
        }
      }),
      fuzzRuns(40),
    );
  });

  it('damaged results folders: the report is built around them, each named as damaged', async () => {
    const good = {
      name: 'good',
      order: 1,
      file: 'experiments/01-good.ts',
      description: 'good',
      budget: 'quick',
      seed: '1',
      charts: ['points'],
      headline: [{ a: 1 }],
      notes: ['n'],
    };
    const damage = fc.oneof(
      fc.constantFrom<unknown>('garbage', 'folder', 'empty'),
      fc.tuple(
        fc.constantFrom(
          'name',
          'order',
          'file',
          'description',
          'budget',
          'seed',
          'charts',
          'headline',
          'notes',
          'html',
        ),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(damage, { minLength: 1, maxLength: 3 }), fc.boolean(), async (damages, svgFolder) => {
        const out = join(root, `damaged-${++runs}`);
        mkdirSync(join(out, 'good'), { recursive: true });
        writeFileSync(join(out, 'good', 'summary.json'), JSON.stringify(good));
        if (svgFolder) mkdirSync(join(out, 'good', 'points.svg'));
        const names: string[] = [];
        damages.forEach((d, k) => {
          const name = `bad-${k}`;
          mkdirSync(join(out, name));
          const file = join(out, name, 'summary.json');
          if (d === 'garbage') writeFileSync(file, '{not json');
          else if (d === 'folder') mkdirSync(file);
          else if (d === 'empty') writeFileSync(file, '');
          else {
            const [key, value] = d as [string, unknown];
            writeFileSync(file, JSON.stringify({ ...good, name, [key]: value }));
          }
          names.push(name);
        });
        const r = await runCli(['report', '--out', out]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).not.toMatch(/internal error|^\s+at /m);
        const html = readFileSync(join(out, 'index.html'), 'utf8');
        expect(html).toContain('data-experiment="good"');
        // Some "damage" leaves a valid summary (a string description, say): those are shown as results, the rest as
        // damaged.
        for (const name of names) {
          const shown = html.includes(`data-experiment="${name}"`) || html.includes(`data-damaged="${name}"`);
          expect(shown, name).toBe(true);
          expect(html.includes(`data-damaged="${name}"`)).toBe(r.stderr.includes(`${name} is damaged`));
        }
      }),
      fuzzRuns(40),
    );
  });

  it('signals through npm on a process group: SIGINT or SIGTERM, once or repeated, \
always a graceful stop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<NodeJS.Signals>('SIGINT', 'SIGTERM'),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 300 }),
        async (signal, repeats, gap) => {
          expectGracefulStop(await interruptThroughNpm(signal, repeats, gap), signal);
        },
      ),
      { ...fuzzRuns(2), numRuns: Number(process.env['LOCALPROP_FUZZ_SIGNAL_RUNS'] ?? 2) },
    );
  }, 120_000);
});
