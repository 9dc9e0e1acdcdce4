// The experiment list: read from the installed Model Garden's registry (what official/nlp/train.py
// accepts), with the built-in list as the fallback; for the pinned version the two are the same.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXPERIMENTS, probeModelGarden, PythonRunError, validateArgs } from '../../src/core/launch';
import { repoRoot } from '../fixtures';
import { oraclePython } from './oracle';

describe('launch: experiments from the Model Garden registry', function () {
  it('the pinned tf-models-official registers exactly the built-in experiments', async function () {
    const python = oraclePython(this);
    const probe = await probeModelGarden(python, { experiments: true });
    const pinned = /^tf-models-official==(.+)$/m.exec(
      fs.readFileSync(path.join(repoRoot, 'test', 'oracle', 'requirements.txt'), 'utf8'),
    )![1];
    assert.equal(probe.version, pinned);
    assert.ok(fs.existsSync(path.join(probe.official, 'nlp', 'train.py')), 'the probe finds the package');
    assert.deepEqual(
      EXPERIMENTS.map((e) => e.name).sort(),
      probe.experiments,
      'update EXPERIMENTS in src/core/launch/experiments.ts',
    );
    // Validation against the registry read from that Python.
    const problems = validateArgs(['--experiment=bert/squadd', '--mode=train', '--model_dir=o'], {
      probe: null,
      experiments: probe.experiments,
    });
    const unknown = problems.find((p) => p.code === 'unknown-experiment');
    assert.ok(unknown?.message.includes('read from your Model Garden'));
    assert.equal(unknown?.fixes?.[0].edits[0].value, '--experiment=bert/squad');
  });

  it('a Python whose `official` cannot be imported is reported with the pip hint', async function () {
    const python = oraclePython(this);
    // `python -c` puts the working folder first on sys.path: a broken `official` there shadows the real one.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-no-official-'));
    try {
      fs.mkdirSync(path.join(dir, 'official'));
      fs.writeFileSync(path.join(dir, 'official', '__init__.py'), 'raise ImportError("not here")\n');
      await assert.rejects(probeModelGarden(python, { cwd: dir }), (error: PythonRunError) => {
        assert.equal(error.code, 'no-official');
        assert.match(error.message, /pip install tf-models-official/);
        return true;
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
