import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import {
  packInputs,
  parseSpmModel,
  readAlbertModel,
  sentencePieceFromBytes,
} from '../../src/core/tokenizers';
import { captureIo } from '../support/captureIo';

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** Top-level protobuf fields of `bytes`: [field, wire, start, end of the whole field]. */
function fields(
  bytes: Uint8Array,
): { field: number; wire: number; start: number; body: number; end: number }[] {
  const out = [];
  let pos = 0;
  const read = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  while (pos < bytes.length) {
    const start = pos;
    const tag = read();
    const wire = tag & 7;
    let body = pos;
    if (wire === 0) read();
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else {
      const length = read();
      body = pos;
      pos += length;
    }
    out.push({ field: tag >>> 3, wire, start, body, end: pos });
  }
  return out;
}

/** The ALBERT model with its normalizer's precompiled charsmap replaced by `charsmap`. */
function albertWithCharsmap(charsmap: Uint8Array): Uint8Array {
  const model = readAlbertModel().bytes;
  const parts: Uint8Array[] = [];
  for (const f of fields(model)) {
    if (f.field !== 3) {
      parts.push(model.subarray(f.start, f.end));
      continue;
    }
    const spec = model.subarray(f.body, f.end);
    const inner: Uint8Array[] = [];
    for (const g of fields(spec)) {
      if (g.field === 2) inner.push(Uint8Array.from([0x12, ...varint(charsmap.length)]), charsmap);
      else inner.push(spec.subarray(g.start, g.end));
    }
    const body = Buffer.concat(inner);
    parts.push(Uint8Array.from([0x1a, ...varint(body.length)]), body);
  }
  return Buffer.concat(parts);
}

describe('tokenizers: vocabularies without [PAD], bad SentencePiece charsmaps', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-invalid-assets-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('a vocabulary without [PAD] is an error when padding is needed, not id 0', async function () {
    const specials = { cls: 2, sep: 3, unk: 1, pad: undefined, mask: undefined };
    assert.throws(
      () => packInputs(specials, [[5, 6]], 8),
      /no padding token \(\[PAD\] or <pad>\), so 4 tokens cannot be padded to seq_length 8/,
    );
    assert.deepEqual(packInputs(specials, [[5, 6]], 4).inputIds, [2, 5, 6, 3]);
    assert.deepEqual(packInputs({ ...specials, pad: 0 }, [[5, 6]], 6).inputIds, [2, 5, 6, 3, 0, 0]);
    const vocab = path.join(tmp, 'vocab.txt');
    fs.writeFileSync(vocab, ['[UNK]', '[CLS]', '[SEP]', 'the', 'cat'].join('\n'));
    const io = captureIo();
    assert.equal(await main(['tokenize', '--vocab', vocab, '--text', 'the cat', '--json'], io), 1);
    assert.match(io.stderr, /no padding token .* use a seq_length of 4 or less/);
    const fits = captureIo();
    assert.equal(
      await main(['tokenize', '--vocab', vocab, '--text', 'the cat', '--seq-length', '4', '--json'], fits),
      0,
      fits.stderr,
    );
    assert.deepEqual(JSON.parse(fits.stdout).inputIds, [1, 3, 4, 2]);
  });

  it('a charsmap that is too short, empty, of odd size, oversized or pointing outside is refused by name', function () {
    const u32 = (...values: number[]) => {
      const out = new Uint8Array(values.length * 4);
      const view = new DataView(out.buffer);
      values.forEach((v, i) => view.setUint32(i * 4, v, true));
      return out;
    };
    const cases: [Uint8Array, RegExp][] = [
      [Uint8Array.of(1, 2), /2 bytes, too short for its trie size/],
      [u32(0), /the trie is empty/],
      [Uint8Array.of(...u32(6), 1, 2, 3, 4, 5, 6), /trie size 6 is not a whole number of 4-byte units/],
      [u32(0xfffffff0, 0), /trie size 4294967280 is larger than the 4 bytes that follow/],
      [u32(8, 0xfffffc00, 0), /the trie root points outside the trie/],
    ];
    for (const [charsmap, reason] of cases) {
      const bytes = albertWithCharsmap(charsmap);
      assert.throws(
        () => sentencePieceFromBytes(bytes, 'bad.model'),
        (e: Error) => e.message.startsWith('bad.model: bad normalization charsmap') && reason.test(e.message),
        reason.source,
      );
    }
    // An empty charsmap is valid (no normalization), and the real one still loads.
    assert.equal(
      parseSpmModel(albertWithCharsmap(new Uint8Array(0))).normalizer.precompiledCharsmap.length,
      0,
    );
    const real = parseSpmModel(readAlbertModel().bytes).normalizer.precompiledCharsmap;
    assert.ok(real.length > 1000);
    const same = sentencePieceFromBytes(albertWithCharsmap(real), 'same.model');
    assert.deepEqual(
      same.encode('Hello, World!').ids,
      sentencePieceFromBytes(readAlbertModel().bytes, 'x').encode('Hello, World!').ids,
    );
  });

  it('bench refuses sizes that cannot be allocated with the size at fault', async function () {
    const io = captureIo();
    assert.equal(await main(['bench', '--seq', '100000'], io), 2);
    assert.match(io.stderr, /--seq 100000 .* batch × heads × seq² = 1\.20e\+11 values \(447 GB\)/);
    assert.doesNotMatch(io.stderr, /Invalid typed array length/);
    const wide = captureIo();
    assert.equal(
      await main(['bench', '--hidden', '100000', '--heads', '1', '--layers', '1', '--seq', '8'], wide),
      2,
    );
    assert.match(wide.stderr, /random weights \(459 GB\)/);
  });
});
