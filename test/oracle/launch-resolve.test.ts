// Resolve Configuration's script against the installed Model Garden: the final experiment config
// train.py would run (as train_utils.ExperimentParser builds it), and each failure named by the
// step and flag it concerns. Uses the MNLI command of official/nlp/docs/train.md, also as a pip
// user runs it: the Model Garden's config files of the installed version are downloaded (from a
// 127.0.0.1 server standing in for raw.githubusercontent.com) and the command resolves with them.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { requireModel } from '../../src/core/catalog';
import {
  argOfStage,
  buildSpec,
  downloadConfigFiles,
  resolveExperimentConfig,
  resolveRequest,
  resolveWithConfigStore,
  SHIPPED_CONFIG_FILES,
  specArgs,
  storedConfigPath,
} from '../../src/core/launch';
import { repoRoot, skipBecause } from '../fixtures';
import { dropAfter, serveBytes, TestServer } from '../unit/download-server';
import { oraclePython, runOracleScript } from './oracle';

/** Runs dist/cli.js (without waiting synchronously: the test server answers in this process). */
function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [path.join(repoRoot, 'dist', 'cli.js'), ...args],
      { maxBuffer: 16 << 20, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    ),
  );
}

/** train.md, "local GPU" MNLI command (MODEL_GARDEN.md §3), flags after train.py. */
const MNLI = [
  '--experiment=bert/sentence_prediction',
  '--mode=train',
  '--model_dir=/a-folder-to-hold-checkpoints-and-logs/',
  '--config_file=configs/models/bert_en_uncased_base.yaml',
  '--config_file=configs/experiments/glue_mnli_matched.yaml',
  '--params_override=runtime.distribution_strategy=mirrored,task.train_data.input_path=/path-to-your-training-data/',
];

