// Inserts or updates one named entry of .vscode/launch.json (`configurations`) or tasks.json
// (`tasks`) with jsonc-parser edits: every byte outside the edited entry stays as it was, comments
// and trailing commas included. A file that does not parse is refused and left alone.
import {
  applyEdits,
  stripComments,
  parseTree,
  findNodeAtLocation,
  printParseErrorCode,
  type Edit,
  type FormattingOptions,
  type Node,
  type ParseError,
} from 'jsonc-parser';
import { MAX_JSON_DEPTH, tooDeepAt, withoutBom } from './structure';

export type JsoncKind = 'launch' | 'tasks';

const SHAPE: Record<JsoncKind, { array: string; nameKey: string; version: string }> = {
  launch: { array: 'configurations', nameKey: 'name', version: '0.2.0' },
  tasks: { array: 'tasks', nameKey: 'label', version: '2.0.0' },
};

/** The file is not valid JSON with comments; nothing was changed. */
export class JsoncParseError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: cannot edit: ${reason}. Fix the file first; it was left untouched.`);
    this.name = 'JsoncParseError';
  }
}

/** An entry with that name exists and `replace` was not given. */
export class EntryExistsError extends Error {
  constructor(
    readonly file: string,
    readonly entryName: string,
  ) {
    super(`${file} already has an entry named "${entryName}"; confirm to update it.`);
    this.name = 'EntryExistsError';
  }
}

export interface UpsertResult {
  readonly text: string;
  readonly action: 'created' | 'inserted' | 'updated';
  readonly edits: Edit[];
}

export interface UpsertOptions {
  /** Update an entry with the same name instead of refusing. */
  readonly replace?: boolean;
  /** File name used in error messages. */
  readonly file?: string;
}

/** Indentation and line ends as the document already uses them. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /^([ \t]+)\S/m.exec(text);
  if (indented && indented[1].startsWith('\t')) return { insertSpaces: false, tabSize: 4, eol };
  const size = indented ? indented[1].length : 4;
  return { insertSpaces: true, tabSize: Math.min(size, 8), eol };
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Parses a launch.json/tasks.json text; throws JsoncParseError with line and column. */
export function parseJsonc(text: string, file: string): Node | undefined {
  // A byte order mark is ignored, as VS Code and `validate` do; edits keep it.
  const json = withoutBom(text);
  if (stripComments(json).trim() === '') return undefined;
  const deep = tooDeepAt(json);
  if (deep !== undefined) {
    const { line, column } = position(text, deep);
    throw new JsoncParseError(
      file,
      line,
      column,
      `arrays and objects nest more than ${MAX_JSON_DEPTH} levels deep`,
    );
  }
  const errors: ParseError[] = [];
  const root = parseTree(json, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const { line, column } = position(text, errors[0].offset);
    throw new JsoncParseError(file, line, column, printParseErrorCode(errors[0].error));
  }
  if (root && root.type !== 'object') {
    const { line, column } = position(text, root.offset);
    throw new JsoncParseError(file, line, column, 'the top level is not an object');
  }
  return root;
}

/** Index of the entry whose name (launch) or label (tasks) is `name`. */
export function findEntryIndex(root: Node | undefined, kind: JsoncKind, name: string): number | undefined {
  if (!root) return undefined;
  const array = findNodeAtLocation(root, [SHAPE[kind].array]);
  if (!array || array.type !== 'array') return undefined;
  const index = (array.children ?? []).findIndex((child) => {
    const label = child.type === 'object' ? findNodeAtLocation(child, [SHAPE[kind].nameKey]) : undefined;
    return label?.value === name;
  });
  return index >= 0 ? index : undefined;
}

/** Inserts `entry`, or updates the entry with the same name when `replace` is set. */
export function upsertEntry(
  text: string,
  kind: JsoncKind,
  entry: object,
  options: UpsertOptions = {},
): UpsertResult {
  const file = options.file ?? (kind === 'launch' ? 'launch.json' : 'tasks.json');
  const shape = SHAPE[kind];
  const name = (entry as Record<string, unknown>)[shape.nameKey];
  if (typeof name !== 'string' || !name) throw new Error(`the entry needs a "${shape.nameKey}"`);
  const root = parseJsonc(text, file);
  const formattingOptions = detectFormatting(text);

  if (!root) {
    // Empty, blank or comments only: append a new document after whatever is there.
    const eol = formattingOptions.eol ?? '\n';
    const indent = formattingOptions.insertSpaces ? ' '.repeat(formattingOptions.tabSize ?? 4) : '\t';
    const body =
      JSON.stringify({ version: shape.version, [shape.array]: [entry] }, null, indent).replace(/\n/g, eol) +
      eol;
    const separator = text.length === 0 || /(\r?\n)$/.test(text) ? '' : eol;
    const edits: Edit[] = [{ offset: text.length, length: 0, content: separator + body }];
    return { text: applyEdits(text, edits), action: 'created', edits };
  }

  const index = findEntryIndex(root, kind, name);
  const array = findNodeAtLocation(root, [shape.array]);
  const unit = formattingOptions.insertSpaces ? ' '.repeat(formattingOptions.tabSize ?? 4) : '\t';
  const eol = formattingOptions.eol ?? '\n';
  let edits: Edit[];
  let action: UpsertResult['action'];
  if (index !== undefined) {
    if (!options.replace) throw new EntryExistsError(file, name);
    const old = array!.children![index];
    edits = [
      {
        offset: old.offset,
        length: old.length,
        content: render(entry, lineIndent(text, old.offset), unit, eol),
      },
    ];
    action = 'updated';
  } else if (array && array.type === 'array') {
    edits = appendMember(text, array, (indent) => render(entry, indent, unit, eol), unit, eol);
    action = 'inserted';
  } else if (array) {
    const { line, column } = position(text, array.offset);
    throw new JsoncParseError(file, line, column, `"${shape.array}" is not an array`);
  } else {
    edits = appendMember(
      text,
      root,
      (indent) => `${JSON.stringify(shape.array)}: ${render([entry], indent, unit, eol)}`,
      unit,
      eol,
    );
    action = 'inserted';
  }
  return { text: applyEdits(text, edits), action, edits };
}

/** JSON of `value` laid out with `unit` indentation, continuation lines starting at `indent`. */
function render(value: unknown, indent: string, unit: string, eol: string): string {
  return JSON.stringify(value, null, unit)
    .split('\n')
    .map((line, i) => (i === 0 ? line : indent + line))
    .join(eol);
}

/** Leading whitespace of the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = Math.max(text.lastIndexOf('\n', offset - 1) + 1, 0);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** Offset after whitespace, comments and (optionally) one comma, staying on the current line. */
function skipTrivia(text: string, from: number, sameLine: boolean): { end: number; comma?: number } {
  let at = from;
  let comma: number | undefined;
  for (;;) {
    const ch = text[at];
    if (ch === ' ' || ch === '\t') at++;
    else if (!sameLine && (ch === '\r' || ch === '\n')) at++;
    else if (text.startsWith('//', at)) {
      const newline = text.slice(at).search(/\r?\n/);
      at = newline < 0 ? text.length : at + newline;
    } else if (text.startsWith('/*', at)) {
      const close = text.indexOf('*/', at + 2);
      const next = close < 0 ? text.length : close + 2;
      if (sameLine && /[\r\n]/.test(text.slice(at, next))) return { end: at, comma };
      at = next;
    } else if (ch === ',' && comma === undefined) {
      comma = at;
      at++;
    } else return { end: at, comma };
  }
}

/** Edits that add one member at the end of an array or object, touching nothing else. */
function appendMember(
  text: string,
  container: Node,
  member: (indent: string) => string,
  unit: string,
  eol: string,
): Edit[] {
  const children = container.children ?? [];
  const open = container.offset;
  const close = container.offset + container.length - 1;
  if (children.length === 0) {
    const multiline = /[\r\n]/.test(text.slice(open, close));
    const outer = lineIndent(text, open);
    const indent = outer + unit;
    const content = multiline ? eol + indent + member(indent) : eol + indent + member(indent) + eol + outer;
    return [{ offset: open + 1, length: 0, content }];
  }
  const lastChild = children[children.length - 1];
  const first = children[0];
  const firstLineStart = text.lastIndexOf('\n', first.offset - 1) + 1;
  const firstOnOwnLine = /^[ \t]*$/.test(text.slice(firstLineStart, first.offset));
  const indent = firstOnOwnLine ? lineIndent(text, first.offset) : lineIndent(text, open) + unit;
  const end = lastChild.offset + lastChild.length;
  const after = skipTrivia(text, end, false);
  const trailingComma = after.comma !== undefined;
  const base = trailingComma ? after.comma! + 1 : end;
  const lineRest = skipTrivia(text, base, true);
  const endsLine = lineRest.end === text.length || /^\r?\n/.test(text.slice(lineRest.end));
  if (!endsLine) {
    // `]` (or more content) follows on the same line: insert inline after the last member (and its comma).
    return [
      {
        offset: base,
        length: 0,
        content: (trailingComma ? ' ' : ', ') + member(indent) + (trailingComma ? ',' : ''),
      },
    ];
  }
  const edits: Edit[] = [];
  if (!trailingComma) edits.push({ offset: end, length: 0, content: ',' });
  edits.push({
    offset: lineRest.end,
    length: 0,
    content: eol + indent + member(indent) + (trailingComma ? ',' : ''),
  });
  return edits;
}

/** The launch.json / tasks.json may not be written as asked; nothing was changed. */
export class WriteRefusedError extends Error {
  constructor(
    readonly file: string,
    readonly reason: 'symlink' | 'read-only' | 'not-a-file',
    message: string,
  ) {
    super(message);
    this.name = 'WriteRefusedError';
  }
}

/** What writing `DIR/.vscode/launch.json` (or tasks.json) would touch. */
export interface WriteTarget {
  readonly file: string;
  /** Symbolic links on the way (the `.vscode` folder, the file), each with where it leads. */
  readonly links: readonly { readonly path: string; readonly target: string }[];
  /** Permission bits of the existing file (undefined when it does not exist yet). */
  readonly mode?: number;
  readonly readOnly: boolean;
}

/** Looks at the file and folder a write would go to, without changing anything. */
/** launch.json, tasks.json and scripts are small: a bigger file is refused before it is read. */
export const MAX_LAUNCH_FILE_BYTES = 8 * 1024 * 1024;

export async function inspectWriteTarget(folder: string, kind: JsoncKind): Promise<WriteTarget> {
  const { promises: fsp, constants } = await import('node:fs');
  const path = await import('node:path');
  const dir = path.join(folder, '.vscode');
  const file = path.join(dir, kind === 'launch' ? 'launch.json' : 'tasks.json');
  const links: { path: string; target: string }[] = [];
  for (const candidate of [dir, file]) {
    const stat = await fsp.lstat(candidate).catch(() => undefined);
    if (stat?.isSymbolicLink()) {
      const target = await fsp
        .realpath(candidate)
        .catch(async () => path.resolve(path.dirname(candidate), await fsp.readlink(candidate)));
      links.push({ path: candidate, target });
    }
  }
  const stat = await fsp.stat(file).catch(() => undefined);
  if (stat && !stat.isFile()) {
    throw new WriteRefusedError(file, 'not-a-file', `${file} is not a regular file; nothing was written.`);
  }
  const writable = stat
    ? (stat.mode & 0o222) !== 0 &&
      (await fsp.access(file, constants.W_OK).then(
        () => true,
        () => false,
      ))
    : true;
  return { file, links, mode: stat ? stat.mode & 0o7777 : undefined, readOnly: !writable };
}

/**
 * Upserts an entry into `DIR/.vscode/launch.json` or `tasks.json` on disk. The new text is written
 * to a temporary file with the old file's permissions and renamed over the old one, so a reader
 * never sees half a file and a private (0600) file stays private. A file that does not parse is
 * left untouched (JsoncParseError); so is a read-only one, and one reached through a symbolic link
 * (the file or `.vscode`) unless `followLinks` (WriteRefusedError).
 */
export async function upsertEntryInFolder(
  folder: string,
  kind: JsoncKind,
  entry: object,
  options: { replace?: boolean; followLinks?: boolean } = {},
): Promise<UpsertResult & { file: string }> {
  const { promises: fsp } = await import('node:fs');
  const path = await import('node:path');
  const target = await inspectWriteTarget(folder, kind);
  const file = target.file;
  if (target.readOnly) {
    throw new WriteRefusedError(file, 'read-only', `${file} is read-only; nothing was written.`);
  }
  if (target.links.length > 0 && !options.followLinks) {
    const link = target.links[0];
    throw new WriteRefusedError(
      file,
      'symlink',
      `${link.path} is a symbolic link to ${link.target}; not writing through it. Nothing was written.`,
    );
  }
  // An existing file is read within the same bound as `validate` (an 18 MB launch.json took 3.5 s
  // and 590 MB to parse); none yet is an empty one.
  const { readInputFile } = await import('../files/readInput');
  const text =
    target.mode === undefined
      ? ''
      : (await readInputFile(file, { what: 'launch file', maxBytes: MAX_LAUNCH_FILE_BYTES })).toString(
          'utf8',
        );
  const result = upsertEntry(text, kind, entry, { replace: options.replace, file });
  await fsp.mkdir(path.dirname(file), { recursive: true });
  // Through a link, the link stays and the file it leads to is replaced.
  const real = await fsp.realpath(file).catch(() => file);
  const temp = `${real}.${process.pid}.${Date.now()}.tmp`;
  try {
    await fsp.writeFile(temp, result.text, { encoding: 'utf8', mode: target.mode ?? 0o666, flag: 'wx' });
    if (target.mode !== undefined) await fsp.chmod(temp, target.mode);
    await fsp.rename(temp, real);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
  return { ...result, file };
}
