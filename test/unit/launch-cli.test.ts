import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'jsonc-parser';
import { main } from '../../src/cli';
import type { CliIo } from '../../src/cli/io';
import { fixture } from '../fixtures';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t + '\n'), err: (t) => void (err += t + '\n'), isTty: false };
  const code = await main(argv, io);
  return { code, out, err };
}

const BASE = [
  'launch',
  '--experiment',
  'bert/sentence_prediction',
  '--mode',
  'train',
  '--model-dir',
  '/tmp/out',
];

describe('launch: CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-launch-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('launch --json prints {argv, overrides, problems, text}', async () => {
    const { code, out } = await cli([
      ...BASE,
      '--model',
      'bert_en_uncased_L-12_H-768_A-12',
      '--source',
      'hub',
      '--gpus',
      '2',
      '--override',
      'trainer.train_steps=100',
      '--json',
    ]);
    assert.equal(code, 0);
    const json = JSON.parse(out) as {
      argv: string[];
      overrides: Record<string, unknown>;
      problems: unknown[];
      text: string;
    };
    assert.deepEqual(Object.keys(json), ['argv', 'overrides', 'problems', 'text']);
    assert.deepEqual(json.argv.slice(0, 3), ['python3', 'train.py', '--experiment=bert/sentence_prediction']);
    assert.equal(
      json.overrides['task.hub_module_url'],
      'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
    );
    assert.equal(json.overrides['trainer.train_steps'], 100);
    assert.equal(json.overrides['runtime.num_gpus'], 2);
    assert.deepEqual(json.problems, []);
    assert.ok(json.text.startsWith('python3 train.py '));
  });

  it('launch reports problems and exits 1 on errors', async () => {
    const { code, out } = await cli([
      ...BASE,
      '--model',
      'bert_en_cased_L-12_H-768_A-12',
      '--source',
      'checkpoint',
      '--checkpoint',
      'gs://b/bert_model.ckpt.index',
      '--override',
      'task.hub_module_url=https://tfhub.dev/x/1',
      '--json',
    ]);
    assert.equal(code, 1);
    const codes = (
      JSON.parse(out) as { problems: { code: string; severity: string; message: string }[] }
    ).problems.map((p) => p.code);
    assert.ok(codes.includes('checkpoint-is-file'));
    assert.ok(codes.includes('init-and-hub'));
  });

  it('refuses a hub-only model from a checkpoint with a usage error', async () => {
    const { code, err } = await cli([
      ...BASE,
      '--model',
      'talkheads_ggelu_bert_en_base',
      '--source',
      'checkpoint',
    ]);
    assert.equal(code, 2);
    assert.match(err, /only on TF-Hub/);
  });

  it('every target renders', async () => {
    for (const target of ['shell', 'powershell', 'cmd', 'launch', 'task', 'vertex', 'tpu']) {
      const { out } = await cli([
        ...BASE,
        '--model',
        'albert_en_base',
        '--source',
        'hub',
        '--target',
        target,
      ]);
      assert.ok(out.length > 40, target);
    }
  });

  it('--write inserts into DIR/.vscode/launch.json keeping comments, refuses a duplicate without --replace', async () => {
    fs.mkdirSync(path.join(dir, '.vscode'));
    const original =
      '{\n  // mine\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "Other" } // keep\n  ]\n}\n';
    fs.writeFileSync(path.join(dir, '.vscode', 'launch.json'), original);
    const args = [
      ...BASE,
      '--model',
      'albert_en_base',
      '--source',
      'hub',
      '--write',
      dir,
      '--name',
      'ALBERT MNLI',
    ];
    const first = await cli(args);
    assert.equal(first.code, 0, first.err);
    const text = fs.readFileSync(path.join(dir, '.vscode', 'launch.json'), 'utf8');
    assert.ok(text.includes('// mine') && text.includes('{ "name": "Other" }, // keep'));
    const configs = (parse(text) as { configurations: { name: string; type: string }[] }).configurations;
    assert.deepEqual(
      configs.map((c) => c.name),
      ['Other', 'ALBERT MNLI'],
    );
    assert.equal(configs[1].type, 'debugpy');
    const again = await cli(args);
    assert.equal(again.code, 1);
    assert.match(again.err, /--replace/);
    const replaced = await cli([...args, '--replace', '--gpus', '1']);
    assert.equal(replaced.code, 0);
    assert.equal(
      (
        parse(fs.readFileSync(path.join(dir, '.vscode', 'launch.json'), 'utf8')) as {
          configurations: unknown[];
        }
      ).configurations.length,
      2,
    );
  });

  it('--write --target task writes tasks.json', async () => {
    const { code } = await cli([
      ...BASE,
      '--model',
      'albert_en_base',
      '--source',
      'hub',
      '--target',
      'task',
      '--write',
      dir,
      '--name',
      'train',
    ]);
    assert.equal(code, 0);
    const tasks = (
      parse(fs.readFileSync(path.join(dir, '.vscode', 'tasks.json'), 'utf8')) as {
        tasks: { label: string; type: string }[];
      }
    ).tasks;
    assert.deepEqual(
      tasks.map((t) => [t.label, t.type]),
      [['train', 'shell']],
    );
  });

  it('a local checkpoint reads the encoder from the bert_config.json beside it (fixture)', async function () {
    const ckpt = fixture(this, 'kerasbert_tiny_bert_tf1', 'bert_model.ckpt.index').replace(/\.index$/, '');
    const { out } = await cli([
      ...BASE,
      '--source',
      'checkpoint',
      '--checkpoint',
      ckpt,
      '--override',
      'task.train_data.seq_length=16',
      '--json',
    ]);
    const json = JSON.parse(out) as { overrides: Record<string, unknown> };
    assert.equal(json.overrides['task.model.encoder.bert.hidden_size'], 4);
    assert.equal(json.overrides['task.init_checkpoint'], ckpt);
  });

  it('validate FILE prints problems with line and column and exits 1 on errors', async () => {
    const file = path.join(dir, 'run.sh');
    fs.writeFileSync(
      file,
      '#!/bin/sh\npython3 train.py --experiment=bert/squad \\\n  --mode=trian --model_dir=/tmp/o\n',
    );
    const { code, out } = await cli(['validate', file]);
    assert.equal(code, 1);
    const report = JSON.parse(out) as {
      file: string;
      problems: { code: string; line: number; column: number; endColumn: number }[];
    };
    assert.deepEqual(
      report.problems.map((p) => [p.code, p.line, p.column, p.endColumn]),
      [['unknown-mode', 3, 10, 15]],
    );
    fs.writeFileSync(file, 'python3 train.py --experiment=bert/squad --mode=train --model_dir=/tmp/o\n');
    const clean = await cli(['validate', file]);
    assert.equal(clean.code, 0);
    assert.deepEqual((JSON.parse(clean.out) as { problems: unknown[] }).problems, []);
  });

  it('validate understands launch.json and refuses unknown file kinds', async () => {
    fs.mkdirSync(path.join(dir, '.vscode'));
    const file = path.join(dir, '.vscode', 'launch.json');
    fs.writeFileSync(
      file,
      '{"configurations":[{"name":"x","program":"${workspaceFolder}/train.py","args":["--experiment=bert/squad","--mode=train"]}]}',
    );
    const { code, out } = await cli(['validate', file]);
    assert.equal(code, 1);
    assert.equal((JSON.parse(out) as { problems: { code: string }[] }).problems[0].code, 'missing-model-dir');
    const bad = await cli(['validate', path.join(dir, 'x.txt')]);
    assert.equal(bad.code, 2);
  });

  it('resolve refuses what it cannot run, with the reason, before starting Python', async () => {
    const script = path.join(dir, 'run.sh');
    fs.writeFileSync(script, 'echo no trainer here\n');
    const none = await cli(['resolve', script]);
    assert.equal(none.code, 1);
    assert.match(none.err, /no train\.py call found/);
    fs.writeFileSync(script, 'python3 train.py --experiment=bert/squad --mode=train\n');
    const index = await cli(['resolve', script, '--index', '1']);
    assert.equal(index.code, 1);
    assert.match(index.err, /--index 1, but the file has 1 train\.py call/);
    fs.writeFileSync(script, 'python3 train.py --mode=train\n');
    const noExperiment = await cli(['resolve', script]);
    assert.equal(noExperiment.code, 1);
    assert.match(noExperiment.err, /no --experiment/);
    assert.equal((await cli(['resolve', path.join(dir, 'x.txt')])).code, 2);
    assert.equal((await cli(['resolve', script, '--kind', 'yaml'])).code, 2);
    assert.equal((await cli(['resolve', script, '--index', '-1'])).code, 2);
    assert.equal((await cli(['resolve', script, '--config-base-url', 'ftp://mirror'])).code, 2);
    // A Python that is not there: exit 1 naming it.
    fs.writeFileSync(script, 'python3 train.py --experiment=bert/squad --mode=train\n');
    const missing = path.join(dir, 'no-such-python');
    const noPython = await cli(['resolve', script, '--python', missing]);
    assert.equal(noPython.code, 1);
    assert.ok(noPython.err.includes(missing), noPython.err);
  });
});
