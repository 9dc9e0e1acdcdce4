import { printable } from '../text/printable';

// One error class for every way a checkpoint can be unreadable; `code` says why, `file` says where.

export type CheckpointErrorCode =
  /** The file does not end with the SSTable magic: not a TensorFlow index. */
  | 'bad-magic'
  /** The file is shorter than its structure says. */
  | 'truncated'
  /** A block or tensor checksum does not match. */
  | 'crc-mismatch'
  /** A data shard named by the index does not exist. */
  | 'missing-shard'
  /** The tensor's dtype cannot be decoded (variants, complex, quantized, unknown). */
  | 'unsupported-dtype'
  /** A pre-2016 single-file checkpoint. */
  | 'v1-checkpoint'
  /** The bundle header's version refuses this reader. */
  | 'unknown-version'
  /** Structurally invalid content (bad varint, bad block type, out-of-range handle, bad size). */
  | 'corrupt'
  /** A partitioned variable: its slices are stored under separate keys. */
  | 'sliced'
  /** The path holds no checkpoint, or the key is not in it. */
  | 'not-found';

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  constructor(
    readonly code: CheckpointErrorCode,
    /** The file the problem is in. */
    readonly file: string,
    /** The reason, without the file name. */
    readonly reason: string,
    /** The tensor key, when the problem concerns one tensor. */
    readonly key?: string,
  ) {
    // Every part can come from the file (a key, a name in the reason): escaped for the terminal.
    super(`${printable(file)}: ${printable(reason)}${key !== undefined ? ` (key "${printable(key)}")` : ''}`);
  }
}

export function isCheckpointError(error: unknown): error is CheckpointError {
  return error instanceof CheckpointError;
}
