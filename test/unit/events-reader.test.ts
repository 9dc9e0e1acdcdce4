import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bfloat16ToNumber,
  decodeEvent,
  EventFileError,
  EventFileTail,
  halfToNumber,
  ModelDir,
  runStatus,
  ScalarRun,
  smoothEma,
  toDecodedEvent,
  type DecodedEvent,
} from '../../src/core/events';
import {
  appendEvents,
  encodeEvent,
  eventFileBytes,
  scalarEvent,
  writeEventFile,
  type EventSpec,
} from '../support/eventWriter';
import { crc32c, crc32c8, crc32cRange } from '../../src/core/checkpoint/crc32c';

const f32 = (v: number) => Math.fround(v);
/** float32 → its bfloat16 bits by truncation, and the float32 those bits stand for. */
const bf16Bits = (v: number) => new Uint32Array(Float32Array.of(v).buffer)[0] >>> 16;

describe('event files: CRC32C of a range', () => {
  it('equals crc32c of the same bytes for every length and offset, unaligned views included', () => {
    const backing = new Uint8Array(300);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 197 + 11) & 0xff;
    // A view that starts at an odd byte of its buffer, as a chunk of a file read may.
    const bytes = backing.subarray(3);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let start = 0; start < 9; start++)
      for (let length = 0; length <= 80; length++)
        assert.equal(
          crc32cRange(view, start, start + length),
          crc32c(bytes.slice(start, start + length)),
          `start ${start}, length ${length}`,
        );
    for (let start = 0; start < 20; start++)
      assert.equal(crc32c8(view, start), crc32c(bytes.slice(start, start + 8)), `start ${start}`);
    const check = new TextEncoder().encode('123456789');
    assert.equal(crc32cRange(new DataView(check.buffer), 0, 9), 0xe3069283);
  });
});

