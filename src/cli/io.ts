import * as fs from 'node:fs';

/** What a CLI command writes to; injectable so tests run commands in-process. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars, colours). */
  readonly isTty: boolean;
}

/** Thrown by `processIo.out` once the reader of stdout has gone (`… | head -1`): the command stops quietly. */
export class OutputClosedError extends Error {
  constructor() {
    super('standard output was closed');
  }
}

let stdoutClosed = false;

/**
 * Writes to stdout synchronously, so that a closed pipe (EPIPE) is known at the write that failed and
 * the command stops there instead of working on to the end (stream errors only arrive on a later tick).
 */
function writeStdout(text: string): void {
  if (stdoutClosed) throw new OutputClosedError();
  const bytes = Buffer.from(text, 'utf8');
  for (let done = 0; done < bytes.length;) {
    try {
      done += fs.writeSync(1, bytes, done, bytes.length - done);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // A non-blocking pipe that is full: wait a little for the reader, then try again.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if (code === 'EPIPE') {
        stdoutClosed = true;
        throw new OutputClosedError();
      }
      throw error;
    }
  }
}

export const processIo: CliIo = {
  out: (text) => writeStdout(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  isTty: Boolean(process.stdout.isTTY),
};

/** An error whose message is for the user; the CLI prints it without a stack and exits with `exitCode`. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

/** Formats rows as a plain text table with a header. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
