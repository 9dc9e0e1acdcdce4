// Worker for the Snappy / SSTable fuzz test: feedback-guided mutation of valid inputs. Each case
// must end in a value or a typed error (SnappyError for the decoder, CheckpointError for the
// table). Runs in a worker so that the parent can stop a case that makes no progress (a hang) and
// bound the heap. An input whose outcome (error reason with the numbers taken out) was not seen
// before joins the corpus, so later mutations start from the structures that reached new code.
import { parentPort, workerData } from 'node:worker_threads';
import { CheckpointError, crc32c, crc32cExtend, maskCrc, parseBundleIndex } from '../../src/core/checkpoint';
import { parseTable } from '../../src/core/checkpoint/sstable';
import { SnappyError, snappyUncompress, uncompressedLength } from '../../src/core/checkpoint/snappy';
import { rng } from './random';

export interface SnappyFuzzJob {
  readonly target: 'snappy' | 'sstable';
  /** Valid inputs: Snappy streams, or whole `.index` files whose data blocks are Snappy. */
  readonly seeds: readonly Uint8Array[];
  readonly cases: number;
  readonly seed: number;
  /** False: decode each seed once as it is (cases = seeds.length), for hand-made inputs. */
  readonly mutate?: boolean;
}

export type SnappyFuzzMessage =
  | { readonly type: 'progress'; readonly done: number }
  | { readonly type: 'fail'; readonly caseIndex: number; readonly problem: string; readonly input: string }
  | {
      readonly type: 'done';
      readonly outcomes: Record<string, number>;
      readonly features: string[];
      readonly corpus: number;
    };

/** Values that reach the decoder's edge cases: literal-length tags, copy tags, top bits, zero. */
const INTERESTING = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xef, 0xf0, 0xf4, 0xf8, 0xfc, 0xfd, 0xfe, 0xff];

function mutate(bytes: Uint8Array, rand: () => number, corpus: readonly Uint8Array[]): Uint8Array {
  const pick = (n: number) => Math.floor(rand() * n);
  let out = Uint8Array.from(bytes);
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    const kind = pick(8);
    const at = out.length === 0 ? 0 : pick(out.length);
    if (kind === 0 && out.length > 0) out[at] ^= 1 << pick(8);
    else if (kind === 1 && out.length > 0) out[at] = INTERESTING[pick(INTERESTING.length)];
    else if (kind === 2 && out.length > 0) out[at] = pick(256);
    else if (kind === 3) out = out.subarray(0, pick(out.length + 1));
    else if (kind === 4) {
      const insert = Uint8Array.from({ length: 1 + pick(6) }, () =>
        rand() < 0.5 ? INTERESTING[pick(INTERESTING.length)] : pick(256),
      );
      out = Uint8Array.from([...out.subarray(0, at), ...insert, ...out.subarray(at)]);
    } else if (kind === 5 && out.length > 0) {
      const length = 1 + pick(Math.min(8, out.length - at));
      out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + length)]);
    } else if (kind === 6 && corpus.length > 0) {
      // Splice: the head of this input with the tail of another.
      const other = corpus[pick(corpus.length)];
      const cut = pick(other.length + 1);
      out = Uint8Array.from([...out.subarray(0, at), ...other.subarray(cut)]);
    } else if (out.length >= 4) {
      // A 4-byte little-endian value with the top bit set (the signed-shift case).
      const p = pick(out.length - 3);
      out[p] = 0xff;
      out[p + 1] = pick(256);
      out[p + 2] = pick(256);
      out[p + 3] = 0x80 | pick(128);
    }
  }
  return out;
}

/** The error reason without its numbers: the "feature" that guides the corpus. */
function feature(kind: string, message: string): string {
  return `${kind}: ${message.replace(/\d+/g, 'N').replace(/"[^"]*"/g, 'S')}`;
}