describe('event files: decoding', () => {
  it('decodes wall_time, step, file_version and simple_value', () => {
    const e = decodeEvent(
      encodeEvent({ wallTime: 1712345678.123456, step: 42, values: [{ tag: 'loss', simple: 0.1 }] }),
    );
    assert.equal(e.wallTime, 1712345678.123456);
    assert.equal(e.step, 42);
    assert.deepEqual(e.scalars, [{ tag: 'loss', value: f32(0.1), dtype: 'simple', plugin: '' }]);
    assert.equal(
      decodeEvent(encodeEvent({ wallTime: 1, fileVersion: 'brain.Event:2' })).fileVersion,
      'brain.Event:2',
    );
  });

  it('decodes negative and large int64 steps', () => {
    assert.equal(decodeEvent(encodeEvent({ step: -5 })).step, -5);
    assert.equal(decodeEvent(encodeEvent({ step: 2 ** 40 + 3 })).step, 2 ** 40 + 3);
  });

  it('decodes scalar tensors of float, double, half and bfloat16, from *_val and tensor_content', () => {
    const cases: { spec: EventSpec['values']; want: number; dtype: string }[] = [];
    for (const via of ['val', 'content'] as const) {
      cases.push({
        spec: [{ tag: 'a', tensor: { dtype: 'float32', value: 0.3, via } }],
        want: f32(0.3),
        dtype: 'float32',
      });
      cases.push({
        spec: [{ tag: 'a', tensor: { dtype: 'float64', value: 0.3, via } }],
        want: 0.3,
        dtype: 'float64',
      });
      cases.push({
        spec: [{ tag: 'a', tensor: { dtype: 'float16', bits: 0x3555, via } }],
        want: halfToNumber(0x3555),
        dtype: 'float16',
      });
      cases.push({
        spec: [{ tag: 'a', tensor: { dtype: 'bfloat16', bits: bf16Bits(-2.75), via } }],
        want: -2.75,
        dtype: 'bfloat16',
      });
      // A shape of [1] (one element) is a scalar too.
      cases.push({
        spec: [{ tag: 'a', tensor: { dtype: 'float64', value: -7e-300, via, shape: [1] } }],
        want: -7e-300,
        dtype: 'float64',
      });
    }
    for (const c of cases) {
      const e = decodeEvent(encodeEvent({ step: 1, values: c.spec }));
      assert.equal(e.scalars.length, 1, JSON.stringify(c.spec));
      assert.ok(
        Object.is(e.scalars[0].value, c.want),
        `${JSON.stringify(c.spec)}: ${e.scalars[0].value} != ${c.want}`,
      );
      assert.equal(e.scalars[0].dtype, c.dtype);
    }
  });

  it('repeated summaries: every value of a repeated layout is read, and a layout differing anywhere else decodes in full', () => {
    // The decoder reuses a decoded Summary when a later one equals it outside the value's bytes (for
    // tags of four bytes or more): each event below differs from the one before in the value, or in
    // one other byte only.
    const tensor = (dtype: 'float32' | 'float64', value: number, via: 'val' | 'content') => ({
      dtype,
      value,
      via,
    });
    const steps: { spec: NonNullable<EventSpec['values']>[number]; want?: number; dtype?: string }[] = [];
    for (const via of ['val', 'content'] as const) {
      for (const v of [0.5, -3.25, 1e-3])
        steps.push({
          spec: { tag: 'loss', plugin: 'scalars', tensor: tensor('float32', v, via) },
          want: f32(v),
          dtype: 'float32',
        });
      // The same length, one byte of the plugin name different: not a scalar any more.
      steps.push({ spec: { tag: 'loss', plugin: 'scalarz', tensor: tensor('float32', 2, via) } });
      // Tags equal in length, first and last four bytes (the same cache slot), one middle byte apart.
      steps.push({
        spec: { tag: 'abcdXefgh', tensor: tensor('float64', 0.25, via) },
        want: 0.25,
        dtype: 'float64',
      });
      steps.push({
        spec: { tag: 'abcdYefgh', tensor: tensor('float64', 0.75, via) },
        want: 0.75,
        dtype: 'float64',
      });
      steps.push({
        spec: { tag: 'abcdXefgh', tensor: tensor('float64', -1.5, via) },
        want: -1.5,
        dtype: 'float64',
      });
      // One element but shaped [1], then two elements: the shape bytes differ, and [2] is no scalar.
      steps.push({
        spec: { tag: 'loss', tensor: { ...tensor('float32', 4, via), shape: [1] } },
        want: 4,
        dtype: 'float32',
      });
      steps.push({ spec: { tag: 'loss', tensor: { ...tensor('float32', 4, via), shape: [2] } } });
    }
    // float16 and bfloat16 in tensor_content have the same length and differ in the dtype byte.
    for (const bits of [0x3c00, 0x4000, 0xc200]) {
      steps.push({
        spec: { tag: 'half_or_bf', tensor: { dtype: 'float16', bits, via: 'content' } },
        want: halfToNumber(bits),
        dtype: 'float16',
      });
      steps.push({
        spec: { tag: 'half_or_bf', tensor: { dtype: 'bfloat16', bits, via: 'content' } },
        want: bfloat16ToNumber(bits),
        dtype: 'bfloat16',
      });
    }
    for (const v of [1, 2, 3]) steps.push({ spec: { tag: 'simple', simple: v }, want: v, dtype: 'simple' });
    // half_val is a varint (no fixed place): every value decodes in full.
    for (const bits of [0x3c00, 0x7bff, 0x0001])
      steps.push({
        spec: { tag: 'half_val', tensor: { dtype: 'float16', bits, via: 'val' } },
        want: halfToNumber(bits),
        dtype: 'float16',
      });
    for (const [i, c] of steps.entries()) {
      const e = decodeEvent(encodeEvent({ step: i, values: [c.spec] }));
      const what = `event ${i}: ${JSON.stringify(c.spec)}`;
      if (c.want === undefined) {
        assert.equal(e.scalars.length, 0, what);
        assert.deepEqual(e.otherTags, [c.spec.tag], what);
        continue;
      }
      assert.equal(e.scalars.length, 1, what);
      assert.equal(e.scalars[0].tag, c.spec.tag, what);
      assert.ok(Object.is(e.scalars[0].value, c.want), `${what}: ${e.scalars[0].value} != ${c.want}`);
      assert.equal(e.scalars[0].dtype, c.dtype, what);
      assert.equal(e.scalars[0].plugin, c.spec.plugin ?? '', what);
    }
  });

  it('repeated summaries: a float_val under a double dtype is read as the full decoder reads it, every time', () => {
    // No writer produces this; the value's bytes are 4 wide where the dtype's are 8, so the layout is
    // never reused and each value decodes in full.
    const doubleDtype = (bytes: Uint8Array) => {
      // The tensor (field 8) starts with its dtype (field 1): 42 LEN 08 01 → 08 02.
      const at = bytes.findIndex((b, i) => b === 0x42 && bytes[i + 2] === 0x08 && bytes[i + 3] === 0x01);
      assert.ok(at > 0);
      bytes[at + 3] = 0x02;
      return bytes;
    };
    const event = (v: number) =>
      decodeEvent(
        doubleDtype(
          encodeEvent({
            step: 1,
            values: [{ tag: 'weights', tensor: { dtype: 'float32', value: v, via: 'val' } }],
          }),
        ),
      );
    const first = event(0.5).scalars[0];
    assert.equal(first.dtype, 'float64');
    for (const v of [0.5, -2.5, 3e-5]) assert.ok(Object.is(event(v).scalars[0].value, f32(v)), String(v));
  });

  it('converts half and bfloat16 bit patterns exactly', () => {
    assert.equal(halfToNumber(0x3c00), 1);
    assert.equal(halfToNumber(0xc000), -2);
    assert.equal(halfToNumber(0x7bff), 65504);
    assert.equal(halfToNumber(0x0001), 2 ** -24);
    assert.equal(halfToNumber(0x7c00), Infinity);
    assert.ok(Number.isNaN(halfToNumber(0x7e00)));
    assert.ok(Object.is(halfToNumber(0x8000), -0));
    // Every bfloat16 is the float32 with the low 16 bits zero.
    for (const v of [1, -0.5, 3.140625, 2 ** 100, 2 ** -130])
      assert.equal(bfloat16ToNumber(bf16Bits(v)), f32(v));
  });

  it('keeps non-scalar summaries out of the scalars: histograms, other plugins, tensors of several elements', () => {
    const e = decodeEvent(
      encodeEvent({
        step: 3,
        values: [
          { tag: 'h', histo: true },
          { tag: 't', plugin: 'text', tensor: { dtype: 'float32', value: 1, via: 'val' } },
          { tag: 'v', tensor: { dtype: 'float32', value: 1, via: 'val', shape: [2] } },
          { tag: 'ok', plugin: 'scalars', tensor: { dtype: 'float32', value: 2, via: 'val' } },
        ],
      }),
    );
    assert.deepEqual(
      e.scalars.map((s) => s.tag),
      ['ok'],
    );
    assert.deepEqual(e.otherTags, ['h', 't', 'v']);
  });

  it('reports session logs', () => {
    assert.equal(decodeEvent(encodeEvent({ step: 0, sessionLog: 1 })).sessionLog, 'start');
    assert.equal(decodeEvent(encodeEvent({ step: 0, sessionLog: 2 })).sessionLog, 'stop');
  });
});

