// Event files written by TensorFlow's own summary writers (and, when present, by the real trainer)
// read by our reader and by TensorFlow's summary_iterator / TensorBoard's EventAccumulator: every
// step, wall time and value equal to the bit.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  EVENT_FILE,
  EventFileTail,
  ModelDir,
  toDecodedEvent,
  type DecodedEvent,
} from '../../src/core/events';
import { main } from '../../src/cli';
import { skipBecause } from '../fixtures';
import { captureIo } from '../support/captureIo';
import { artifactsDir, runOracleScript } from './oracle';

interface PyScalar {
  tag: string;
  dtype: string;
  value: string;
}
interface PyOutput {
  files: { path: string; events: { step: number; wall_time: string; scalars: PyScalar[] }[] }[];
  runs: Record<string, Record<string, [number, string][]>>;
}

const hex = (v: number) => Buffer.from(Float64Array.of(v).buffer).toString('hex');

/** Our reading, in summary_iterator's shape. */
async function ours(file: string): Promise<PyOutput['files'][number]['events']> {
  const events: DecodedEvent[] = [];
  const tail = new EventFileTail(file);
  await tail.poll((e) => events.push(toDecodedEvent(e)));
  assert.equal(tail.error, undefined);
  assert.equal(tail.pendingBytes, 0);
  return events.map((e) => ({
    step: e.step,
    wall_time: hex(e.wallTime),
    scalars: e.scalars.map((s) => ({ tag: s.tag, dtype: s.dtype, value: hex(s.value) })),
  }));
}

async function compareWithTensorFlow(root: string, py: PyOutput): Promise<{ files: number; points: number }> {
  assert.ok(py.files.length > 0, `no event files under ${root}`);
  let points = 0;
  for (const f of py.files) {
    const mine = await ours(f.path);
    assert.equal(mine.length, f.events.length, `${f.path}: number of events`);
    for (let i = 0; i < mine.length; i++) {
      assert.deepEqual(mine[i], f.events[i], `${f.path}: event ${i}`);
      points += mine[i].scalars.length;
    }
  }
  // Runs as TensorBoard shows them: every point of every scalar tag, in order, to the bit.
  const dir = new ModelDir(root);
  await dir.poll();
  for (const [runName, tags] of Object.entries(py.runs)) {
    const run = [...dir.runs.values()].find((r) => dir.runName(r) === runName);
    assert.ok(run, `run ${runName} not found`);
    for (const [tag, expected] of Object.entries(tags)) {
      const s = run.series.get(tag);
      assert.ok(s, `${runName}: tag ${tag} missing`);
      const got = s.slice();
      assert.deepEqual(
        got.steps.map((step, i) => [step, hex(got.values[i])]),
        expected,
        `${runName}/${tag}`,
      );
      // The CLI prints the same numbers.
      const io = captureIo();
      assert.equal(await main(['scalars', root, '--tag', tag, '--run', runName, '--json'], io), 0, io.stderr);
      const cli = JSON.parse(io.stdout) as { runs: { points: { step: number; value: number }[] }[] };
      assert.deepEqual(
        cli.runs[0].points.map((p) => [p.step, hex(p.value)]),
        expected,
        `CLI ${runName}/${tag}`,
      );
    }
  }
  return { files: py.files.length, points };
}

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

  it("event files written by the real trainer (official.nlp.train) equal summary_iterator's", async function () {
    // The launch tier's end-to-end runs leave their model_dir under test/oracle/.artifacts (or name it here).
    const roots = process.env.MODEL_GARDEN_TRAINER_MODEL_DIR
      ? [process.env.MODEL_GARDEN_TRAINER_MODEL_DIR]
      : findTrainerModelDirs(artifactsDir);
    if (roots.length === 0)
      skipBecause(
        this,
        'no model_dir written by official.nlp.train under test/oracle/.artifacts (set MODEL_GARDEN_TRAINER_MODEL_DIR)',
        'oracle',
      );
    for (const root of roots) {
      const py = JSON.parse(runOracleScript(this, 'write_events.py', ['--read', root])) as PyOutput;
      const { points } = await compareWithTensorFlow(root, py);
      assert.ok(points > 0, `${root}: no scalars`);
    }
  });
});

/** Folders with params.yaml and event files below them, outside our own runs/ artifacts. */
function findTrainerModelDirs(root: string, depth = 0): string[] {
  if (depth > 5 || !fs.existsSync(root)) return [];
  const entries = fs.readdirSync(root, { withFileTypes: true });
  const here =
    entries.some((e) => e.name === 'params.yaml') &&
    entries.some((e) => e.isDirectory() && hasEvents(path.join(root, e.name)));
  if (here) return [root];
  return entries
    .filter((e) => e.isDirectory() && !(depth === 0 && e.name === 'runs'))
    .flatMap((e) => findTrainerModelDirs(path.join(root, e.name), depth + 1));
}

function hasEvents(dir: string): boolean {
  return fs.readdirSync(dir).some((n) => EVENT_FILE.test(n));
}
