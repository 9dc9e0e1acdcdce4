// `validate` on files it cannot check: not JSON, binary, empty, the wrong shape, nested too deep,
// not a regular file, too large. Each is an error with a clear message (never "no problems"), and
// a byte order mark is read the same way by `validate` and `launch --write`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { main } from '../../src/cli';
import { checkText, MAX_JSON_DEPTH, MAX_LAUNCH_FILE_BYTES } from '../../src/core/launch';
import { captureIo } from '../support/captureIo';
import { skipBecause } from '../fixtures';

interface Report {
  problems: { code: string; severity: string; message: string; line: number; column: number }[];
}

async function validate(file: string): Promise<{ code: number; report?: Report; err: string }> {
  const io = captureIo();
  const code = await main(['validate', file], io);
  return { code, report: io.stdout ? (JSON.parse(io.stdout) as Report) : undefined, err: io.stderr };
}

const TRAIN = `{"name":"t","type":"debugpy","request":"launch","program":"train.py","args":["--experiment=bert/squad","--mode=train"]}`;

describe('validate: files it cannot check are errors, not "no problems"', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-validate-input-'));
    fs.mkdirSync(path.join(dir, '.vscode'));
    file = path.join(dir, '.vscode', 'launch.json');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const cases: [string, string | Buffer, RegExp, number, number][] = [
    [
      'not JSON',
      '{\n  "configurations": [\n    oops\n  ]\n}\n',
      /not valid JSON with comments: InvalidSymbol/,
      3,
      5,
    ],
    ['binary', Buffer.from([0x7b, 0x0a, 0x00, 0xff, 0xfe, 0x7d]), /not a text file/, 2, 1],
    ['invalid UTF-8', Buffer.from('{"configurations": ["\xff"]}', 'latin1'), /not a text file/, 1, 22],
    ['empty', '', /launch\.json is empty/, 1, 1],
    ['only comments', '// nothing yet\n', /launch\.json is empty/, 1, 1],
    ['an array at the top', `[${TRAIN}]`, /top level of the launch\.json is an array/, 1, 1],
    [
      'configurations not an array',
      '{"configurations": {"a": 1}}',
      /"configurations" must be an array, not an object/,
      1,
      20,
    ],
  ];
  for (const [what, content, message, line, column] of cases) {
    it(`${what}: one invalid-file error at ${line}:${column}, exit 1`, async () => {
      fs.writeFileSync(file, content);
      const { code, report } = await validate(file);
      assert.equal(code, 1);
      const invalid = report!.problems.filter((p) => p.code === 'invalid-file');
      assert.equal(invalid.length, 1, JSON.stringify(report));
      assert.equal(invalid[0].severity, 'error');
      assert.match(invalid[0].message, message);
      assert.deepEqual([invalid[0].line, invalid[0].column], [line, column]);
    });
  }

  it('a binary shell script is an error too; an empty one is fine', async () => {
    const script = path.join(dir, 'run.sh');
    fs.writeFileSync(script, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00]));
    const binary = await validate(script);
    assert.equal(binary.code, 1);
    assert.equal(binary.report!.problems[0].code, 'invalid-file');
    fs.writeFileSync(script, '');
    assert.equal((await validate(script)).code, 0);
  });

  it('the editor option structure:false leaves syntax to VS Code and still checks what parses', () => {
    const text = `{"configurations": [${TRAIN}] oops`;
    assert.deepEqual(
      checkText(text, 'launch', { probe: null, structure: false }).map((p) => p.code),
      ['missing-model-dir'],
    );
    assert.deepEqual(
      checkText(text, 'launch', { probe: null }).map((p) => p.code),
      ['missing-model-dir', 'invalid-file'],
    );
  });

  it('deep nesting is a clear error from validate and launch --write, not a stack overflow', async () => {
    const depth = 200_000;
    const deep = `{"configurations": [${TRAIN}], "x": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    fs.writeFileSync(file, deep);
    const { code, report } = await validate(file);
    assert.equal(code, 1);
    const invalid = report!.problems.find((p) => p.code === 'invalid-file')!;
    assert.match(invalid.message, new RegExp(`more than ${MAX_JSON_DEPTH} levels`));
    const io = captureIo();
    const written = await main(
      [
        'launch',
        '--experiment',
        'bert/squad',
        '--mode',
        'train',
        '--model-dir',
        '/tmp/o',
        '--model',
        'albert_en_base',
        '--source',
        'hub',
        '--write',
        dir,
        '--name',
        'ALBERT',
      ],
      io,
    );
    assert.equal(written, 1);
    assert.match(io.stderr, new RegExp(`nest more than ${MAX_JSON_DEPTH} levels deep.*left untouched`));
    assert.doesNotMatch(io.stderr, /call stack/);
    assert.equal(fs.readFileSync(file, 'utf8'), deep);
  });

  it('a byte order mark: validate checks the file, launch --write edits it and keeps the mark', async () => {
    fs.writeFileSync(file, `\ufeff{"version": "0.2.0", "configurations": [${TRAIN}]}\n`);
    const { code, report } = await validate(file);
    assert.equal(code, 1);
    assert.deepEqual(
      report!.problems.map((p) => p.code),
      ['missing-model-dir'],
    );
    const io = captureIo();
    const written = await main(
      [
        'launch',
        '--experiment',
        'bert/squad',
        '--mode',
        'train',
        '--model-dir',
        '/tmp/o',
        '--model',
        'albert_en_base',
        '--source',
        'hub',
        '--write',
        dir,
        '--name',
        'ALBERT',
      ],
      io,
    );
    assert.equal(written, 0, io.stderr);
    const text = fs.readFileSync(file, 'utf8');
    assert.equal(text.charCodeAt(0), 0xfeff);
    assert.deepEqual(
      (parse(text.slice(1)) as { configurations: { name: string }[] }).configurations.map((c) => c.name),
      ['t', 'ALBERT'],
    );
  });
});

describe('validate: only regular files of a bounded size are read', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-validate-read-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a folder named launch.json: exit 1 with the path, no EISDIR', async () => {
    const folder = path.join(dir, 'launch.json');
    fs.mkdirSync(folder);
    const { code, err } = await validate(folder);
    assert.equal(code, 1);
    assert.ok(err.includes(`${folder}: the file to validate must be a regular file, this is a folder`), err);
  });

  it('a FIFO is refused without blocking', async function () {
    const fifo = path.join(dir, 'run.sh');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) skipBecause(this, 'mkfifo is not available');
    const { code, err } = await validate(fifo);
    assert.equal(code, 1);
    assert.ok(
      err.includes(`${fifo}: the file to validate must be a regular file, this is a named pipe (FIFO)`),
      err,
    );
  });

  it('/dev/zero (through a launch.json symlink) is refused, not read forever', async function () {
    if (!fs.existsSync('/dev/zero')) skipBecause(this, '/dev/zero does not exist here');
    const link = path.join(dir, 'launch.json');
    fs.symlinkSync('/dev/zero', link);
    const { code, err } = await validate(link);
    assert.equal(code, 1);
    assert.ok(
      err.includes(`${link}: the file to validate must be a regular file, this is a character device`),
      err,
    );
  });

  it(`a file over ${MAX_LAUNCH_FILE_BYTES / 1024 / 1024} MB is refused with its size; one at the cap is read`, async () => {
    const big = path.join(dir, 'launch.json');
    fs.writeFileSync(big, '{"configurations": []}');
    fs.truncateSync(big, MAX_LAUNCH_FILE_BYTES + 1);
    const over = await validate(big);
    assert.equal(over.code, 1);
    assert.ok(
      over.err.includes(`${big}: the file to validate is 8.0 MB, more than the limit of 8.0 MB`),
      over.err,
    );
    // At the cap it is read (and the NUL padding is reported as binary, proving it was read).
    fs.truncateSync(big, MAX_LAUNCH_FILE_BYTES);
    const at = await validate(big);
    assert.equal(at.code, 1);
    assert.equal(at.report!.problems[0].code, 'invalid-file');
  });
});
