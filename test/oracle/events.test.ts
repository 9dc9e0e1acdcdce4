// Event files written by TensorFlow's own summary writers (the real trainer's are checked where the launch
// tier runs it, launch-trainer.test.ts) read by our reader and by TensorFlow's summary_iterator / TensorBoard's EventAccumulator: every
// step, wall time and value equal to the bit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelDir } from '../../src/core/events';
import { compareWithTensorFlow, type PyOutput } from './eventsCompare';
import { artifactsDir, runOracleScript } from './oracle';

describe('event files against TensorFlow', function () {
  it('tf.summary files (float32/float64/float16/bfloat16 tensors, simple_value, a restart, several files) equal summary_iterator and EventAccumulator to the bit', async function () {
    const out = path.join(artifactsDir, 'runs', 'summary-writer');
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const py = JSON.parse(runOracleScript(this, 'write_events.py', [out])) as PyOutput;
    const root = path.join(out, 'model_dir');
    const { files, points } = await compareWithTensorFlow(root, py);
    assert.equal(files, 3);
    assert.ok(points > 200, `${points} scalar points`);
    // What the writers produced: every dtype, simple values, and the restart as a second segment.
    const dtypes = new Set(py.files.flatMap((f) => f.events.flatMap((e) => e.scalars.map((s) => s.dtype))));
    assert.deepEqual([...dtypes].sort(), ['bfloat16', 'float16', 'float32', 'float64', 'simple']);
    const dir = new ModelDir(root);
    await dir.poll();
    const train = [...dir.runs.values()].find((r) => dir.runName(r) === 'train')!;
    assert.equal(train.series.get('training_loss')!.segments, 2);
    assert.deepEqual(train.series.get('training_loss')!.segment(1).steps[0], 21);
    assert.ok(train.otherTags.has('weights') && train.otherTags.has('note'));
  });
});
