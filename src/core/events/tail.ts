// Incremental reading of one event file that may still be written: each `poll()` reads only the
// bytes added since the last one, hands over the complete records and keeps a partial last record
// until the rest arrives. A bad record stops the file at that record with a typed error; the points
// before it stay, and nothing after it is guessed.
import * as fs from 'node:fs/promises';
import { ProtoError } from '../checkpoint/proto';
import { decodeEventRaw, type RawEvent } from './event';
import { EventFileError } from './errors';
import { frameRecords } from './tfrecord';

const CHUNK = 16 << 20;

export interface PollResult {
  /** Events decoded by this poll. */
  readonly events: number;
  /** Bytes read by this poll. */
  readonly bytesRead: number;
}

export class EventFileTail {
  /** File offset just past the last complete record. */
  offset = 0;
  /** Bytes of a record still being written (read, waiting for the rest). */
  private pending: Uint8Array = new Uint8Array(0);
  /** Set when a record is bad; the file is not read past it. */
  error: EventFileError | undefined;
  /** Total events decoded so far. */
  events = 0;
  /** Size of the file at the last poll. */
  size = 0;
  /** Modification time (ms) at the last poll. */
  mtimeMs = 0;

  constructor(readonly file: string) {}

  /** Bytes of an unfinished record at the end of the file. */
  get pendingBytes(): number {
    return this.pending.length;
  }

  /**
   * Reads what was appended since the last poll and calls `onEvent` for each new event in file order
   * (a shared object, valid during the call: `toDecodedEvent` copies it).
   * A file that shrank (rewritten) is read again from the start, after `onReset`.
   */
  async poll(onEvent: (event: RawEvent) => void, onReset?: () => void): Promise<PollResult> {
    if (this.error) return { events: 0, bytesRead: 0 };
    const handle = await fs.open(this.file, 'r');
    let bytesRead = 0;
    const before = this.events;
    try {
      const stat = await handle.stat();
      this.mtimeMs = stat.mtimeMs;
      let readFrom = this.offset + this.pending.length;
      if (stat.size < readFrom) {
        this.offset = 0;
        this.pending = new Uint8Array(0);
        this.events = 0;
        readFrom = 0;
        onReset?.();
      }
      this.size = stat.size;
      while (readFrom < stat.size) {
        const want = Math.min(CHUNK, stat.size - readFrom);
        const chunk = new Uint8Array(this.pending.length + want);
        chunk.set(this.pending);
        const { bytesRead: got } = await handle.read(chunk, this.pending.length, want, readFrom);
        if (got === 0) break;
        bytesRead += got;
        readFrom += got;
        const bytes = chunk.subarray(0, this.pending.length + got);
        let consumed: number;
        try {
          consumed = frameRecords(bytes, this.file, this.offset, (data, start, end, at) => {
            let event: RawEvent;
            try {
              event = decodeEventRaw(data, start, end);
            } catch (error) {
              if (error instanceof ProtoError)
                throw new EventFileError('corrupt', this.file, at, `bad Event protobuf: ${error.message}`);
              throw error;
            }
            this.events++;
            onEvent(event);
          });
        } catch (error) {
          if (error instanceof EventFileError) {
            this.error = error;
            this.offset = error.offset;
            this.pending = new Uint8Array(0);
            break;
          }
          throw error;
        }
        this.offset += consumed;
        // Keep only the partial record (copied, so the chunk can be dropped).
        this.pending = bytes.slice(consumed);
      }
    } finally {
      await handle.close();
    }
    return { events: this.events - before, bytesRead };
  }
}
