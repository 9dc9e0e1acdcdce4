// Our event-file reader against TensorFlow's summary_iterator and TensorBoard's EventAccumulator, as
// write_events.py --read prints them: every step, wall time and value equal to the bit.
import * as assert from 'node:assert/strict';
import { main } from '../../src/cli';
import { EventFileTail, ModelDir, toDecodedEvent, type DecodedEvent } from '../../src/core/events';
import { captureIo } from '../support/captureIo';

interface PyScalar {
  tag: string;
  dtype: string;
  value: string;
}
export interface PyOutput {
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

export async function compareWithTensorFlow(
  root: string,
  py: PyOutput,
): Promise<{ files: number; points: number }> {
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