function runSnappy(input: Uint8Array): { feature: string; problem?: string } {
  try {
    const out = snappyUncompress(input);
    const { length } = uncompressedLength(input);
    if (out.length !== length)
      return { feature: 'value', problem: `output ${out.length} ≠ declared ${length}` };
    return { feature: 'value' };
  } catch (error) {
    if (error instanceof SnappyError) return { feature: feature('SnappyError', error.reason) };
    return {
      feature: 'crash',
      problem: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

/** Rewrites the trailer CRC of every block so that mutations inside blocks reach the decoder. */
function fixCrcs(index: Uint8Array, blocks: readonly { offset: number; size: number }[]): void {
  for (const { offset, size } of blocks) {
    if (offset + size + 5 > index.length) continue;
    const type = index[offset + size];
    const crc = maskCrc(crc32cExtend(crc32c(index.subarray(offset, offset + size)), Uint8Array.of(type)));
    new DataView(index.buffer, index.byteOffset).setUint32(offset + size + 1, crc, true);
  }
}

function runTable(
  original: Uint8Array,
  rand: () => number,
  corpus: readonly Uint8Array[],
  asIs: boolean,
): { feature: string; input: Uint8Array; problem?: string } {
  const blocks = asIs ? [] : parseTable(original, 'fuzz.index').dataBlocks;
  const snappyBlocks = blocks.filter((b) => b.compression === 1);
  let input: Uint8Array;
  if (asIs) input = original;
  else if (snappyBlocks.length > 0 && rand() < 0.8) {
    // Inside one Snappy block, same stored size, CRC recomputed: the decoder sees the corruption.
    const block = snappyBlocks[Math.floor(rand() * snappyBlocks.length)];
    const stored = original.subarray(block.offset, block.offset + block.size);
    let mutated = mutate(stored, rand, corpus);
    if (mutated.length !== stored.length) {
      const sized = new Uint8Array(stored.length);
      sized.set(mutated.subarray(0, stored.length));
      mutated = sized;
    }
    input = Uint8Array.from(original);
    input.set(mutated, block.offset);
    fixCrcs(input, [block]);
  } else {
    input = mutate(original, rand, corpus);
    if (rand() < 0.5) fixCrcs(input, blocks);
  }
  try {
    const index = parseBundleIndex(input, 'fuzz.index');
    return { feature: `value ${index.tensors.length > 0 ? 'tensors' : 'empty'}`, input };
  } catch (error) {
    if (error instanceof CheckpointError) {
      if (!error.message.startsWith('fuzz.index: '))
        return { feature: 'unnamed', input, problem: `error does not name the file: ${error.message}` };
      return { feature: feature(`CheckpointError ${error.code}`, error.reason), input };
    }
    return {
      feature: 'crash',
      input,
      problem: error instanceof Error ? (error.stack ?? error.message) : String(error),
    };
  }
}

function main(job: SnappyFuzzJob): void {
  const corpus: Uint8Array[] = job.seeds.map((s) => Uint8Array.from(s));
  const seen = new Set<string>();
  const outcomes: Record<string, number> = {};
  for (let i = 0; i < job.cases; i++) {
    const rand = rng(job.seed + i * 7919);
    let result: { feature: string; input: Uint8Array; problem?: string };
    if (job.target === 'snappy') {
      const input =
        job.mutate === false
          ? job.seeds[i]
          : mutate(corpus[Math.floor(rand() * corpus.length)], rand, corpus);
      result = { ...runSnappy(input), input };
    } else {
      const seed = job.mutate === false ? job.seeds[i] : job.seeds[Math.floor(rand() * job.seeds.length)];
      result = runTable(seed, rand, corpus, job.mutate === false);
    }
    if (result.problem) {
      parentPort!.postMessage({
        type: 'fail',
        caseIndex: i,
        problem: result.problem,
        input: Buffer.from(result.input.subarray(0, 256)).toString('hex'),
      } satisfies SnappyFuzzMessage);
      return;
    }
    const kind = result.feature.split(':')[0];
    outcomes[kind] = (outcomes[kind] ?? 0) + 1;
    if (!seen.has(result.feature)) {
      seen.add(result.feature);
      if (job.target === 'snappy' && corpus.length < 256) corpus.push(result.input);
    }
    parentPort!.postMessage({ type: 'progress', done: i + 1 } satisfies SnappyFuzzMessage);
  }
  parentPort!.postMessage({
    type: 'done',
    outcomes,
    features: [...seen].sort(),
    corpus: corpus.length,
  } satisfies SnappyFuzzMessage);
}

main(workerData as SnappyFuzzJob);
