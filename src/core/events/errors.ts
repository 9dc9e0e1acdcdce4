// One error class for every way an event file can be unreadable; `code` says why, `file` and
// `offset` say where. A partial last record is never an error: the reader waits for the rest.

export type EventFileErrorCode =
  /** The masked CRC32C of a record's length or data does not match. */
  | 'crc-mismatch'
  /** The record's bytes are not a valid Event protobuf. */
  | 'corrupt';

export class EventFileError extends Error {
  override readonly name = 'EventFileError';
  constructor(
    readonly code: EventFileErrorCode,
    /** The event file. */
    readonly file: string,
    /** Byte offset of the record the problem is in. */
    readonly offset: number,
    /** The reason, without the file name. */
    readonly reason: string,
  ) {
    super(`${file} @ ${offset}: ${reason}`);
  }
}

export function isEventFileError(error: unknown): error is EventFileError {
  return error instanceof EventFileError;
}
