import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { captureIo } from '../support/captureIo';
import { eventFileBytes, scalarEvent, writeEventFile, type EventSpec } from '../support/eventWriter';

describe('CLI: runs and scalars', () => {
  let tmp: string;
  const losses = [2.5, 1.25, 0.1, 0.3];
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-events-cli-'));
    fs.mkdirSync(path.join(tmp, 'train'));
    fs.mkdirSync(path.join(tmp, 'validation'));
    writeEventFile(path.join(tmp, 'train', 'events.out.tfevents.1700000000.h.1.v2'), [
      { wallTime: 1700000000, fileVersion: 'brain.Event:2' },
      ...losses.slice(0, 3).map((v, i) => scalarEvent((i + 1) * 100, 'training_loss', v)),
    ]);
    // A restart from step 200.
    writeEventFile(path.join(tmp, 'train', 'events.out.tfevents.1700000500.h.2.v2'), [
      scalarEvent(250, 'training_loss', losses[3]),
      { wallTime: 1700000600.5, step: 250, values: [{ tag: 'learning_rate', simple: 1e-5 }] },
    ]);
    const evalEvents: EventSpec[] = [scalarEvent(300, 'cls_accuracy', 0.75)];
    fs.writeFileSync(
      path.join(tmp, 'validation', 'events.out.tfevents.1700000000.h.3.v2'),
      eventFileBytes(evalEvents),
    );
    fs.writeFileSync(path.join(tmp, 'params.yaml'), 'trainer:\n  train_steps: 250\n');
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('runs --json: runs, steps, last scalars, checkpoints and status', async () => {
    const io = captureIo();
    assert.equal(await main(['runs', tmp, '--json'], io), 0, io.stderr);
    const out = JSON.parse(io.stdout) as {
      status: string;
      lastStep: number;
      trainSteps: number;
      runs: {
        name: string;
        events: number;
        scalars: Record<string, { points: number; segments: number; last: { step: number; value: number } }>;
      }[];
    };
    assert.equal(out.status, 'finished');
    assert.equal(out.lastStep, 300);
    assert.equal(out.trainSteps, 250);
    assert.deepEqual(
      out.runs.map((r) => r.name),
      ['train', 'validation'],
    );
    const train = out.runs[0];
    assert.equal(train.events, 6);
    assert.deepEqual(train.scalars.training_loss, {
      points: 4,
      segments: 2,
      dtype: 'float32',
      last: { step: 250, wallTime: 1.7e9 + 250, value: Math.fround(losses[3]) },
    });
    assert.equal(train.scalars.learning_rate.last.value, Math.fround(1e-5));
    assert.equal(out.runs[1].scalars.cls_accuracy.last.value, 0.75);
  });

  it('runs (text): one row per tag with its last step and value', async () => {
    const io = captureIo();
    assert.equal(await main(['runs', tmp], io), 0);
    assert.match(io.stdout, /: finished · step 300 · of 250 · no checkpoint/);
    assert.match(io.stdout, /training_loss\s+4 \(2 segments\)\s+250\s+0\.30000001192092896/);
  });

  it('scalars --csv and --json print every point with its segment, values exact', async () => {
    const csv = captureIo();
    assert.equal(await main(['scalars', tmp, '--tag', 'training_loss', '--csv'], csv), 0);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines[0], 'run,segment,step,wall_time,value');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',')),
      [
        ['train', '0', '100', '1700000100', String(Math.fround(2.5))],
        ['train', '0', '200', '1700000200', String(Math.fround(1.25))],
        ['train', '0', '300', '1700000300', String(Math.fround(0.1))],
        ['train', '1', '250', '1700000250', String(Math.fround(0.3))],
      ],
    );
    const json = captureIo();
    assert.equal(await main(['scalars', tmp, '--tag', 'training_loss', '--json'], json), 0);
    const parsed = JSON.parse(json.stdout) as { runs: { run: string; points: { value: number }[] }[] };
    assert.deepEqual(
      parsed.runs[0].points.map((p) => p.value),
      losses.map(Math.fround),
    );
  });

  it('unknown tag, missing folder and bad usage exit non-zero with a message', async () => {
    const io = captureIo();
    assert.equal(await main(['scalars', tmp, '--tag', 'nope'], io), 1);
    assert.match(io.stderr, /no scalar "nope"; tags: cls_accuracy, learning_rate, training_loss/);
    const empty = captureIo();
    assert.equal(await main(['runs', path.join(tmp, 'missing')], empty), 1);
    assert.match(empty.stderr, /no event files/);
    const usage = captureIo();
    assert.equal(await main(['scalars', tmp], usage), 2);
  });

  it('a corrupt file: the points before it, and exit 1 naming the file and offset', async () => {
    const dir = path.join(tmp, 'corrupt');
    fs.mkdirSync(dir);
    const good = eventFileBytes([scalarEvent(1, 'x', 1)]);
    const bad = Buffer.from(eventFileBytes([scalarEvent(2, 'x', 2)]));
    bad[bad.length - 2] ^= 1;
    const file = path.join(dir, 'events.out.tfevents.1.h.v2');
    fs.writeFileSync(file, Buffer.concat([good, bad]));
    const io = captureIo();
    assert.equal(await main(['runs', dir, '--json'], io), 1);
    assert.ok(io.stderr.includes(`${file} @ ${good.length}: record data CRC mismatch`), io.stderr);
    const out = JSON.parse(io.stdout) as { runs: { scalars: Record<string, { points: number }> }[] };
    assert.equal(out.runs[0].scalars.x.points, 1);
  });
});
