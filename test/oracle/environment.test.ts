// The oracle itself: the venv holds the pinned TensorFlow and Model Garden, and the trainer module imports.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../fixtures';
import { runOracleScript } from './oracle';

describe('oracle environment', function () {
  it('has the pinned tensorflow, tf-models-official and tensorflow-text, and official.nlp.train imports', function () {
    const pins = new Map(
      fs
        .readFileSync(path.join(repoRoot, 'test', 'oracle', 'requirements.txt'), 'utf8')
        .split('\n')
        .filter((line) => /^[\w-]+==/.test(line))
        .map((line) => line.split('==') as [string, string]),
    );
    const out = runOracleScript(this, 'versions.py', []);
    const found = JSON.parse(out) as Record<string, string>;
    for (const name of ['tensorflow', 'tf-models-official', 'tensorflow-text']) {
      assert.equal(found[name], pins.get(name), `${name} version`);
    }
    assert.equal(found.train, 'official.nlp.train');
  });
});
