import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { checkText, detectKind, type FileKind } from '../core/launch';
import { UsageError, type CliIo } from './io';

/** Launch files and scripts are small; a bigger file is refused before it is read. */
export const MAX_VALIDATE_BYTES = 8 * 1024 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Reads a regular file of at most `maxBytes` as UTF-8, or throws a UsageError naming the path: a
 * folder, FIFO (which would block), device (/dev/zero never ends) or oversized file is refused.
 */
export function readCheckedFile(file: string, maxBytes: number): string {
  const refuse = (reason: string) => new UsageError(`${file}: ${reason}`, 1);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(error)})`);
  }
  if (stat.isDirectory()) throw refuse('is a folder; give a launch.json, tasks.json or shell script');
  if (!stat.isFile()) throw refuse('is not a regular file (a FIFO, socket or device); give a regular file');
  if (stat.size > maxBytes)
    throw refuse(`is ${megabytes(stat.size)}; files larger than ${megabytes(maxBytes)} are not validated`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    // Read in chunks and stop past the cap: the file may have grown since stat.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes) throw refuse(`is larger than ${megabytes(maxBytes)}; it is not validated`);
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw refuse(`cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export const usage = 'model-garden validate FILE... [--kind launch|tasks|shell]';

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { kind: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0)
    throw new UsageError(`Give a launch.json, tasks.json or shell script.\nUsage: ${usage}`);
  if (values.kind !== undefined && !['launch', 'tasks', 'shell'].includes(values.kind)) {
    throw new UsageError('--kind must be launch, tasks or shell');
  }
  const reports = [];
  let errors = false;
  for (const file of positionals) {
    const kind = (values.kind as FileKind | undefined) ?? detectKind(file);
    if (!kind)
      throw new UsageError(
        `${file}: not a launch.json, tasks.json or shell script (*.sh); say which with --kind`,
      );
    const text = readCheckedFile(file, MAX_VALIDATE_BYTES);
    const absolute = path.resolve(file);
    const inVscode = path.basename(path.dirname(absolute)) === '.vscode';
    const problems = checkText(text, kind, {
      workspaceFolder: inVscode ? path.dirname(path.dirname(absolute)) : path.dirname(absolute),
      fileDir: path.dirname(absolute),
    });
    if (problems.some((p) => p.severity === 'error')) errors = true;
    reports.push({
      file,
      problems: problems.map((p) => ({
        code: p.code,
        severity: p.severity,
        message: p.message,
        line: p.line,
        column: p.column,
        endLine: p.endLine,
        endColumn: p.endColumn,
      })),
    });
  }
  io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
  return errors ? 1 : 0;
}
