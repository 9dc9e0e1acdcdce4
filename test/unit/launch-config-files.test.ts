// The Model Garden's config files for a pip user: which --config_file values name them, where the
// downloaded copies live, the download from a (local) tensorflow/models mirror, and what a missing
// file or a bad name does. The oracle tier resolves the train.md MNLI command with them.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  configFileUrl,
  downloadConfigFiles,
  shippedConfigPath,
  storedConfigPath,
  SHIPPED_CONFIG_FILES,
  validateArgs,
  withStoredConfigs,
} from '../../src/core/launch';
import { DownloadError } from '../../src/core/download';
import { serveBytes, TestServer } from './download-server';

describe('launch: the Model Garden config files for tf-models-official', () => {
  let work: string;
  let server: TestServer;
  beforeEach(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-config-files-'));
    server = await new TestServer().start();
  });
  afterEach(async () => {
    await server.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('names the shipped files as train.md writes them and as the repository holds them, nothing else', () => {
    assert.equal(
      shippedConfigPath('configs/models/bert_en_uncased_base.yaml'),
      'configs/models/bert_en_uncased_base.yaml',
    );
    assert.equal(
      shippedConfigPath('official/nlp/configs/experiments/glue_mnli_matched.yaml'),
      'configs/experiments/glue_mnli_matched.yaml',
    );
    assert.equal(
      shippedConfigPath('./configs/experiments/squad_v1.yaml'),
      'configs/experiments/squad_v1.yaml',
    );
    for (const other of [
      'my.yaml',
      'configs/../../etc/passwd.yaml',
      'configs/models/x.json',
      '/abs/configs/models/x.yaml',
      'gs://b/configs/models/x.yaml',
      'vision/configs/x.yaml',
    ]) {
      assert.equal(shippedConfigPath(other), undefined, other);
    }
    assert.equal(
      configFileUrl(
        'https://raw.githubusercontent.com/tensorflow/models/',
        '2.20.0',
        'configs/models/albert_base.yaml',
      ),
      'https://raw.githubusercontent.com/tensorflow/models/v2.20.0/official/nlp/configs/models/albert_base.yaml',
    );
  });

  it('downloads the needed files and the usual set (a file this version lacks is skipped); existing ones are kept', async () => {
    const store = path.join(work, 'store');
    const served = new Map<string, Buffer>([
      ['configs/models/bert_en_uncased_base.yaml', Buffer.from('task:\n  model: {}\n')],
      ['configs/experiments/glue_mnli_matched.yaml', Buffer.from('task:\n  model:\n    num_classes: 3\n')],
    ]);
    for (const [file, data] of served)
      server.on(`/v2.19.0/official/nlp/${file}`, (req, res) => serveBytes(req, res, data));
    const result = await downloadConfigFiles({
      store,
      version: '2.19.0',
      needed: [
        'configs/models/bert_en_uncased_base.yaml',
        'official/nlp/configs/experiments/glue_mnli_matched.yaml',
      ],
      baseUrl: server.url('/'),
      retries: 0,
    });
    assert.deepEqual([...result.present].sort(), [...served.keys()].sort());
    assert.deepEqual([...result.absent].sort(), SHIPPED_CONFIG_FILES.filter((f) => !served.has(f)).sort());
    for (const [file, data] of served)
      assert.deepEqual(fs.readFileSync(storedConfigPath(store, '2.19.0', file)), data);
    const requests = server.requests.length;
    const again = await downloadConfigFiles({
      store,
      version: '2.19.0',
      needed: ['configs/models/bert_en_uncased_base.yaml'],
      baseUrl: server.url('/'),
      retries: 0,
    });
    assert.ok(again.present.includes('configs/models/bert_en_uncased_base.yaml'));
    assert.deepEqual(
      server.requests
        .slice(requests)
        .map((r) => r.path)
        .sort(),
      result.absent.map((f) => `/v2.19.0/official/nlp/${f}`).sort(),
      'files already there are not asked for again',
    );

    // Relative paths that are not where the command runs are read from the store; others are kept.
    const cwd = path.join(work, 'project');
    fs.mkdirSync(path.join(cwd, 'configs', 'models'), { recursive: true });
    fs.writeFileSync(path.join(cwd, 'configs', 'models', 'albert_base.yaml'), 'task: {}\n');
    const replaced = withStoredConfigs(
      [
        'configs/models/bert_en_uncased_base.yaml',
        'configs/models/albert_base.yaml',
        'configs/experiments/squad_v1.yaml',
        'mine.yaml',
      ],
      { cwd, store, version: '2.19.0' },
    );
    assert.deepEqual(replaced.configFiles, [
      storedConfigPath(store, '2.19.0', 'configs/models/bert_en_uncased_base.yaml'),
      'configs/models/albert_base.yaml',
      'configs/experiments/squad_v1.yaml',
      'mine.yaml',
    ]);
    assert.deepEqual(replaced.missing, ['configs/experiments/squad_v1.yaml']);
    assert.deepEqual(
      replaced.replaced.map((r) => r.index),
      [0],
    );
  });

  it('a needed file the version does not have is a clear error naming it; nothing is left at its path', async () => {
    const store = path.join(work, 'store');
    await assert.rejects(
      downloadConfigFiles({
        store,
        version: '2.19.0',
        needed: ['configs/models/no_such_model.yaml'],
        baseUrl: server.url(''),
        retries: 0,
      }),
      (error: DownloadError) => {
        assert.equal(error.code, 'http');
        assert.match(
          error.message,
          /tensorflow\/models v2\.19\.0 has no official\/nlp\/configs\/models\/no_such_model\.yaml/,
        );
        return true;
      },
    );
    assert.ok(!fs.existsSync(storedConfigPath(store, '2.19.0', 'configs/models/no_such_model.yaml')));
    await assert.rejects(
      downloadConfigFiles({ store, version: '2.19.0', needed: ['../../x.yaml'], baseUrl: server.url('') }),
      /is not a file of the Model Garden's official\/nlp\/configs/,
    );
  });

  it('validation: a missing configs/… file says how to get it, or offers the downloaded copy', () => {
    const args = [
      '--experiment=bert/sentence_prediction',
      '--mode=train',
      '--model_dir=/tmp/o',
      '--config_file=configs/models/bert_en_uncased_base.yaml',
    ];
    const missing = validateArgs(args, { cwd: work }).filter((p) => p.code === 'path-not-found');
    assert.equal(missing.length, 1);
    assert.equal(missing[0].arg, 3);
    assert.match(
      missing[0].message,
      /ships no configs\/\*\.yaml: get them with Model Garden: Get the Model Garden's Config Files/,
    );
    assert.equal(missing[0].fixes?.length ?? 0, 0);
    const stored = path.join(
      work,
      'store',
      'v2.20.0',
      'official',
      'nlp',
      'configs',
      'models',
      'bert_en_uncased_base.yaml',
    );
    const offered = validateArgs(args, {
      cwd: work,
      storedConfig: (value) => (value === 'configs/models/bert_en_uncased_base.yaml' ? stored : undefined),
    }).filter((p) => p.code === 'path-not-found');
    assert.equal(offered.length, 1);
    assert.deepEqual(offered[0].fixes?.[0].edits, [{ arg: 3, value: `--config_file=${stored}` }]);
    // A file that is there is not reported, downloaded copy or not.
    fs.mkdirSync(path.join(work, 'configs', 'models'), { recursive: true });
    fs.writeFileSync(path.join(work, 'configs', 'models', 'bert_en_uncased_base.yaml'), 'task: {}\n');
    assert.deepEqual(
      validateArgs(args, { cwd: work, storedConfig: () => stored }).filter(
        (p) => p.code === 'path-not-found',
      ),
      [],
    );
  });
});
