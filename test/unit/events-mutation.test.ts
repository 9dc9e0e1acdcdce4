import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventFileError, ScalarRun } from '../../src/core/events';
import { eventFileBytes, type EventSpec } from '../support/eventWriter';
import { rng } from '../support/random';

/** Reads a folder holding one event file; returns its points in order and its error. */
async function readPoints(dir: string): Promise<{ points: string[]; error: unknown; pending: number }> {
  const run = new ScalarRun(dir);
  let error: unknown;
  try {
    await run.poll();
  } catch (e) {
    error = e;
  }
  const points: string[] = [];
  // Arrival order across tags: reconstruct from the raw arrays (wall time is unique per event here).
  const all: [number, string][] = [];
  for (const s of run.series.values())
    for (let i = 0; i < s.length; i++) all.push([s.wallTimes[i], `${s.tag}@${s.steps[i]}=${s.values[i]}`]);
  all.sort((a, b) => a[0] - b[0]);
  for (const [, p] of all) points.push(p);
  return { points, error: error ?? run.errors[0], pending: run.pendingBytes };
}

describe('event files: mutation', function () {
  let tmp: string;
  let file: string;
  let original: Buffer;
  let truth: string[];

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-events-mut-'));
    file = path.join(tmp, 'events.out.tfevents.1700000000.h.v2');
    const events: EventSpec[] = [{ wallTime: 1, fileVersion: 'brain.Event:2' }];
    for (let i = 1; i <= 12; i++) {
      events.push({
        wallTime: 1 + i,
        step: i * 10,
        values: [
          { tag: 'loss', plugin: 'scalars', tensor: { dtype: 'float32', value: 1 / i, via: 'content' } },
          { tag: 'lr', simple: 0.001 * i },
          { tag: 'acc', tensor: { dtype: i % 2 ? 'float64' : 'float32', value: i / 13, via: 'val' } },
        ],
      });
    }
    original = eventFileBytes(events);
    fs.writeFileSync(file, original);
    truth = (await readPoints(tmp)).points;
    assert.equal(truth.length, 36);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const isPrefix = (points: string[]) => points.every((p, i) => p === truth[i]);

  it('every single-bit flip at every byte gives a typed EventFileError and only correct points before it', async function () {
    this.timeout(120_000);
    const random = rng(15);
    for (let at = 0; at < original.length; at++) {
      const mutated = Buffer.from(original);
      mutated[at] ^= 1 << Math.floor(random() * 8);
      fs.writeFileSync(file, mutated);
      const { points, error } = await readPoints(tmp);
      assert.ok(error instanceof EventFileError, `flip at ${at}: ${String(error)}`);
      assert.equal(error.file, file);
      assert.ok(error.offset <= at, `flip at ${at} reported at ${error.offset}`);
      assert.ok(isPrefix(points), `flip at ${at}: wrong point among ${points.join(' ')}`);
    }
  });

  it('every truncation gives a prefix of the points and waits (no error) for the rest', async function () {
    this.timeout(120_000);
    for (let cut = 0; cut < original.length; cut++) {
      fs.writeFileSync(file, original.subarray(0, cut));
      const { points, error, pending } = await readPoints(tmp);
      assert.equal(error, undefined, `cut at ${cut}`);
      assert.ok(isPrefix(points), `cut at ${cut}`);
      assert.ok(pending <= cut);
    }
  });

  it('1000 random multi-byte corruptions and appended garbage: typed errors or waiting, never a wrong point', async function () {
    this.timeout(300_000);
    const random = rng(1515);
    for (let c = 0; c < 1000; c++) {
      const mutated = Buffer.from(original);
      const n = 1 + Math.floor(random() * 4);
      for (let k = 0; k < n; k++) mutated[Math.floor(random() * mutated.length)] = Math.floor(random() * 256);
      const tail = Buffer.from(
        Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 256)),
      );
      fs.writeFileSync(file, c % 2 ? Buffer.concat([original, tail]) : mutated);
      const { points, error } = await readPoints(tmp);
      assert.ok(error === undefined || error instanceof EventFileError, `case ${c}: ${String(error)}`);
      assert.ok(isPrefix(points), `case ${c}: wrong point`);
      if (c % 2 === 0 && !mutated.equals(original)) assert.ok(error, `case ${c}: corruption not noticed`);
    }
  });
});
