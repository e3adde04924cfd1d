/**
 * The second round of hostile but realistic inputs: each case names the problem it guards
 * against (a silent wrong result, a lost file, a hang, a message nobody can use) and checks the
 * exit code, the one line on stderr, and what is (not) on disk.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../../src/data/idx.ts';
import { RESULTS_DIR } from '../../src/report/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { expectCleanFailure, fixture, freshOut, idxNet, root, smallNet } from './clean-failure.ts';

const net = fixture('robust/small.net.json', smallNet);
const batch = fixture('robust/small.data.json', {
  inputs: [
    [1, 2, 3, 4],
    [0, 0, 1, 0],
  ],
  targets: [
    [1, 0, 0],
    [0, 0, 1],
  ],
});
const zeros = (rows: number, cols: number): number[][] =>
  Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
const smallParams = {
  layers: [
    { weights: zeros(5, 4), bias: [0, 0, 0, 0, 0] },
    { weights: zeros(3, 5), bias: [0, 0, 0] },
  ],
};
const params = fixture('robust/small.params.json', smallParams);

/** Every line on stderr is short: a value is quoted up to about 80 characters. */
function expectShortLines(stderr: string): void {
  for (const line of stderr.split('\n')) expect(line.length, line.slice(0, 200)).toBeLessThan(400);
}