describe('event files: incremental reading', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-events-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads only appended bytes and waits for a partial last record without an error', async () => {
    const file = path.join(tmp, 'events.out.tfevents.1700000000.host.1.v2');
    writeEventFile(file, [{ wallTime: 1, fileVersion: 'brain.Event:2' }, scalarEvent(1, 'loss', 2.5)]);
    const tail = new EventFileTail(file);
    const seen: DecodedEvent[] = [];
    const first = await tail.poll((e) => seen.push(toDecodedEvent(e)));
    assert.equal(first.events, 2);
    assert.equal(first.bytesRead, fs.statSync(file).size);

    const next = eventFileBytes([scalarEvent(2, 'loss', 1.5)]);
    for (const cut of [1, 11, 12, 13, next.length - 1]) {
      const partial = path.join(tmp, 'p');
      fs.copyFileSync(file, partial);
      const t = new EventFileTail(partial);
      await t.poll(() => {});
      fs.appendFileSync(partial, next.subarray(0, cut));
      const r = await t.poll(() => assert.fail('no event from a partial record'));
      assert.equal(r.events, 0);
      assert.equal(t.error, undefined, `cut ${cut}`);
      assert.equal(t.pendingBytes, cut);
      fs.appendFileSync(partial, next.subarray(cut));
      const values: number[] = [];
      const done = await t.poll((e) => values.push(...e.values.slice(0, e.count)));
      assert.deepEqual(values, [1.5]);
      assert.equal(done.bytesRead, next.length - cut, 'only the new bytes are read');
      fs.rmSync(partial);
    }

    appendEvents(file, [scalarEvent(2, 'loss', 1.5), scalarEvent(3, 'loss', 0.5)]);
    const again = await tail.poll((e) => seen.push(toDecodedEvent(e)));
    assert.equal(again.events, 2);
    assert.equal(
      again.bytesRead,
      eventFileBytes([scalarEvent(2, 'loss', 1.5), scalarEvent(3, 'loss', 0.5)]).length,
    );
    assert.deepEqual(
      seen.flatMap((e) => e.scalars.map((s) => [e.step, s.value])),
      [
        [1, 2.5],
        [2, 1.5],
        [3, 0.5],
      ],
    );
  });

  it('reports a bad length CRC and a bad data CRC with the file and the record offset, keeping earlier points', async () => {
    const file = path.join(tmp, 'events.out.tfevents.1.h');
    const good = eventFileBytes([scalarEvent(1, 'x', 1)]);
    const bad = eventFileBytes([scalarEvent(2, 'x', 2)]);
    for (const [at, reason] of [
      [9, 'record length CRC mismatch'],
      [14, 'record data CRC mismatch'],
      [bad.length - 1, 'record data CRC mismatch'],
    ] as const) {
      const broken = Buffer.from(bad);
      broken[at] ^= 0x20;
      fs.writeFileSync(file, Buffer.concat([good, broken, good]));
      const run = new ScalarRun(tmp);
      await run.poll();
      assert.deepEqual(run.series.get('x')!.slice().values, [1]);
      const [error] = run.errors;
      assert.ok(error instanceof EventFileError);
      assert.equal(error.code, 'crc-mismatch');
      assert.equal(error.file, file);
      assert.equal(error.offset, good.length);
      assert.equal(error.reason, reason);
    }
  });

  it('orders several files by creation time, splits restarts into segments and keeps every point as TensorBoard does', async () => {
    // Created later but named with an earlier timestamp: read first.
    writeEventFile(path.join(tmp, 'events.out.tfevents.1700000200.host.9.v2'), [
      scalarEvent(30, 'loss', 3),
      scalarEvent(40, 'loss', 4),
    ]);
    writeEventFile(path.join(tmp, 'events.out.tfevents.1700000100.host.8.v2'), [
      scalarEvent(10, 'loss', 1),
      scalarEvent(20, 'loss', 2),
      scalarEvent(30, 'loss', 3),
    ]);
    // The job restarted from the step-20 checkpoint.
    writeEventFile(path.join(tmp, 'events.out.tfevents.1700000300.host.10.v2'), [
      scalarEvent(20, 'loss', 20),
      scalarEvent(30, 'loss', 30),
      scalarEvent(50, 'loss', 50),
    ]);
    const run = new ScalarRun(tmp);
    await run.poll();
    const s = run.series.get('loss')!;
    assert.equal(s.segments, 2);
    assert.deepEqual(Array.from(s.steps.subarray(0, s.length)), [10, 20, 30, 30, 40, 20, 30, 50]);
    assert.deepEqual(s.segment(0).steps, [10, 20, 30, 30, 40]);
    assert.deepEqual(s.segment(1), {
      steps: [20, 30, 50],
      values: [20, 30, 50],
      wallTimes: [1.7e9 + 20, 1.7e9 + 30, 1.7e9 + 50],
    });
    assert.equal(run.lastStep, 50);
  });

  it('a model_dir: runs train/ and validation/, checkpoints, train_steps and status', async () => {
    fs.mkdirSync(path.join(tmp, 'train'));
    fs.mkdirSync(path.join(tmp, 'validation'));
    writeEventFile(path.join(tmp, 'train', 'events.out.tfevents.1.h.v2'), [
      scalarEvent(100, 'training_loss', 0.7),
    ]);
    writeEventFile(path.join(tmp, 'validation', 'events.out.tfevents.1.h.v2'), [
      scalarEvent(100, 'cls_accuracy', 0.6),
    ]);
    fs.writeFileSync(path.join(tmp, 'params.yaml'), 'trainer:\n  train_steps: 200\n');
    fs.writeFileSync(path.join(tmp, 'ckpt-100.index'), '');
    const dir = new ModelDir(tmp);
    await dir.poll();
    assert.deepEqual([...dir.runs.values()].map((r) => dir.runName(r)).sort(), ['train', 'validation']);
    assert.equal(dir.trainSteps, 200);
    assert.deepEqual(
      dir.checkpoints.map((c) => c.step),
      [100],
    );
    const now = dir.lastWriteMs;
    assert.equal(dir.status(now + 1000), 'running');
    assert.equal(dir.status(now + 10 * 60_000), 'failed');
    fs.writeFileSync(path.join(tmp, 'ckpt-200.index'), '');
    appendEvents(path.join(tmp, 'train', 'events.out.tfevents.1.h.v2'), [
      scalarEvent(200, 'training_loss', 0.5),
    ]);
    await dir.poll();
    assert.equal(dir.status(now + 10 * 60_000), 'finished');
  });
});

