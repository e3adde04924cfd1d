import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { expectCleanFailure, fixture, freshOut, idxFolder, idxNet, root, smallNet } from './clean-failure.ts';

const net = fixture('small.net.json', smallNet);
const batch = fixture('small.data.json', {
  inputs: [
    [1, 2, 3, 4],
    [0, 0, 1, 0],
  ],
  targets: [
    [1, 0, 0],
    [0, 0, 1],
  ],
});
const csv = fixture('small.csv', '1,2,3,4,0\n0,0,1,0,2\n1,1,1,1,1\n0.5,0.5,0.5,0.5,1\n');
const inet = fixture('idx.net.json', idxNet);

/** Train on the small net with --out in a fresh folder; return the result and the out paths. */
async function train(args: string[], netPath = net) {
  const out = freshOut();
  const r = await runCli(['train', '--net', netPath, '--epochs', '1', '--out', out.file, ...args]);
  return { r, out };
}

async function expectTrainFails(args: string[], pattern: RegExp, netPath = net) {
  const { r, out } = await train(args, netPath);
  expectCleanFailure(r, out, pattern);
}

describe('bad input: exit 2, one line on stderr, no stack trace, nothing written', () => {
  afterEach(() => {
    delete process.env['LOCALPROP_DATA'];
  });

  it('control: the same fixtures train and write their --out when nothing is wrong', async () => {
    for (const args of [
      ['--data', batch, '--test-fraction', '0'],
      ['--data', csv],
    ]) {
      const { r, out } = await train(args);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(readFileSync(out.file, 'utf8')).layers).toHaveLength(2);
    }
    const { r } = await train(['--dataset', 'fashion-mnist', '--data-dir', idxFolder('good')], inet);
    expect(r.code, r.stderr).toBe(0);
  });

  describe('an option of another rule (it would be ignored)', () => {
    it('--beta with back-prop names the rule that takes it', async () => {
      await expectTrainFails(
        ['--data', batch, '--beta', '0.1'],
        /^localprop: --beta applies to --rule merged, not to --rule backprop\n$/,
      );
    });
    it('--scaled with merged', async () => {
      await expectTrainFails(
        ['--data', batch, '--rule', 'merged', '--scaled'],
        /^localprop: --scaled applies to --rule usf, not to --rule merged\n$/,
      );
    });
    it('control: the options of the chosen rule train', async () => {
      const { r } = await train(['--data', batch, '--rule', 'merged', '--beta', '0.1', '--symmetric']);
      expect(r.code, r.stderr).toBe(0);
    });
  });

  describe('IDX and gzip files', () => {
    it('a truncated gzip file', async () => {
      const dir = idxFolder('truncated');
      const file = join(dir, 'train-images-idx3-ubyte.gz');
      writeFileSync(file, readFileSync(file).subarray(0, 30));
      await expectTrainFails(
        ['--dataset', 'fashion-mnist', '--data-dir', dir],
        /train-images-idx3-ubyte\.gz: corrupt or truncated gzip data \(unexpected end of file\)/,
        inet,
      );
    });

    it('a corrupt gzip file', async () => {
      const dir = idxFolder('corrupt');
      const file = join(dir, 'train-labels-idx1-ubyte.gz');
      const bytes = readFileSync(file);
      for (let k = 10; k < bytes.length - 8; k++) bytes[k] = 0xff;
      writeFileSync(file, bytes);
      await expectTrainFails(
        ['--dataset', 'mnist', '--data-dir', dir],
        /train-labels-idx1-ubyte\.gz: corrupt or truncated gzip data/,
        inet,
      );
    });

    it('an IDX file with a wrong magic number', async () => {
      const dir = idxFolder('magic');
      writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), 'this is not IDX at all');
      await expectTrainFails(
        ['--dataset', 'fashion-mnist', '--data-dir', dir],
        /train-images-idx3-ubyte\.gz: not an IDX file: magic number 74 68 69 73/,
        inet,
      );
    });

    it('an IDX file whose length disagrees with its header', async () => {
      const dir = idxFolder('length');
      const file = join(dir, 't10k-images-idx3-ubyte.gz');
      writeFileSync(file, readFileSync(join(idxFolder('length-source', 19), 't10k-images-idx3-ubyte.gz')));
      // The header says 19 images; make it say 20.
      const { gunzipSync, gzipSync } = await import('node:zlib');
      const raw = gunzipSync(readFileSync(file));
      raw[7] = 20;
      writeFileSync(file, gzipSync(raw));
      await expectTrainFails(
        ['--dataset', 'fashion-mnist', '--data-dir', dir],
        new RegExp(
          /t10k-images-idx3-ubyte\.gz: not an IDX file: header says 20×3×2 uint8 \(136 bytes\), but the /.source +
            /data is 130 bytes/.source,
        ),
        inet,
      );
    });
  });

  describe('CSV files', () => {
    it('a short row names file:line', async () => {
      const f = fixture('short.csv', '1,2,3,4,0\n1,2,3,0\n');
      await expectTrainFails(
        ['--data', f],
        new RegExp(`${f}:2: expected 5 columns \\(4 inputs for the net, then the label\\), found 4`),
      );
    });

    it('a non-number names file:line and column', async () => {
      const f = fixture('nan.csv', '1,2,3,4,0\n\n1,2,NaN,4,1\n');
      await expectTrainFails(['--data', f], new RegExp(`${f}:3: column 3 is "NaN", not a finite number`));
    });
  });

  describe('a missing data folder', () => {
    it('from --data-dir: says where it looked, all three places, and how to install', async () => {
      await expectTrainFails(
        ['--dataset', 'fashion-mnist', '--data-dir', join(root, 'no-such-folder')],
        new RegExp(
          /fashion-mnist: folder \S+no-such-folder \(from --data-dir\) does not exist; localprop looks in /.source +
            /--data-dir DIR, else \$LOCALPROP_DATA \(not set\), else \/usr\/share\/datasets\/fashion-mnist; /.source +
            /install it with "apt-get install dataset-fashion-mnist", or pass --data-dir DIR/.source,
        ),
        inet,
      );
    });

    it('from LOCALPROP_DATA', async () => {
      process.env['LOCALPROP_DATA'] = join(root, 'env-folder');
      await expectTrainFails(
        ['--dataset', 'fashion-mnist'],
        new RegExp(
          /folder \S+env-folder \(from LOCALPROP_DATA\) does not exist; .*\$LOCALPROP_DATA /.source +
            /\(\S+env-folder\).*apt-get install dataset-fashion-mnist/.source,
        ),
        inet,
      );
    });
  });

  describe('net specs', () => {
    it('a layer with zero units', async () => {
      const spec = fixture('zero.net.json', {
        ...smallNet,
        layers: [{ type: 'dense', units: 0, activation: 'tanh' }, smallNet.layers[1]],
      });
      await expectTrainFails(
        ['--data', batch],
        /zero\.net\.json: layers\[0\]\.units must be a positive integer, got 0/,
        spec,
      );
    });

    it('a kernel larger than its padded input', async () => {
      const spec = fixture('kernel.net.json', {
        input: [1, 4, 4],
        layers: [
          { type: 'conv', filters: 2, kernel: 7, padding: 1 },
          { type: 'dense', units: 3 },
        ],
        loss: 'mse',
      });
      await expectTrainFails(
        ['--data', batch],
        /kernel\.net\.json: layers\[0\]: kernel 7 is larger than its padded input 6×6/,
        spec,
      );
    });

    it('an unknown activation', async () => {
      const spec = fixture('act.net.json', {
        ...smallNet,
        layers: [{ type: 'dense', units: 5, activation: 'swish' }, smallNet.layers[1]],
      });
      await expectTrainFails(
        ['--data', batch],
        new RegExp(
          /act\.net\.json: layers\[0\]\.activation: unknown activation "swish"; expected one of identity, /.source +
            /relu, softplus, logistic, tanh/.source,
        ),
        spec,
      );
    });

    it('softmax-cross-entropy with a last activation that is not identity', async () => {
      const spec = fixture('softmax.net.json', {
        ...smallNet,
        layers: [smallNet.layers[0], { type: 'dense', units: 3, activation: 'logistic' }],
      });
      await expectTrainFails(
        ['--data', batch],
        /softmax\.net\.json: softmax-cross-entropy .* must be "identity", not "logistic"/,
        spec,
      );
    });

    it('a net too large to allocate', async () => {
      const spec = fixture('huge.net.json', {
        ...smallNet,
        layers: [{ type: 'dense', units: 1e300 }, smallNet.layers[1]],
      });
      await expectTrainFails(
        ['--data', batch],
        /huge\.net\.json: layer 0's weights .* more than localprop allows in one tensor/,
        spec,
      );
    });

    it('malformed JSON names the file', async () => {
      const spec = fixture('broken.net.json', '{ "input": [4],\n  "layers": [ }');
      await expectTrainFails(['--data', batch], /broken\.net\.json: malformed JSON \(Unexpected token '}'\)$/m, spec);
      const spec2 = fixture('broken2.net.json', '{ "input": [4],\n  "layers": [] ');
      await expectTrainFails(
        ['--data', batch],
        new RegExp(
          /broken2\.net\.json: malformed JSON \(Expected ',' or '}' after property value in JSON at line /.source +
            /2, column 16\)$/.source,
          'm',
        ),
        spec2,
      );
    });
  });

  describe('params', () => {
    it('control: finite params are accepted', async () => {
      const { r } = await train(['--data', batch, '--params', fixture('ok.params.json', good('0.5'))]);
      expect(r.code, r.stderr).toBe(0);
    });

    for (const [what, text, shown] of [
      ['null', 'null', 'null'],
      ['the string "NaN"', '"NaN"', '"NaN"'],
      ['1e999 (Infinity once parsed)', '1e999', 'Infinity'],
      ['-1e999', '-1e999', '-Infinity'],
    ] as const) {
      it(`a weight written as ${what} is "not a finite number", naming layer and index`, async () => {
        const p = fixture(`nan-${text.replace(/\W/g, '')}.params.json`, good(text));
        await expectTrainFails(
          ['--data', batch, '--params', p],
          new RegExp(
            `params\\.json: layers\\[0\\]\\.weights\\[0\\]\\[0\\] is ` +
              `${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, not a finite number`,
          ),
        );
      });
    }

    it('a NaN bias deeper in the net names its layer and index', async () => {
      const p = fixture('nan-bias.params.json', good('0').replace('"bias":[0,0,0]', '"bias":[0,null,0]'));
      await expectTrainFails(['--data', batch, '--params', p], /layers\[1\]\.bias\[1\] is null, not a finite number/);
    });

    it('params whose shapes do not match the net', async () => {
      const p = fixture(
        'shape.params.json',
        good('0').replace('[[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0]]', '[[0,0,0,0,0],[0,0,0,0,0]]'),
      );
      await expectTrainFails(
        ['--data', batch, '--params', p],
        /shape\.params\.json: layers\[1\]\.weights: shape \[2\]\[5\], but the net needs \[3\]\[5\] of numbers/,
      );
    });
  });

  describe('data and flags', () => {
    it('an input of the wrong shape (batch file)', async () => {
      const f = fixture('wide.data.json', { inputs: [[1, 2, 3, 4, 5]], targets: [[1, 0, 0]] });
      await expectTrainFails(['--data', f], /wide\.data\.json: inputs\[0\] has 5 values, but the net needs 4/);
    });

    it('an input of the wrong shape (a shipped data set)', async () => {
      await expectTrainFails(
        ['--dataset', 'digits'],
        /dataset digits has 64 inputs per pattern, but the net's input \[4\] takes 4/,
      );
    });

    it('a non-number in a batch file', async () => {
      const f = fixture('nan.data.json', '{"inputs":[[1,2,1e999,4]],"targets":[[1,0,0]]}');
      await expectTrainFails(['--data', f], /nan\.data\.json: inputs\[0\]\[2\] is Infinity, not a finite number/);
    });

    for (const lr of ['0', '-1', 'NaN', 'abc', 'Infinity']) {
      it(`learning rate ${lr}`, async () => {
        await expectTrainFails(
          ['--data', batch, '--lr', lr],
          new RegExp(`--lr <η>' argument '${lr}' is invalid\\. expected a positive number`),
        );
      });
    }

    const sgdFlags: [string[], RegExp][] = [
      [['--momentum', '1'], /--momentum <μ>' argument '1' is invalid\. expected a number in \[0, 1\)/],
      [['--momentum', '-0.1'], /--momentum <μ>' argument '-0\.1' is invalid/],
      [['--weight-decay', '-1e-3'], /--weight-decay <λ>' argument '-1e-3' is invalid\. expected a number ≥ 0/],
      [['--lr-steps', '75,50'], /--lr-steps .* is invalid\. expected increasing epoch counts, got "75,50"/],
      [['--lr-steps', '50,x'], /--lr-steps .* is invalid\. expected epoch counts like 50,75, got "x"/],
      [['--lr-steps', '0'], /--lr-steps .* is invalid\. expected epoch counts like 50,75, got "0"/],
      [['--lr-gamma', '0'], /--lr-gamma <γ>' argument '0' is invalid\. expected a positive number/],
      [['--pad', '-2'], /--pad <p>' argument '-2' is invalid\. expected an integer ≥ 0/],
      [['--pad', '2'], /--pad applies to --dataset fashion-mnist or mnist, not to .*small\.data\.json/],
      [
        ['--rule', 'merged', '--dynamics', 'leaky', '--engine', 'agents', '--weight-decay', '0.1'],
        /--momentum and --weight-decay do not apply to --dynamics leaky/,
      ],
    ];
    for (const [flags, pattern] of sgdFlags) {
      it(`training option ${flags.join(' ')}`, async () => {
        await expectTrainFails(['--data', batch, ...flags], pattern);
      });
    }

    it('an unknown data set lists the known ones', async () => {
      await expectTrainFails(
        ['--dataset', 'cifar'],
        /argument 'cifar' is invalid\. expected one of digits, iris, fashion-mnist, mnist/,
      );
    });

    it('--limit larger than the data', async () => {
      await expectTrainFails(['--data', csv, '--limit', '50'], /--limit 50 is more than the 3 training patterns/);
    });

    it('--data-dir with a data set that does not use it', async () => {
      await expectTrainFails(
        ['--data', csv, '--data-dir', root],
        /--data-dir applies to --dataset fashion-mnist or mnist/,
      );
    });

    it('--out naming a folder', async () => {
      const out = freshOut();
      const r = await runCli(['train', '--net', net, '--data', csv, '--epochs', '1', '--out', out.dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^localprop: --out \S+ is a folder; give a file name\n$/);
      expect(r.stdout).toBe('');
    });

    it('init and grad follow the same contract', async () => {
      const out = freshOut();
      const spec = fixture('init-zero.net.json', { ...smallNet, layers: [{ type: 'dense', units: 0 }] });
      expectCleanFailure(
        await runCli(['init', '--net', spec, '--out', out.file]),
        out,
        /layers\[0\]\.units must be a positive integer, got 0/,
      );
      const p = fixture('grad.params.json', good('"NaN"'));
      expectCleanFailure(
        await runCli(['grad', '--net', net, '--params', p, '--data', batch]),
        freshOut(),
        /grad\.params\.json: layers\[0\]\.weights\[0\]\[0\] is "NaN"/,
      );
      const c = fixture('grad.csv', '1,2,3,4\n');
      expectCleanFailure(
        await runCli(['grad', '--net', net, '--params', fixture('g2.params.json', good('0')), '--data', c]),
        freshOut(),
        /grad\.csv:1: expected 5 columns/,
      );
    });
  });
});

describe('run with an unknown experiment name', () => {
  it('lists the valid names, writes nothing', async () => {
    const out = freshOut();
    const results = join(out.dir, 'results');
    const r = await runCli(['run', 'no-such-experiment', '--quiet', '--out', results]);
    expectCleanFailure(r, out, /^localprop: unknown experiment "no-such-experiment"; expected one of: /);
    const names = readdirSync(join(import.meta.dirname, '..', '..', 'experiments'))
      .map((f) => f.match(/^\d+-([a-z0-9-]+)\.ts$/)?.[1])
      .filter((n): n is string => n !== undefined);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(r.stderr).toMatch(new RegExp(`[:,] ${name}(,|$)`, 'm'));
  });
});

describe('run and report with an --out that cannot be a results folder', () => {
  it('a file where the folder should be, or inside the path, is bad input before any experiment runs', async () => {
    const out = freshOut();
    const file = join(out.dir, 'a-file');
    writeFileSync(file, 'not a folder');
    for (const args of [
      ['run', 'activations', '--quiet', '--out', file],
      ['run', 'activations', '--quiet', '--out', join(file, 'results')],
      ['report', '--out', file],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^localprop: --out .*(is a file; give a folder|is a file, not a folder)\n$/);
      expect(readFileSync(file, 'utf8')).toBe('not a folder');
      expect(readdirSync(out.dir)).toEqual(['a-file']);
    }
  });
});

/** Params for smallNet, all zero but weight [0][0] of layer 0, written as given. */
function good(w00: string): string {
  return (
    `{"layers":[{"weights":[[${w00},0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0],[0,0,0,0]],"bias":[0,0,0,0,0]},` +
    `{"weights":[[0,0,0,0,0],[0,0,0,0,0],[0,0,0,0,0]],"bias":[0,0,0]}]}`
  );
}
