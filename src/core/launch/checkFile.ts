// Validates every train.py invocation of a launch.json, tasks.json or shell script and places each
// problem (and each quick fix) on document offsets.
import * as path from 'node:path';
import { PROBLEM_CODES, type Fix, type Problem, type ProblemCode, type Severity } from './problems';
import { findInvocations, type FileKind, type Invocation, type SourceToken } from './scan';
import { structureProblem } from './structure';
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
  /**
   * Report a file that cannot be checked (not text, not JSON, empty, not an object) as an
   * `invalid-file` error; default true. The editor turns it off: VS Code reports JSON syntax itself.
   */
  readonly structure?: boolean;
  /** Experiment names from the user's Model Garden registry, when read. */
  readonly experiments?: readonly string[];
  /** The downloaded copy of a Model Garden config file, when there is one. */
  readonly storedConfig?: (value: string) => string | undefined;
}

/** 1-based line and column of document offsets, by binary search over the line starts (found once). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1);
  }

  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.starts[low] + 1 };
  }
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
  const lines = new LineIndex(text);
  const invalid = options.structure === false ? undefined : structureProblem(text, kind);
  if (invalid) {
    const from = lines.at(invalid.start);
    const to = lines.at(invalid.end);
    result.push({
      code: 'invalid-file',
      severity: PROBLEM_CODES['invalid-file'],
      message: invalid.message,
      start: invalid.start,
      end: invalid.end,
      line: from.line,
      column: from.column,
      endLine: to.line,
      endColumn: to.column,
      fixes: [],
    });
  }
  for (const invocation of findInvocations(text, kind)) {
    const tokens = invocation.args;
    const args = tokens.map((t) => substitute(t.value, options.workspaceFolder));
    // Unresolved `$VAR` values cannot be checked; replace them by a neutral value that keeps the flag.
    const checked = args.map((arg, i) => (tokens[i].dynamic ? arg.replace(/=.*$/s, '=') : arg));
    const problems = validateArgs(
      checked.map((arg, i) =>
        tokens[i].dynamic && /^--?params_override=/.test(arg) ? '--params_override=task.x=0' : arg,
      ),
      {
        cwd: resolveCwd(invocation, kind, options),
        probe: options.probe,
        experiments: options.experiments,
        storedConfig: options.storedConfig,
      },
    ).filter((p) => !(p.arg !== undefined && tokens[p.arg].dynamic && p.code !== 'multiple-params-override'));
    // Problems may share a fix (one merge for every ignored --params_override): place it once.
    const placed = new Map<Fix, PlacedFix | undefined>();
    for (const p of problems) result.push(place(text, kind, invocation, tokens, args, p, lines, placed));
  }
  return result.sort((a, b) => a.start - b.start);
}

type PlacedFix = FileProblem['fixes'][number];

function placeFix(
  text: string,
  kind: FileKind,
  tokens: readonly SourceToken[],
  args: readonly string[],
  fix: Fix,
): PlacedFix | undefined {
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
}

function place(
  text: string,
  kind: FileKind,
  invocation: Invocation,
  tokens: readonly SourceToken[],
  args: readonly string[],
  p: Problem,
  lines: LineIndex,
  placed: Map<Fix, PlacedFix | undefined>,
): FileProblem {
  const range =
    p.arg === undefined
      ? { start: invocation.commandStart, end: invocation.commandEnd }
      : args[p.arg] === tokens[p.arg].value
        ? tokenRange(tokens[p.arg], p.start, p.end)
        : { start: tokens[p.arg].start, end: tokens[p.arg].end };
  const fixes: PlacedFix[] = [];
  for (const fix of p.fixes ?? []) {
    if (!placed.has(fix)) placed.set(fix, placeFix(text, kind, tokens, args, fix));
    const result = placed.get(fix);
    if (result) fixes.push(result);
  }
  const from = lines.at(range.start);
  const to = lines.at(range.end);
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