describe('silent wrong results become errors', () => {
  /** A folder of IDX files: 3×2 training images, and test images of the given size. */
  function idxFolder(name: string, test: readonly [number, number]): string {
    const dir = join(root, 'robust', name);
    mkdirSync(dir, { recursive: true });
    const n = 12;
    for (const [part, [h, w]] of [
      ['train', [3, 2]],
      ['t10k', test],
    ] as const) {
      writeFileSync(
        join(dir, `${part}-images-idx3-ubyte`),
        encodeIdx(
          [n, h, w],
          Uint8Array.from({ length: n * h * w }, (_, k) => (k * 37) % 256),
        ),
      );
      writeFileSync(
        join(dir, `${part}-labels-idx1-ubyte`),
        encodeIdx(
          [n],
          Uint8Array.from({ length: n }, (_, k) => k % 10),
        ),
      );
    }
    return dir;
  }
  const inet = fixture('robust/idx.net.json', idxNet);

  it('1. held-out IDX images of another size than the net takes are bad input, larger or smaller', async () => {
    const control = freshOut();
    const ok = await runCli([
      'train',
      '--net',
      inet,
      '--dataset',
      'fashion-mnist',
      '--data-dir',
      idxFolder('same', [3, 2]),
      '--epochs',
      '1',
      '--out',
      control.file,
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    for (const [name, size, pixels] of [
      ['larger', [5, 5], 25],
      ['smaller', [2, 2], 4],
    ] as const) {
      const out = freshOut();
      const r = await runCli([
        'train',
        '--net',
        inet,
        '--dataset',
        'fashion-mnist',
        '--data-dir',
        idxFolder(name, size),
        '--epochs',
        '1',
        '--out',
        out.file,
      ]);
      expectCleanFailure(
        r,
        out,
        new RegExp(
          `fashion-mnist \\(its t10k test files\\) has ${pixels} inputs per pattern, ` +
            `but the net's input \\[1, 3, 2\\] takes 6`,
        ),
      );
    }
  });

  it('2. softmax cross-entropy targets that are not a distribution are bad input, naming file and pattern; \
mse takes any targets', async () => {
    for (const [targets, message] of [
      [
        [
          [1, 0, 0],
          [0, 0, 0],
        ],
        /zero\.data\.json: targets\[1\] sums to 0, but softmax-cross-entropy needs each target to be a distribution/,
      ],
      [
        [
          [5, -3, -1],
          [0, 0, 1],
        ],
        /neg\.data\.json: targets\[0\]\[1\] is -3, but softmax-cross-entropy needs/,
      ],
      [
        [
          [0.5, 0.6, 0],
          [0, 0, 1],
        ],
        /big\.data\.json: targets\[0\] sums to 1\.1, but/,
      ],
    ] as const) {
      const name = message.source.split('\\')[0]!;
      const f = fixture(`robust/${name}.data.json`, {
        inputs: [
          [1, 2, 3, 4],
          [0, 0, 1, 0],
        ],
        targets,
      });
      expectCleanFailure(await runCli(['grad', '--net', net, '--params', params, '--data', f]), freshOut(), message);
    }
    // Control: a soft distribution is a fine target; so is any target under mse.
    const soft = fixture('robust/soft.data.json', { inputs: [[1, 2, 3, 4]], targets: [[0.2, 0.3, 0.5]] });
    expect((await runCli(['grad', '--net', net, '--params', params, '--data', soft])).code).toBe(0);
    const mse = fixture('robust/mse.net.json', { ...smallNet, loss: 'mse' });
    const any = fixture('robust/any.data.json', { inputs: [[1, 2, 3, 4]], targets: [[5, -3, 0]] });
    expect((await runCli(['grad', '--net', mse, '--params', params, '--data', any])).code).toBe(0);
  });

  it('3. a result that is not finite is a divergence (exit 3) naming where, never JSON null', async () => {
    const linear = fixture('robust/linear.net.json', {
      input: [4],
      layers: [{ type: 'dense', units: 3 }],
      loss: 'mse',
    });
    const huge = fixture('robust/huge.params.json', {
      layers: [
        {
          weights: [
            [1e300, 1e300, 1e300, 1e300],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
          ],
          bias: [0, 0, 0],
        },
      ],
    });
    const data = fixture('robust/linear.data.json', { inputs: [[1, 2, 3, 4]], targets: [[0, 0, 0]] });
    const r = await runCli(['grad', '--net', linear, '--params', huge, '--data', data]);
    expectCleanFailure(
      r,
      freshOut(),
      new RegExp(
        /^localprop: grad --rule backprop diverged: the loss is Infinity; the params or the data are too /.source +
          /large for float64\n$/.source,
      ),
      3,
    );
    expect(r.stdout).not.toContain('null');
    const seeded = join(freshOut().dir, 'seeded.params.json');
    expect((await runCli(['init', '--net', net, '--out', seeded])).code).toBe(0);
    const pc = await runCli([
      'grad',
      '--net',
      net,
      '--params',
      seeded,
      '--data',
      batch,
      '--rule',
      'predictive-coding',
      '--gamma',
      '1e300',
    ]);
    expectCleanFailure(
      pc,
      freshOut(),
      new RegExp(
        /diverged: gradients layers\[\d\]\.(weights|bias)\[\d+\] is (NaN|-?Infinity); predictive coding's /.source +
          /inference diverged: try a smaller --gamma/.source,
      ),
      3,
    );
  });

  it('4. an unknown key in a net spec, a layer, an activation, \
params or a batch is an error naming it and the nearest known key', async () => {
    const cases: [string, string, unknown, RegExp][] = [
      [
        'net',
        'activaton',
        { ...smallNet, layers: [{ type: 'dense', units: 5, activaton: 'relu' }, smallNet.layers[1]] },
        /layers\[0\]: unknown key "activaton"; did you mean "activation"\? \(known keys: type, units, activation\)/,
      ],
      [
        'net',
        'strides',
        {
          input: [1, 4, 4],
          layers: [
            { type: 'conv', filters: 1, kernel: 2, strides: 2 },
            { type: 'dense', units: 3 },
          ],
          loss: 'mse',
        },
        /layers\[0\]: unknown key "strides"; did you mean "stride"\?/,
      ],
      [
        'net',
        'los',
        { input: [4], layers: [{ type: 'dense', units: 3 }], loss: 'mse', los: 'mse' },
        /unknown key "los"; did you mean "loss"\?/,
      ],
      [
        'net',
        'tanh-c',
        { input: [4], layers: [{ type: 'dense', units: 3, activation: { name: 'tanh', a: 1, c: 2 } }], loss: 'mse' },
        /layers\[0\]\.activation: unknown key "c"/,
      ],
      [
        'net',
        'relu-a',
        { input: [4], layers: [{ type: 'dense', units: 3, activation: { name: 'relu', a: 2 } }], loss: 'mse' },
        /layers\[0\]\.activation: unknown key "a" \(known keys: name\)/,
      ],
      [
        'params',
        'weight',
        { layers: [{ ...smallParams.layers[0], weight: [] }, smallParams.layers[1]] },
        /layers\[0\]: unknown key "weight"; did you mean "weights"\?/,
      ],
      ['params', 'top', { ...smallParams, layer: [] }, /unknown key "layer"; did you mean "layers"\?/],
      [
        'data',
        'target',
        { inputs: [[1, 2, 3, 4]], targets: [[1, 0, 0]], target: [[1, 0, 0]] },
        /unknown key "target"; did you mean "targets"\?/,
      ],
    ];
    for (const [kind, name, content, message] of cases) {
      const file = fixture(`robust/key-${name}.${kind}.json`, content as object);
      const args =
        kind === 'net'
          ? ['init', '--net', file]
          : kind === 'params'
            ? ['grad', '--net', net, '--params', file, '--data', batch]
            : ['grad', '--net', net, '--params', params, '--data', file];
      const r = await runCli(args);
      expectCleanFailure(r, freshOut(), message);
      expect(r.stderr).toContain(file);
    }
  });
});

describe('--out never replaces what it should not', () => {
  it('5a. an --out that names one of the inputs is bad input, and the input is untouched', async () => {
    const copy = fixture('robust/self.net.json', smallNet);
    const before = readFileSync(copy, 'utf8');
    for (const args of [
      ['init', '--net', copy, '--out', copy],
      ['train', '--net', copy, '--data', batch, '--epochs', '1', '--out', copy],
      ['train', '--net', net, '--data', batch, '--epochs', '1', '--out', batch],
      ['train', '--net', net, '--data', batch, '--params', params, '--epochs', '1', '--out', params],
    ]) {
      const r = await runCli(args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /^localprop: --out "[^"]+" is "[^"]+", one of this command's inputs; give another file name\n$/,
      );
    }
    expect(readFileSync(copy, 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(params, 'utf8'))).toEqual(smallParams);
  });

  it('5b. --out - and --out /dev/stdout write to standard output', async () => {
    const expected = (await runCli(['init', '--net', net])).stdout;
    expect(expected).toMatch(/^\{"layers":/);
    for (const out of ['-', '/dev/stdout']) {
      const r = await runCli(['init', '--net', net, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(expected);
    }
    if (existsSync('/dev/stdout'))
      expect(lstatSync('/dev/stdout').isSymbolicLink() || lstatSync('/dev/stdout').isCharacterDevice()).toBe(true);
  });

  it('5c. a symlink is followed (its target replaced, the link kept); a link to nothing is refused', async () => {
    const dir = freshOut().dir;
    const target = join(dir, 'real.params.json');
    writeFileSync(target, 'old');
    const link = join(dir, 'link.params.json');
    symlinkSync(target, link);
    const r = await runCli(['init', '--net', net, '--out', link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(target);
    expect(JSON.parse(readFileSync(target, 'utf8')).layers).toHaveLength(2);
    const dangling = join(dir, 'dangling.json');
    symlinkSync(join(dir, 'nowhere', 'x.json'), dangling);
    const d = await runCli(['init', '--net', net, '--out', dangling]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/is a symlink to nothing/);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
  });

  it('5d. a special file (a FIFO) is refused, never replaced', async () => {
    const dir = freshOut().dir;
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const args of [
      ['init', '--net', net, '--out', fifo],
      ['train', '--net', net, '--data', batch, '--epochs', '1', '--out', fifo],
      ['run', 'activations', '--quiet', '--out', fifo],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^localprop: --out "[^"]+fifo" is a FIFO/);
      expect(statSync(fifo).isFIFO()).toBe(true);
    }
  });

  it('6. an empty --out (an unset shell variable) is bad input for every command, \
and results/ is untouched', async () => {
    const index = join(RESULTS_DIR, 'index.html');
    const before = existsSync(index) ? statSync(index).mtimeMs : null;
    for (const args of [
      ['run', 'activations', '--quiet', '--out', ''],
      ['report', '--out', ''],
      ['init', '--net', net, '--out', ''],
      ['train', '--net', net, '--data', batch, '--out', ''],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(
        /^localprop: --out is empty \(an unset shell variable\?\); give a (file name|folder)\n$/,
      );
    }
    expect(existsSync(index) ? statSync(index).mtimeMs : null).toBe(before);
  });

  it('7. --out in /proc or /sys is bad input at once, for every command (no hang, no trace)', async () => {
    for (const place of ['/proc/localprop-test', '/sys/localprop-test', '/proc/self/localprop/x']) {
      for (const args of [
        ['run', 'activations', '--quiet', '--out', place],
        ['report', '--out', place],
        ['init', '--net', net, '--out', `${place}/p.json`],
        ['train', '--net', net, '--data', batch, '--out', `${place}/p.json`],
      ]) {
        const r = await runCli(args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(r.stderr).toMatch(
          new RegExp(
            /^localprop: --out "[^"]+": \/(proc|sys)\S* (is in a \w+ filesystem|is a pseudo-filesystem), /.source +
              /which holds no ordinary files\n$/.source,
          ),
        );
      }
    }
  }, 20_000);
});

describe('memory, messages and formats', () => {
  it('8. a net whose layers each pass the tensor limit but together exceed the net limit is bad input before \
allocating', async () => {
    const big = fixture('robust/big.net.json', {
      input: [10_000],
      layers: [
        { type: 'dense', units: 10_000 },
        { type: 'dense', units: 10_000 },
        { type: 'dense', units: 10_000 },
      ],
      loss: 'mse',
    });
    const out = freshOut();
    expectCleanFailure(
      await runCli(['init', '--net', big, '--out', out.file]),
      out,
      /big\.net\.json: the net has 300030000 weights and biases, more than localprop allows in one net \(20000000/,
    );
  });

  it('11. a huge value is quoted up to about 80 characters, with its path', async () => {
    const longInput = fixture(
      'robust/long-input.net.json',
      `{"input":[${new Array(2_000_000).fill(1).join(',')}],"layers":[{"type":"dense","units":2}],"loss":"mse"}`,
    );
    const longLoss = fixture('robust/long-loss.net.json', {
      input: [4],
      layers: [{ type: 'dense', units: 2 }],
      loss: 'x'.repeat(3_000_000),
    });
    const deep = fixture(
      'robust/deep.params.json',
      `{"layers":[{"weights":${'['.repeat(100_000)}1${']'.repeat(100_000)},"bias":[0,0,0,0,0]},` +
        `{"weights":[],"bias":[]}]}`,
    );
    const longKey = fixture(
      'robust/long-key.net.json',
      `{"input":[4],"layers":[{"type":"dense","units":2}],"loss":"mse","${'k'.repeat(1_000_000)}":1}`,
    );
    for (const args of [
      ['init', '--net', longInput],
      ['init', '--net', longLoss],
      ['grad', '--net', net, '--params', deep, '--data', batch],
      ['init', '--net', longKey],
    ]) {
      const r = await runCli(args);
      expect(r.code, r.stderr.slice(0, 300)).toBe(2);
      expectShortLines(r.stderr);
      expect(r.stderr).toMatch(/…/);
    }
    expect((await runCli(['grad', '--net', net, '--params', deep, '--data', batch])).stderr).toMatch(
      /deep\.params\.json: layers\[0\]\.weights: shape (\[1\]){20,}…, but the net needs \[5\]\[4\] of numbers\n$/,
    );
  });

  it('12. a ragged params file names the row whose length differs', async () => {
    const ragged = fixture('robust/ragged.params.json', {
      layers: [
        {
          weights: [
            [0, 0, 0, 0],
            [0, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
            [0, 0, 0, 0],
          ],
          bias: [0, 0, 0, 0, 0],
        },
        smallParams.layers[1],
      ],
    });
    expectCleanFailure(
      await runCli(['grad', '--net', net, '--params', ragged, '--data', batch]),
      freshOut(),
      new RegExp(
        /ragged\.params\.json: layers\[0\]\.weights\[1\] has 3 values, but layers\[0\]\.weights is /.source +
          /\[5\]\[4\]: each row needs 4/.source,
      ),
    );
  });

  it('13. a UTF-8 byte-order mark at the start of a JSON file is accepted', async () => {
    const bom = (path: string) => fixture(`robust/bom-${path.split('/').pop()}`, `\ufeff${readFileSync(path, 'utf8')}`);
    const r = await runCli(['grad', '--net', bom(net), '--params', bom(params), '--data', bom(batch)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe((await runCli(['grad', '--net', net, '--params', params, '--data', batch])).stdout);
  });

  it('14. a net whose last layer is conv is one valid spec for every command: \
its outputs are filters × height × width', async () => {
    const conv = fixture('robust/conv-last.net.json', {
      input: [1, 3, 3],
      layers: [{ type: 'conv', filters: 1, kernel: 2, activation: 'tanh' }],
      loss: 'mse',
    });
    const data = fixture('robust/conv-last.data.json', {
      inputs: [
        [1, 0, 0, 0, 1, 0, 0, 0, 1],
        [0, 1, 0, 1, 0, 1, 0, 1, 0],
      ],
      targets: [
        [1, 0, 0, 1],
        [0, 1, 1, 0],
      ],
    });
    const out = freshOut();
    for (const args of [
      ['init', '--net', conv],
      ['gradcheck', '--net', conv],
      ['train', '--net', conv, '--data', data, '--epochs', '2', '--test-fraction', '0', '--out', out.file],
    ]) {
      const r = await runCli(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(0);
    }
    const p = fixture('robust/conv-last.params.json', readFileSync(out.file, 'utf8'));
    const g = await runCli(['grad', '--net', conv, '--params', p, '--data', data]);
    expect(g.code, g.stderr).toBe(0);
    expect(JSON.parse(g.stdout).outputs[0]).toHaveLength(4);
    // A mismatch is named with the file, as for any net.
    const wrong = fixture('robust/conv-wrong.data.json', {
      inputs: [[1, 0, 0, 0, 1, 0, 0, 0, 1]],
      targets: [[1, 0, 0]],
    });
    expectCleanFailure(
      await runCli(['train', '--net', conv, '--data', wrong, '--out', freshOut().file]),
      freshOut(),
      /conv-wrong\.data\.json: targets\[0\] has 3 values, but the net needs 4 numbers/,
    );
  });

  it('15. predictive coding diverging for its --gamma says so, not "try a smaller --lr"', async () => {
    const out = freshOut();
    const r = await runCli([
      'train',
      '--net',
      net,
      '--data',
      batch,
      '--rule',
      'predictive-coding',
      '--gamma',
      '1e300',
      '--test-fraction',
      '0',
      '--out',
      out.file,
    ]);
    expectCleanFailure(
      r,
      out,
      new RegExp(
        /training diverged at epoch 1, .*the rule's update is not finite even before the first step .*: /.source +
          /predictive coding's inference diverged: try a smaller --gamma \(now 1e\+300\)/.source,
      ),
      3,
    );
    expect(r.stderr).not.toMatch(/--lr/);
    // Control: back-prop at a huge --lr still suggests a smaller --lr.
    const lr = await runCli([
      'train',
      '--net',
      fixture('robust/relu.net.json', {
        input: [4],
        layers: [
          { type: 'dense', units: 8, activation: 'relu' },
          { type: 'dense', units: 3 },
        ],
        loss: 'mse',
      }),
      '--dataset',
      'iris',
      '--lr',
      '1e6',
    ]);
    expect(lr.code).toBe(3);
    expect(lr.stderr).toMatch(/try a smaller --lr\n$/);
  });
});

describe('the same classes elsewhere', () => {
  it('gradcheck: a non-finite check is a divergence (exit 3), never JSON null', async () => {
    const huge = fixture('robust/gc-huge.params.json', {
      layers: [
        { weights: zeros(5, 4).map((r) => r.map(() => 1e300)), bias: [0, 0, 0, 0, 0] },
        { weights: zeros(3, 5).map((r) => r.map(() => 1e300)), bias: [0, 0, 0] },
      ],
    });
    const r = await runCli(['gradcheck', '--net', net, '--params', huge]);
    expectCleanFailure(
      r,
      freshOut(),
      /^localprop: gradcheck diverged: E is [^\n]+; the params or the data are too large for float64\n$/,
      3,
    );
  });

  it('gradcheck: a net too large to check one weight at a time asks for --directions instead of running for \
hours', async () => {
    const wide = fixture('robust/gc-wide.net.json', {
      input: [400],
      layers: [
        { type: 'dense', units: 300, activation: 'tanh' },
        { type: 'dense', units: 3 },
      ],
      loss: 'mse',
    });
    expectCleanFailure(
      await runCli(['gradcheck', '--net', wide]),
      freshOut(),
      new RegExp(
        /gc-wide\.net\.json: the net has 121203 weights and biases, more than gradcheck checks one by one /.source +
          /\(100000\); use --directions K/.source,
      ),
    );
  });

  it('an input that is a device is refused at once; a folder is named; a pipe is read', async () => {
    expectCleanFailure(
      await runCli(['init', '--net', '/dev/zero']),
      freshOut(),
      /^localprop: \/dev\/zero: is a device, not a file; give a file \(or a pipe\)\n$/,
    );
    expectCleanFailure(
      await runCli(['grad', '--net', net, '--params', params, '--data', '/dev/urandom']),
      freshOut(),
      /\/dev\/urandom: is a device/,
    );
    expectCleanFailure(await runCli(['init', '--net', root]), freshOut(), /: cannot read \(EISDIR\)/);
    const dir = freshOut().dir;
    const fifo = join(dir, 'net.fifo');
    execFileSync('mkfifo', [fifo]);
    const { spawn } = await import('node:child_process');
    const writer = spawn('sh', ['-c', `cat '${net}' > '${fifo}'`]);
    const r = await runCli(['init', '--net', fifo]);
    writer.kill();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe((await runCli(['init', '--net', net])).stdout);
  });

  it('a gzip bomb stops at the input limit instead of filling memory', async () => {
    const { gzipSync } = await import('node:zlib');
    const { maybeGunzip } = await import('../../src/data/maybe-gunzip.ts');
    // The same limit at a smaller size: 4 MB of zeros gzip to a few kilobytes.
    const bomb = gzipSync(Buffer.alloc(4_000_001));
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => maybeGunzip(bomb, 'bomb.gz', 4_000_000)).toThrow(
      /bomb\.gz: gunzips to more than localprop reads from one file \(4000000 bytes\)/,
    );
    expect(maybeGunzip(gzipSync(Buffer.alloc(4_000_000)), 'ok.gz', 4_000_000)).toHaveLength(4_000_000);
  });
});

describe('empty input paths', () => {
  it('an empty --net, --params, --data or --data-dir is bad input, never the working directory', async () => {
    for (const args of [
      ['init', '--net', ''],
      ['grad', '--net', net, '--params', '', '--data', batch],
      ['grad', '--net', net, '--params', params, '--data', ''],
    ]) {
      expectCleanFailure(
        await runCli(args),
        freshOut(),
        /^localprop: an input file name is empty \(an unset shell variable\?\)\n$/,
      );
    }
    const inet = fixture('robust/idx-empty.net.json', idxNet);
    expectCleanFailure(
      await runCli(['train', '--net', inet, '--dataset', 'mnist', '--data-dir', '']),
      freshOut(),
      /--data-dir is empty/,
    );
  });
});
