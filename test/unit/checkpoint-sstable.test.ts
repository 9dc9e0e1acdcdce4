// The container's own rules on small hand-built inputs: SSTable keys strictly increasing, a block
// handle whose 5-byte trailer would reach into the footer is a truncated table, and a bundle entry's
// size must be exactly its dtype size times its element count.
import * as assert from 'node:assert/strict';
import { CheckpointError } from '../../src/core/checkpoint/errors';
import { crc32c, crc32cExtend, maskCrc } from '../../src/core/checkpoint/crc32c';
import { FOOTER_LENGTH, parseTable, TABLE_MAGIC } from '../../src/core/checkpoint/sstable';
import { decodeTensor } from '../../src/core/checkpoint/values';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

const text = (s: string) => [...Buffer.from(s, 'latin1')];

/** A block of entries without prefix sharing, one restart point at 0. */
function block(entries: readonly [string, number[]][]): number[] {
  const out: number[] = [];
  for (const [key, value] of entries)
    out.push(...varint(0), ...varint(key.length), ...varint(value.length), ...text(key), ...value);
  out.push(0, 0, 0, 0, 1, 0, 0, 0);
  return out;
}

function trailer(contents: number[]): number[] {
  const crc = maskCrc(crc32cExtend(crc32c(Uint8Array.from(contents)), Uint8Array.of(0)));
  return [0, crc & 0xff, (crc >>> 8) & 0xff, (crc >>> 16) & 0xff, crc >>> 24];
}

/** data block, metaindex block, index block, footer; `indexSizeDelta` misstates the index handle. */
function table(keys: readonly string[], indexSizeDelta = 0): Uint8Array {
  const bytes: number[] = [];
  const put = (contents: number[]) => {
    const handle = { offset: bytes.length, size: contents.length };
    bytes.push(...contents, ...trailer(contents));
    return handle;
  };
  const data = put(block(keys.map((k, i) => [k, [i]])));
  const meta = put(block([]));
  const index = put(block([[keys.at(-1)!, [...varint(data.offset), ...varint(data.size)]]]));
  const footer = [
    ...varint(meta.offset),
    ...varint(meta.size),
    ...varint(index.offset),
    ...varint(index.size + indexSizeDelta),
  ];
  while (footer.length < FOOTER_LENGTH - TABLE_MAGIC.length) footer.push(0);
  return Uint8Array.from([...bytes, ...footer, ...TABLE_MAGIC]);
}

function codeOf(bytes: Uint8Array): string {
  try {
    parseTable(bytes, 'test.index');
  } catch (error) {
    assert.ok(error instanceof CheckpointError, String(error));
    return `${error.code}: ${error.message}`;
  }
  return 'parsed';
}

describe('checkpoint: SSTable rules on hand-built tables', function () {
  it('reads a well-formed table', function () {
    const parsed = parseTable(table(['a', 'b', 'c']), 'test.index');
    assert.deepEqual(
      parsed.entries.map((e) => [Buffer.from(e.key).toString('latin1'), [...e.value]]),
      [
        ['a', [0]],
        ['b', [1]],
        ['c', [2]],
      ],
    );
  });

  it('refuses a repeated key and keys out of order', function () {
    assert.match(codeOf(table(['a', 'b', 'b'])), /^corrupt: .*keys out of order/);
    assert.match(codeOf(table(['b', 'a'])), /^corrupt: .*keys out of order/);
  });

  it('reports a block whose trailer reaches into the footer as truncated (the trailer is 5 bytes)', function () {
    assert.equal(codeOf(table(['a'], 0)), 'parsed');
    assert.match(codeOf(table(['a'], 1)), /^truncated: /);
  });
});

describe('checkpoint: a bundle entry whose size is not dtype size × elements', function () {
  it('is corrupt, whether the size is too small or too large (the CRC matching the bytes)', function () {
    for (const size of [4, 8, 12]) {
      const bytes = new Uint8Array(new Float32Array([1.5, -2, 3]).buffer, 0, size);
      const entry = {
        key: 'w',
        dtype: 1,
        dtypeName: 'float32',
        shape: [2],
        unknownRank: false,
        shard: 0,
        offset: 0,
        size,
        crc32c: maskCrc(crc32c(bytes)),
        slices: [],
      };
      const decode = () => decodeTensor(entry, bytes, 'test.data', { verify: true });
      if (size === 8) {
        assert.deepEqual([...(decode().values as Float32Array)], [1.5, -2]);
        continue;
      }
      assert.throws(
        decode,
        (e: unknown) =>
          e instanceof CheckpointError &&
          e.code === 'corrupt' &&
          /invalid size in bundle entry: \d+ bytes/.test(e.message),
        `size ${size}`,
      );
    }
  });
});
