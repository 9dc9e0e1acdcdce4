// Validates every train.py invocation of a launch.json, tasks.json or shell script and places each
// problem (and each quick fix) on document offsets.
import * as path from 'node:path';
import type { Problem, ProblemCode, Severity } from './problems';
import { findInvocations, type FileKind, type Invocation, type SourceToken } from './scan';
import { validateArgs, type FileProbe } from './validate';

export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

export interface FileProblem {
  readonly code: ProblemCode;
  readonly severity: Severity;
  readonly message: string;
  /** Document offsets. */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of `start`, and of `end`. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly fixes: readonly { title: string; edits: readonly TextEdit[] }[];
}

export interface FileCheckOptions {
  /** The folder `${workspaceFolder}` and relative paths stand for (the file's workspace folder). */
  readonly workspaceFolder?: string;
  /** The file's own folder (shell scripts resolve relative paths against it). */
  readonly fileDir?: string;
  readonly probe?: FileProbe | null;
  /** Experiment names from the user's Model Garden registry, when read. */
  readonly experiments?: readonly string[];
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function resolveCwd(invocation: Invocation, kind: FileKind, options: FileCheckOptions): string | undefined {
  const folder = options.workspaceFolder;
  if (invocation.cwd !== undefined) {
    const replaced = folder ? invocation.cwd.replace(/\$\{workspaceFolder\}/g, folder) : invocation.cwd;
    if (/\$\{/.test(replaced)) return undefined;
    return path.isAbsolute(replaced) ? replaced : folder ? path.join(folder, replaced) : undefined;
  }
  return kind === 'shell' ? options.fileDir : folder;
}

/** Substitutes `${workspaceFolder}` in argument values (as VS Code does before launching). */
function substitute(value: string, folder: string | undefined): string {
  return folder ? value.replace(/\$\{workspaceFolder\}/g, folder) : value;
}

function tokenRange(token: SourceToken, start?: number, end?: number): { start: number; end: number } {
  if (start === undefined) return { start: token.start, end: token.end };
  const from = token.offsets[Math.min(start, token.offsets.length - 1)];
  const lastChar = Math.max(start, (end ?? token.value.length) - 1);
  const to = lastChar < token.value.length ? token.ends[lastChar] : token.end;
  return to > from ? { start: from, end: to } : { start: from, end: from + 1 };
}

/** Removes one token and the separator before it (or after it, for the first). */
function deletion(text: string, tokens: readonly SourceToken[], index: number, kind: FileKind): TextEdit {
  const token = tokens[index];
  if (kind === 'shell' || !text.slice(token.start, token.end).startsWith('"')) {
    let from = token.start;
    while (from > 0 && /[ \t]/.test(text[from - 1])) from--;
    if (from > 0 && text[from - 1] === '\n' && text[from - 2] === '\\') from -= 2;
    else if (from > 1 && text[from - 1] === '\n' && text[from - 2] === '\r' && text[from - 3] === '\\')
      from -= 3;
    return { start: from, end: token.end, text: '' };
  }
  if (index > 0) return { start: tokens[index - 1].end, end: token.end, text: '' };
  const next = tokens[index + 1];
  return { start: token.start, end: next ? next.start : token.end, text: '' };
}

/** Checks one file's text; problems are sorted by position. */
export function checkText(text: string, kind: FileKind, options: FileCheckOptions = {}): FileProblem[] {
  const result: FileProblem[] = [];
  for (const invocation of findInvocations(text, kind)) {
    const tokens = invocation.args;
    const args = tokens.map((t) => substitute(t.value, options.workspaceFolder));
    // Unresolved `$VAR` values cannot be checked; replace them by a neutral value that keeps the flag.
    const checked = args.map((arg, i) => (tokens[i].dynamic ? arg.replace(/=.*$/s, '=') : arg));
    const problems = validateArgs(
      checked.map((arg, i) =>
        tokens[i].dynamic && /^--?params_override=/.test(arg) ? '--params_override=task.x=0' : arg,
      ),
      { cwd: resolveCwd(invocation, kind, options), probe: options.probe, experiments: options.experiments },
    ).filter((p) => !(p.arg !== undefined && tokens[p.arg].dynamic && p.code !== 'multiple-params-override'));
    for (const p of problems) result.push(place(text, kind, invocation, tokens, args, p));
  }
  return result.sort((a, b) => a.start - b.start);
}

function place(
  text: string,
  kind: FileKind,
  invocation: Invocation,
  tokens: readonly SourceToken[],
  args: readonly string[],
  p: Problem,
): FileProblem {
  const range =
    p.arg === undefined
      ? { start: invocation.commandStart, end: invocation.commandEnd }
      : args[p.arg] === tokens[p.arg].value
        ? tokenRange(tokens[p.arg], p.start, p.end)
        : { start: tokens[p.arg].start, end: tokens[p.arg].end };
  const fixes = (p.fixes ?? [])
    .map((fix) => {
      const edits: TextEdit[] = [];
      for (const edit of fix.edits) {
        const token = tokens[edit.arg];
        if (edit.value === null) {
          edits.push(deletion(text, tokens, edit.arg, kind));
        } else {
          if (!token.render || token.dynamic || args[edit.arg] !== token.value) return undefined;
          edits.push({ start: token.start, end: token.end, text: token.render(edit.value) });
        }
      }
      return { title: fix.title, edits };
    })
    .filter((f): f is { title: string; edits: TextEdit[] } => !!f);
  const from = lineColumn(text, range.start);
  const to = lineColumn(text, range.end);
  return {
    code: p.code,
    severity: p.severity,
    message: p.message,
    start: range.start,
    end: range.end,
    line: from.line,
    column: from.column,
    endLine: to.line,
    endColumn: to.column,
    fixes,
  };
}

/** Applies non-overlapping edits to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let result = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
  }
  return result;
}
