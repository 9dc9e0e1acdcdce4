// A checkpoint whose index holds a Snappy data block with a literal whose 4-byte length has its top
// bit set (0xfffffffa + 1), its block CRC recomputed so only the Snappy decoder can notice. Read with
// a signed shift that length is -5 and moves the read position back onto the tag: snappyjs looped
// forever on it. Used by the reader's unit test and the Local Checkpoints view's integration test.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32c, crc32cExtend, maskCrc } from '../../src/core/checkpoint';
import { uncompressedLength } from '../../src/core/checkpoint/snappy';
import { parseTable } from '../../src/core/checkpoint/sstable';
import { writeCheckpoint } from './checkpointWriter';

/** Writes a checkpoint at DIR/NAME whose index has Snappy-compressed data blocks of 512 bytes. */
export async function snappyBlockIndex(
  dir: string,
  name: string,
  keySuffix: string,
  count: number,
): Promise<string> {
  const prefix = path.join(dir, name);
  await writeCheckpoint(
    prefix,
    Array.from({ length: count }, (_, i) => ({
      name: `${String(i).padStart(3, '0')}/${keySuffix}`,
      shape: [2],
      data: Float32Array.of(i, -i),
    })),
    { blockSize: 512, snappy: true },
  );
  return prefix;
}

/** The index bytes of a fresh Snappy checkpoint at DIR/NAME with the top-bit literal in its first Snappy block. */
export async function topBitSnappyIndex(
  dir: string,
  name: string,
): Promise<{ prefix: string; index: Buffer }> {
  const prefix = await snappyBlockIndex(dir, name, 'x'.repeat(40), 30);
  const index = fs.readFileSync(prefix + '.index');
  const block = parseTable(index, 'x').dataBlocks.find((b) => b.compression === 1);
  if (!block) throw new Error('the writer made no Snappy block');
  const { headerBytes } = uncompressedLength(index.subarray(block.offset));
  index.set([0xfc, 0xfa, 0xff, 0xff, 0xff], block.offset + headerBytes);
  const trailer = block.offset + block.size;
  const crc = crc32cExtend(crc32c(index.subarray(block.offset, trailer)), Uint8Array.of(index[trailer]));
  index.writeUInt32LE(maskCrc(crc), trailer + 1);
  return { prefix, index };
}
