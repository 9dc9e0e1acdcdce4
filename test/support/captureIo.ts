import type { CliIo } from '../../src/cli/io';

/** A CliIo that records what a command prints, for running CLI commands in-process. */
export function captureIo(isTty = false): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTty,
    out(text: string) {
      io.stdout += text.endsWith('\n') ? text : text + '\n';
    },
    err(text: string) {
      io.stderr += text.endsWith('\n') ? text : text + '\n';
    },
  };
  return io;
}
