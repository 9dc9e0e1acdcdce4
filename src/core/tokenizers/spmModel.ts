// Reads a SentencePiece `.model` file (a serialized sentencepiece.ModelProto) without a protobuf library:
// only the fields the tokenizer needs (sentencepiece_model.proto field numbers).
import { TokenizerAssetError } from './types';

/** SentencePiece.Type of ModelProto. */
export const PieceType = { Normal: 1, Unknown: 2, Control: 3, UserDefined: 4, Unused: 5, Byte: 6 } as const;
export type PieceType = (typeof PieceType)[keyof typeof PieceType];

export interface SpmPiece {
  readonly piece: string;
  readonly score: number;
  readonly type: PieceType;
}

export interface SpmNormalizerSpec {
  readonly name: string;
  /** Darts double-array trie + NUL-terminated replacement strings; empty when the model has none. */
  readonly precompiledCharsmap: Uint8Array;
  readonly addDummyPrefix: boolean;
  readonly removeExtraWhitespaces: boolean;
  readonly escapeWhitespaces: boolean;
}

export interface SpmModel {
  readonly pieces: readonly SpmPiece[];
  /** TrainerSpec.model_type: 1 unigram, 2 BPE, 3 word, 4 char. */
  readonly modelType: number;
  readonly byteFallback: boolean;
  readonly treatWhitespaceAsSuffix: boolean;
  readonly normalizer: SpmNormalizerSpec;
}

const scratch = new DataView(new ArrayBuffer(4));

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly file: string,
    readonly end = buf.length,
  ) {}
  varint(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end)
        throw new TokenizerAssetError(this.file, 'truncated SentencePiece model (varint)');
      const b = this.buf[this.pos++];
      if (shift < 49) result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new TokenizerAssetError(this.file, 'malformed varint in SentencePiece model');
    }
  }
  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.end)
      throw new TokenizerAssetError(this.file, 'truncated SentencePiece model (field)');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  float(): number {
    if (this.pos + 4 > this.end)
      throw new TokenizerAssetError(this.file, 'truncated SentencePiece model (float)');
    // One scratch view for every score (a DataView per piece was a tenth of the model's load time).
    for (let k = 0; k < 4; k++) scratch.setUint8(k, this.buf[this.pos + k]);
    this.pos += 4;
    return scratch.getFloat32(0, true);
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else
      throw new TokenizerAssetError(
        this.file,
        `unsupported protobuf wire type ${wire}: not a SentencePiece model`,
      );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function fields(buf: Uint8Array, file: string, each: (field: number, wire: number, r: Reader) => void): void {
  const r = new Reader(buf, file);
  while (r.pos < r.end) {
    const key = r.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    const before = r.pos;
    each(field, wire, r);
    if (r.pos === before) r.skip(wire);
  }
  if (r.pos > r.end) throw new TokenizerAssetError(file, 'truncated SentencePiece model');
}

/** Parses a `.model` file's bytes. Throws TokenizerAssetError naming `file` when they are not a unigram model. */
export function parseSpmModel(bytes: Uint8Array, file = 'SentencePiece model'): SpmModel {
  // A plain Uint8Array view: a Buffer's subarray() builds a Buffer, 30 K times here.
  const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pieces: SpmPiece[] = [];
  let modelType = 1;
  let byteFallback = false;
  let treatWhitespaceAsSuffix = false;
  let normalizer: SpmNormalizerSpec = {
    name: '',
    precompiledCharsmap: new Uint8Array(0),
    addDummyPrefix: true,
    removeExtraWhitespaces: true,
    escapeWhitespaces: true,
  };
  fields(buf, file, (field, wire, r) => {
    if (field === 1 && wire === 2) {
      let piece = '';
      let score = 0;
      let type: PieceType = PieceType.Normal;
      fields(r.bytes(), file, (f, w, pr) => {
        if (f === 1 && w === 2) piece = utf8.decode(pr.bytes());
        else if (f === 2 && w === 5) score = pr.float();
        else if (f === 3 && w === 0) type = pr.varint() as PieceType;
      });
      pieces.push({ piece, score, type });
    } else if (field === 2 && wire === 2) {
      fields(r.bytes(), file, (f, w, tr) => {
        if (f === 3 && w === 0) modelType = tr.varint();
        else if (f === 35 && w === 0) byteFallback = tr.varint() !== 0;
        else if (f === 24 && w === 0) treatWhitespaceAsSuffix = tr.varint() !== 0;
      });
    } else if (field === 3 && wire === 2) {
      const spec = { ...normalizer };
      fields(r.bytes(), file, (f, w, nr) => {
        if (f === 1 && w === 2) spec.name = utf8.decode(nr.bytes());
        else if (f === 2 && w === 2) spec.precompiledCharsmap = nr.bytes();
        else if (f === 3 && w === 0) spec.addDummyPrefix = nr.varint() !== 0;
        else if (f === 4 && w === 0) spec.removeExtraWhitespaces = nr.varint() !== 0;
        else if (f === 5 && w === 0) spec.escapeWhitespaces = nr.varint() !== 0;
      });
      normalizer = spec;
    }
  });
  if (pieces.length === 0) throw new TokenizerAssetError(file, 'no pieces: not a SentencePiece model');
  if (modelType !== 1) {
    throw new TokenizerAssetError(
      file,
      `SentencePiece model type ${modelType} is not unigram (type 1); only unigram is supported`,
    );
  }
  checkCharsmap(normalizer.precompiledCharsmap, file);
  return { pieces, modelType, byteFallback, treatWhitespaceAsSuffix, normalizer };
}

/**
 * Checks the layout of a precompiled normalization charsmap: empty (no normalization), or a uint32
 * trie size, a trie of that many bytes (whole 32-bit units, a root inside it) and the replacement
 * strings after it. Anything else is refused here rather than read as garbage.
 */
export function checkCharsmap(blob: Uint8Array, file: string): void {
  if (blob.length === 0) return;
  const bad = (why: string): never => {
    throw new TokenizerAssetError(file, `bad normalization charsmap in the SentencePiece model: ${why}`);
  };
  if (blob.length < 4) bad(`${blob.length} bytes, too short for its trie size`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const trieSize = view.getUint32(0, true);
  if (trieSize === 0) bad('the trie is empty');
  if (trieSize % 4 !== 0) bad(`the trie size ${trieSize} is not a whole number of 4-byte units`);
  if (trieSize > blob.length - 4)
    bad(`the trie size ${trieSize} is larger than the ${blob.length - 4} bytes that follow`);
  const root = view.getUint32(4, true);
  const rootOffset = (root >>> 10) << ((root & (1 << 9)) >>> 6);
  if (rootOffset >= trieSize / 4) bad('the trie root points outside the trie');
}
