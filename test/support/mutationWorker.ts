// Worker for the checkpoint mutation test: corrupts fixture copies in a temp dir, one case at a
// time, and checks that the reader ends each in a CheckpointError or the original values. Runs in
// a worker so that the parent can stop a hang and bound the heap (resourceLimits).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointError, CheckpointReader } from '../../src/core/checkpoint';
import { rng } from './random';

export interface MutationJob {
  /** [name, prefix] pairs of bundles to corrupt. */
  readonly bundles: readonly (readonly [string, string])[];
  readonly cases: number;
  readonly seed: number;
  /** Largest growth of external (ArrayBuffer) memory allowed after a case, in bytes. */
  readonly maxArrayBufferBytes: number;
}

export type MutationMessage =
  | { readonly type: 'progress'; readonly done: number }
  | {
      readonly type: 'fail';
      readonly caseIndex: number;
      readonly description: string;
      readonly problem: string;
    }
  | { readonly type: 'done'; readonly outcomes: Record<string, number> };

interface Original {
  readonly name: string;
  readonly index: Buffer;
  readonly data: Buffer;
  readonly raw: Map<string, Buffer>;
}

async function load(name: string, prefix: string): Promise<Original> {
  const reader = await CheckpointReader.open(prefix);
  const raw = new Map<string, Buffer>();
  try {
    for (const t of reader.tensors) raw.set(t.key, Buffer.from((await reader.readRaw(t)).bytes));
  } finally {
    await reader.close();
  }
  return {
    name,
    index: fs.readFileSync(prefix + '.index'),
    data: fs.readFileSync(prefix + '.data-00000-of-00001'),
    raw,
  };
}

function mutate(bytes: Buffer, rand: () => number): { bytes: Buffer; what: string } {
  const kind = rand();
  if (kind < 0.6 || bytes.length === 0) {
    const copy = Buffer.from(bytes);
    const flips = 1 + Math.floor(rand() * 4);
    const at: number[] = [];
    for (let i = 0; i < flips && copy.length > 0; i++) {
      const pos = Math.floor(rand() * copy.length);
      copy[pos] ^= 1 + Math.floor(rand() * 255);
      at.push(pos);
    }
    return { bytes: copy, what: `flip bytes at ${at.join(',')}` };
  }
  if (kind < 0.8) {
    const length = Math.floor(rand() * bytes.length);
    return { bytes: bytes.subarray(0, length), what: `truncate to ${length}` };
  }
  const extra = Buffer.alloc(1 + Math.floor(rand() * 64));
  if (rand() < 0.5) for (let i = 0; i < extra.length; i++) extra[i] = Math.floor(rand() * 256);
  return { bytes: Buffer.concat([bytes, extra]), what: `extend by ${extra.length}` };
}

async function runCase(
  original: Original,
  prefix: string,
  rand: () => number,
): Promise<{ what: string; outcome: string; problem?: string }> {
  let index = original.index;
  let data = original.data;
  let what: string;
  if (rand() < 0.6) {
    const m = mutate(index, rand);
    index = m.bytes;
    what = `${original.name} index: ${m.what}`;
  } else {
    const m = mutate(data, rand);
    data = m.bytes;
    what = `${original.name} data: ${m.what}`;
  }
  fs.writeFileSync(prefix + '.index', index);
  fs.writeFileSync(prefix + '.data-00000-of-00001', data);
  let reader: CheckpointReader | undefined;
  try {
    reader = await CheckpointReader.open(prefix);
    const keys = reader.tensors.map((t) => t.key);
    if (keys.length !== original.raw.size || keys.some((k) => !original.raw.has(k))) {
      return { what, outcome: 'wrong', problem: 'opened without error but lists different keys' };
    }
    for (const t of reader.tensors) {
      const value = await reader.read(t, { verify: true });
      const { bytes } = await reader.readRaw(t);
      if (!Buffer.from(bytes).equals(original.raw.get(t.key)!)) {
        return { what, outcome: 'wrong', problem: `read "${t.key}" without error but with other bytes` };
      }
      if (value.shape.length !== t.shape.length) return { what, outcome: 'wrong', problem: 'shape changed' };
    }
    return { what, outcome: 'intact' };
  } catch (error) {
    if (error instanceof CheckpointError) {
      if (!error.message.includes(prefix))
        return { what, outcome: 'wrong', problem: `error does not name the file: ${error.message}` };
      return { what, outcome: error.code };
    }
    return {
      what,
      outcome: 'crash',
      problem: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  } finally {
    await reader?.close();
  }
}

async function main(job: MutationJob): Promise<void> {
  const originals = await Promise.all(job.bundles.map(([name, prefix]) => load(name, prefix)));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mutate-'));
  const outcomes: Record<string, number> = {};
  const baseline = process.memoryUsage().arrayBuffers;
  try {
    for (let i = 0; i < job.cases; i++) {
      const rand = rng(job.seed + i * 7919);
      const original = originals[Math.floor(rand() * originals.length)];
      const result = await runCase(original, path.join(dir, 'case'), rand);
      const growth = process.memoryUsage().arrayBuffers - baseline;
      if (result.problem || growth > job.maxArrayBufferBytes) {
        parentPort!.postMessage({
          type: 'fail',
          caseIndex: i,
          description: result.what,
          problem: result.problem ?? `ArrayBuffer memory grew by ${growth} bytes`,
        } satisfies MutationMessage);
        return;
      }
      outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      parentPort!.postMessage({ type: 'progress', done: i + 1 } satisfies MutationMessage);
    }
    parentPort!.postMessage({ type: 'done', outcomes } satisfies MutationMessage);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main(workerData as MutationJob);