describe('event files: status and smoothing', () => {
  it('status: empty, running, finished by checkpoint or train_steps, failed', () => {
    const base = { nowMs: 1_000_000, checkpointStep: undefined, trainSteps: undefined };
    assert.equal(runStatus({ ...base, lastWriteMs: 0, lastStep: undefined }), 'empty');
    assert.equal(runStatus({ ...base, lastWriteMs: 990_000, lastStep: 5 }), 'running');
    assert.equal(runStatus({ ...base, lastWriteMs: 1, lastStep: 5 }), 'failed');
    assert.equal(runStatus({ ...base, lastWriteMs: 1, lastStep: 5, checkpointStep: 5 }), 'finished');
    assert.equal(
      runStatus({ ...base, lastWriteMs: 1, lastStep: 5, checkpointStep: 5, trainSteps: 10 }),
      'failed',
    );
    assert.equal(runStatus({ ...base, lastWriteMs: 1, lastStep: 10, trainSteps: 10 }), 'finished');
  });

  it('EMA smoothing is debiased like TensorBoard: constant stays constant, first point is the value', () => {
    assert.deepEqual(smoothEma([3, 3, 3], 0.9), [3, 3, 3]);
    const s = smoothEma([1, 2, NaN, 4], 0.6);
    assert.equal(s[0], 1);
    // Second: (0.6*0.4*1 + 0.4*2) / (1 - 0.36), computed the long way.
    assert.ok(Math.abs(s[1] - (0.24 + 0.8) / 0.64) < 1e-15);
    assert.ok(Number.isNaN(s[2]));
    // The NaN is skipped, not counted: 4 is the third finite point, debiased by 1 - 0.6³.
    assert.ok(Math.abs(s[3] - ((0.24 + 0.8) * 0.6 + 0.4 * 4) / (1 - 0.216)) < 1e-12, String(s[3]));
    assert.deepEqual(smoothEma([1, 5], 0), [1, 5]);
  });
});
