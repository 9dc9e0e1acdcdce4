import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { CATALOG } from '../../src/core/catalog';
import { repoRoot, skipBecause } from '../fixtures';
import { captureIo } from '../support/captureIo';

const REQUIRED_KEYS = [
  'id',
  'family',
  'name',
  'config',
  'layers',
  'hidden',
  'heads',
  'vocabSize',
  'casing',
  'language',
  'tokenizer',
  'checkpointUrl',
  'hubUrl',
  'preprocessUrl',
];

describe('model-garden catalog', () => {
  it('prints every model as JSON with the documented keys, null where a model has none', async () => {
    const io = captureIo();
    assert.equal(await main(['catalog', '--json'], io), 0);
    const models = JSON.parse(io.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      models.map((m) => m.id),
      CATALOG.map((m) => m.id),
    );
    for (const model of models) {
      for (const key of REQUIRED_KEYS) assert.ok(key in model, `${String(model.id)} lacks ${key}`);
    }
    const talkingHeads = models.find((m) => m.id === 'talkheads_ggelu_bert_en_base')!;
    assert.equal(talkingHeads.checkpointUrl, null);
    assert.equal(models.find((m) => m.id === 'electra_base')!.hubUrl, null);
  });

  it('narrows by family and by search text', async () => {
    const io = captureIo();
    await main(['catalog', '--json', '--family', 'electra'], io);
    assert.deepEqual(
      JSON.parse(io.stdout).map((m: { id: string }) => m.id),
      ['electra_small', 'electra_base'],
    );
    const table = captureIo();
    await main(['catalog', '--search', 'xxlarge'], table);
    const lines = table.stdout.trim().split('\n');
    assert.equal(lines.length, 3, table.stdout);
    assert.match(lines[2], /^albert_en_xxlarge\s+ALBERT-xxlarge English\s+L-12 H-4096 A-64/);
  });

  it('rejects an unknown family and an unknown option with exit code 2', async () => {
    const io = captureIo();
    assert.equal(await main(['catalog', '--family', 'gpt'], io), 2);
    assert.match(io.stderr, /Unknown family "gpt"/);
    const io2 = captureIo();
    assert.equal(await main(['catalog', '--bogus'], io2), 2);
    assert.match(io2.stderr, /bogus/);
  });

  it('runs as the bundled dist/cli.js', function () {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) skipBecause(this, 'dist/cli.js is not built (npm run build)');
    const out = execFileSync(process.execPath, [cli, 'catalog', '--json'], { encoding: 'utf8' });
    assert.equal(JSON.parse(out).length, 17);
  });
});
