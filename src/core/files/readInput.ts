// Reading a file the user named (a vocabulary, a SentencePiece model, a text, a launch.json): it must
// be a regular file (not a FIFO that blocks forever, not /dev/zero that never ends, not a folder) and
// no larger than a limit, with a message that names the file and says what is wrong.
import * as fs from 'node:fs';

export interface ReadInputOptions {
  /** Largest size accepted, in bytes. */
  readonly maxBytes: number;
  /** What the file is, for messages: "vocabulary", "SentencePiece model", "input text". */
  readonly what: string;
}

/** A file that cannot be read as input; the message names it and the reason. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function openError(file: string, what: string, error: unknown): InputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? `no such file (the ${what})`
      : code === 'EACCES' || code === 'EPERM'
        ? `permission denied reading the ${what}`
        : code === 'EISDIR'
          ? `the ${what} is a folder, not a file`
          : `cannot read the ${what} (${code ?? (error as Error).message})`;
  return new InputFileError(file, reason);
}

function checkStats(file: string, st: fs.Stats, options: ReadInputOptions): void {
  if (!st.isFile())
    throw new InputFileError(file, `the ${options.what} must be a regular file, this is ${kindOf(st)}`);
  if (st.size > options.maxBytes) {
    throw new InputFileError(
      file,
      `the ${options.what} is ${formatSize(st.size)}, more than the limit of ${formatSize(options.maxBytes)}`,
    );
  }
}

/** Non-blocking open, so that a FIFO without a writer does not block; 0 where the flag does not exist. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

function tooLarge(file: string, options: ReadInputOptions): InputFileError {
  return new InputFileError(
    file,
    `the ${options.what} is larger than the limit of ${formatSize(options.maxBytes)}`,
  );
}

/** Reads a regular file of at most `maxBytes`; throws an InputFileError otherwise. */
export function readInputFileSync(file: string, options: ReadInputOptions): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw openError(file, options.what, error);
  }
  try {
    checkStats(file, fs.fstatSync(fd), options);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte more than allowed, to notice a file that grew past the limit while being read.
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, options.maxBytes + 1 - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > options.maxBytes) throw tooLarge(file, options);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw openError(file, options.what, error);
  } finally {
    fs.closeSync(fd);
  }
}

/** The asynchronous `readInputFileSync`. */
export async function readInputFile(file: string, options: ReadInputOptions): Promise<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, OPEN_FLAGS);
  } catch (error) {
    throw openError(file, options.what, error);
  }
  try {
    checkStats(file, await handle.stat(), options);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, options.maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) throw tooLarge(file, options);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof InputFileError) throw error;
    throw openError(file, options.what, error);
  } finally {
    await handle.close();
  }
}
