import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { InputFileError, readInputFileSync } from '../core/files/readInput';
import { checkText, detectKind, MAX_LAUNCH_FILE_BYTES, type FileKind } from '../core/launch';
import { UsageError, type CliIo } from './io';

/** Reads a launch file the user named, refusing what is not a small regular file, as exit 1. */
export function readLaunchFileArg(file: string, what = 'file to validate'): string {
  try {
    return readInputFileSync(file, { what, maxBytes: MAX_LAUNCH_FILE_BYTES }).toString('utf8');
  } catch (error) {
    if (error instanceof InputFileError) throw new UsageError(error.message, 1);
    throw error;
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
    const text = readLaunchFileArg(file);
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