describe('launch: Resolve Configuration with the real Model Garden', function () {
  it('the train.md MNLI command: the pip package has no configs/*.yaml, reported on the first --config_file', async function () {
    const python = oraclePython(this);
    const result = await resolveExperimentConfig(python, resolveRequest(MNLI)!);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.stage === 'config_file' && result.index === 0, JSON.stringify(result));
    assert.equal(!result.ok && argOfStage(MNLI, result), 3);
  });

  it('the same MNLI run as the wizard writes it for the package resolves to the final YAML', async function () {
    const python = oraclePython(this);
    const spec = buildSpec({
      model: requireModel('bert_en_uncased_L-12_H-768_A-12'),
      source: 'hub',
      experiment: 'bert/sentence_prediction',
      mode: 'train',
      modelDir: '/tmp/mnli',
      trainData: '/path-to-your-training-data/',
      numClasses: 3,
      distribution: { kind: 'gpu', count: 1 },
      repository: { layout: 'module' },
    }).spec;
    const result = await resolveExperimentConfig(python, resolveRequest(specArgs(spec))!);
    assert.ok(result.ok, JSON.stringify(result));
    const config = parseYaml(result.yaml) as {
      task: { model: { num_classes: number }; hub_module_url: string; train_data: { input_path: string } };
      runtime: { distribution_strategy: string; num_gpus: number };
    };
    assert.equal(config.task.model.num_classes, 3);
    assert.equal(
      config.task.hub_module_url,
      'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
    );
    assert.equal(config.task.train_data.input_path, '/path-to-your-training-data/');
    assert.equal(config.runtime.distribution_strategy, 'mirrored');
    assert.equal(config.runtime.num_gpus, 1);
  });

  it('an override key the experiment does not have fails at --params_override', async function () {
    const python = oraclePython(this);
    const args = ['--experiment=bert/squad', '--mode=train', '--params_override=task.no_such_key=1'];
    const result = await resolveExperimentConfig(python, resolveRequest(args)!);
    assert.ok(!result.ok && result.stage === 'params_override', JSON.stringify(result));
    assert.match(!result.ok ? result.message : '', /no_such_key/);
    assert.equal(!result.ok && argOfStage(args, result), 2);
  });

  it('the train.md MNLI command for a pip user: the config files of the installed version are downloaded, then it resolves', async function () {
    const python = oraclePython(this);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-config-store-'));
    const server = await new TestServer().start();
    try {
      // The run's folder has no configs/ (a pip user's project); the store is empty.
      const cwd = path.join(work, 'project');
      fs.mkdirSync(cwd);
      const store = path.join(work, 'store');
      const request = resolveRequest(MNLI)!;
      const before = await resolveWithConfigStore(python, request, { cwd, store });
      assert.ok(!before.result.ok && before.result.stage === 'config_file', JSON.stringify(before.result));
      assert.equal(!before.result.ok && before.result.index, 0);
      const version = before.version;
      assert.ok(version, 'the run reports the installed tf-models-official version');
      assert.deepEqual(before.missing, [
        'configs/models/bert_en_uncased_base.yaml',
        'configs/experiments/glue_mnli_matched.yaml',
      ]);

      // What the server holds: the two files written with the Model Garden's own config classes
      // (test/oracle/nlp_config_yaml.py), at the paths of the tensorflow/models tag v<version>.
      const served = path.join(work, 'served');
      runOracleScript(this, 'nlp_config_yaml.py', [served]);
      const mnli = 'configs/experiments/glue_mnli_matched.yaml';
      for (const file of before.missing) {
        const data = fs.readFileSync(path.join(served, 'official', 'nlp', file));
        const part = storedConfigPath(store, version, file) + '.part';
        // The MNLI file's first response drops after 100 bytes: the download resumes from there.
        server.on(`/v${version}/official/nlp/${file}`, (req, res, index) =>
          file === mnli && index === 0 ? dropAfter(res, data, 100, '"v1"', part) : serveBytes(req, res, data),
        );
      }
      const downloaded = await downloadConfigFiles({
        store,
        version,
        needed: before.missing,
        baseUrl: server.url(''),
        backoffMs: 10,
      });
      assert.deepEqual([...downloaded.present].sort(), [...before.missing].sort());
      // The other files of the usual set are not on this server (404): skipped, not an error.
      assert.deepEqual(
        [...downloaded.absent].sort(),
        SHIPPED_CONFIG_FILES.filter((f) => !before.missing.includes(f)).sort(),
      );
      assert.equal(server.requestsFor(`/v${version}/official/nlp/${mnli}`)[1]?.headers.range, 'bytes=100-');
      for (const file of before.missing) {
        assert.deepEqual(
          fs.readFileSync(storedConfigPath(store, version, file)),
          fs.readFileSync(path.join(served, 'official', 'nlp', file)),
        );
        assert.ok(!fs.existsSync(storedConfigPath(store, version, file) + '.part'), 'nothing partial left');
      }

      // Resolved with the downloaded files (the version known from the first run: one run).
      const after = await resolveWithConfigStore(python, request, { cwd, store, version });
      assert.ok(after.result.ok, JSON.stringify(after.result));
      assert.deepEqual(
        after.replaced.map((r) => [r.index, r.from, r.to]),
        before.missing.map((file, index) => [index, file, storedConfigPath(store, version, file)]),
      );
      const config = parseYaml(after.result.yaml) as {
        task: {
          model: {
            num_classes: number;
            encoder: { type: string; bert: { hidden_size: number; num_layers: number } };
          };
          train_data: { input_path: string; seq_length: number; global_batch_size: number };
        };
        trainer: { train_steps: number; optimizer_config: { optimizer: { type: string } } };
        runtime: { distribution_strategy: string };
      };
      assert.equal(config.task.model.num_classes, 3);
      assert.equal(config.task.model.encoder.type, 'bert');
      assert.equal(config.task.model.encoder.bert.hidden_size, 768);
      assert.equal(config.task.model.encoder.bert.num_layers, 12);
      assert.equal(config.task.train_data.seq_length, 128);
      assert.equal(config.task.train_data.global_batch_size, 32);
      assert.equal(config.task.train_data.input_path, '/path-to-your-training-data/');
      assert.equal(config.trainer.train_steps, 36813);
      assert.equal(config.trainer.optimizer_config.optimizer.type, 'adamw');
      assert.equal(config.runtime.distribution_strategy, 'mirrored');

      // Not knowing the version beforehand: the failed run is repeated once with the stored files.
      const unknown = await resolveWithConfigStore(python, request, { cwd, store });
      assert.ok(unknown.result.ok, JSON.stringify(unknown.result));
      assert.equal(unknown.replaced.length, 2);
    } finally {
      await server.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('model-garden resolve on a script with the MNLI command: names what is missing, --get-configs downloads it and prints the YAML, the store is reused', async function () {
    const python = oraclePython(this);
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'cli.js')))
      skipBecause(this, 'dist/cli.js is not built (npm run build)');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-resolve-'));
    const server = await new TestServer().start();
    try {
      const script = path.join(work, 'project', 'mnli.sh');
      fs.mkdirSync(path.dirname(script));
      fs.writeFileSync(
        script,
        `#!/bin/bash\npython3 train.py \\\n  ${MNLI.map((a) => `'${a}'`).join(' \\\n  ')}\n`,
      );
      const store = path.join(work, 'store');
      const base = ['resolve', script, '--python', python, '--config-store', store];

      const first = await cli(base);
      assert.equal(first.code, 1, first.stderr);
      assert.match(first.stderr, /train\.py would fail \(config_file\)/);
      assert.match(
        first.stderr,
        /configs\/models\/bert_en_uncased_base\.yaml, configs\/experiments\/glue_mnli_matched\.yaml are not there/,
      );
      assert.match(first.stderr, /--get-configs/);
      assert.equal(first.stdout, '');

      const served = path.join(work, 'served');
      runOracleScript(this, 'nlp_config_yaml.py', [served]);
      // The installed version, as the resolve script reads it: the files are served at its tag.
      const version = execFileSync(
        python,
        ['-c', "from importlib import metadata; print(metadata.version('tf-models-official'))"],
        {
          encoding: 'utf8',
        },
      ).trim();
      for (const file of [
        'configs/models/bert_en_uncased_base.yaml',
        'configs/experiments/glue_mnli_matched.yaml',
      ])
        server.on(`/v${version}/official/nlp/${file}`, (req, res) =>
          serveBytes(req, res, fs.readFileSync(path.join(served, 'official', 'nlp', file))),
        );
      const got = await cli([...base, '--get-configs', '--config-base-url', server.url(''), '--json']);
      assert.equal(got.code, 0, got.stderr);
      const report = JSON.parse(got.stdout) as {
        ok: boolean;
        yaml: string;
        version: string;
        replaced: { index: number; from: string; to: string }[];
      };
      assert.equal(report.ok, true);
      assert.equal(report.version, version);
      assert.deepEqual(
        report.replaced.map((r) => [r.index, r.from, r.to]),
        [
          [
            0,
            'configs/models/bert_en_uncased_base.yaml',
            storedConfigPath(store, report.version, 'configs/models/bert_en_uncased_base.yaml'),
          ],
          [
            1,
            'configs/experiments/glue_mnli_matched.yaml',
            storedConfigPath(store, report.version, 'configs/experiments/glue_mnli_matched.yaml'),
          ],
        ],
      );
      const config = parseYaml(report.yaml) as {
        task: { model: { num_classes: number; encoder: { bert: { hidden_size: number } } } };
        trainer: { train_steps: number };
      };
      assert.equal(config.task.model.num_classes, 3);
      assert.equal(config.task.model.encoder.bert.hidden_size, 768);
      assert.equal(config.trainer.train_steps, 36813);
      const requests = server.requests.length;

      // Again without --get-configs: the stored files are used, nothing is downloaded, the YAML is printed.
      const again = await cli(base);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(server.requests.length, requests);
      assert.match(
        again.stderr,
        /configs\/models\/bert_en_uncased_base\.yaml read from .*pass --config_file=/,
      );
      assert.equal(
        (parseYaml(again.stdout) as { trainer: { train_steps: number } }).trainer.train_steps,
        36813,
      );
    } finally {
      await server.close();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
