// Finds train.py invocations in launch.json (`args` arrays), tasks.json (`command`/`args`) and shell
// scripts (quotes, line continuations, simple `NAME=value` variables), keeping for every argv
// character the document offset it came from, so that problems land on exact ranges.
import * as path from 'node:path';
import { findNodeAtLocation, parseTree, type Node, type ParseError } from 'jsonc-parser';
import { quoteBash } from './quote';
import { tooDeepAt, withoutBom } from './structure';

export type FileKind = 'launch' | 'tasks' | 'shell';

export interface SourceToken {
  /** The argv element as the program receives it. */
  readonly value: string;
  /** Document range of the token as written. */
  readonly start: number;
  readonly end: number;
  /** Document offset of each character of `value` (plus the token end). */
  readonly offsets: readonly number[];
  /** Document offset just after each character's source text (escapes included). */
  readonly ends: readonly number[];
  /** The token text that makes the program receive `value` (for quick fixes); undefined when not safely editable. */
  readonly render?: (value: string) => string;
  /** True when the token holds something the scanner could not resolve (`$VAR`, `$(…)`). */
  readonly dynamic: boolean;
}

export interface Invocation {
  /** Range of `train.py` / `official.nlp.train`. */
  readonly commandStart: number;
  readonly commandEnd: number;
  /** The flags after the program. */
  readonly args: readonly SourceToken[];
  readonly cwd?: string;
  readonly name?: string;
}

export function detectKind(fileName: string): FileKind | undefined {
  const base = fileName.replace(/\\/g, '/').split('/').pop()!.toLowerCase();
  if (base === 'launch.json') return 'launch';
  if (base === 'tasks.json') return 'tasks';
  if (/\.(sh|bash|zsh)$/.test(base)) return 'shell';
  return undefined;
}

export function findInvocations(text: string, kind: FileKind): Invocation[] {
  if (kind === 'shell') return shellInvocations(text, 0, text.length);
  // A byte order mark is read as VS Code reads it (ignored); nesting too deep to parse has nothing to find.
  const json = withoutBom(text);
  if (tooDeepAt(json) !== undefined) return [];
  const errors: ParseError[] = [];
  const root = parseTree(json, errors, { allowTrailingComma: true });
  if (!root) return [];
  const list = findNodeAtLocation(root, [kind === 'launch' ? 'configurations' : 'tasks']);
  if (!list || list.type !== 'array') return [];
  const result: Invocation[] = [];
  for (const entry of list.children ?? []) {
    if (entry.type !== 'object') continue;
    const str = (key: string[]) => {
      const node = findNodeAtLocation(entry, key);
      return node?.type === 'string' ? node : undefined;
    };
    const cwd = (kind === 'launch' ? str(['cwd']) : str(['options', 'cwd']))?.value as string | undefined;
    const name = (str([kind === 'launch' ? 'name' : 'label'])?.value as string | undefined) ?? undefined;
    const argsNode = findNodeAtLocation(entry, ['args']);
    const argTokens =
      argsNode?.type === 'array'
        ? (argsNode.children ?? []).map((n) => jsonToken(text, n)).filter((t): t is SourceToken => !!t)
        : [];
    if (kind === 'launch') {
      const program = str(['program']);
      const module = str(['module']);
      const target =
        program && /(^|[\\/])train\.py$/.test(program.value)
          ? program
          : module?.value === 'official.nlp.train'
            ? module
            : undefined;
      if (target)
        result.push({
          commandStart: target.offset,
          commandEnd: target.offset + target.length,
          args: argTokens,
          cwd,
          name,
        });
      continue;
    }
    const command = str(['command']);
    const commandTokens = command ? shellTokensInJson(text, command) : [];
    const tokens = [...commandTokens, ...argTokens];
    const at = programIndex(tokens.map((t) => t.value));
    if (at)
      result.push({
        commandStart: tokens[at.index].start,
        commandEnd: tokens[at.index + at.length - 1].end,
        args: tokens.slice(at.index + at.length),
        cwd,
        name,
      });
  }
  return result;
}

/** Where `train.py` or `-m official.nlp.train` is in a word list. */
function programIndex(words: readonly string[]): { index: number; length: number } | undefined {
  for (let i = 0; i < words.length; i++) {
    if (/(^|[\\/])train\.py$/.test(words[i])) return { index: i, length: 1 };
    if (words[i] === '-m' && words[i + 1] === 'official.nlp.train') return { index: i, length: 2 };
  }
  return undefined;
}

/** Offsets of each character of a JSON string literal's value. */
function jsonStringOffsets(text: string, node: Node): { value: string; offsets: number[]; ends: number[] } {
  const offsets: number[] = [];
  const ends: number[] = [];
  let value = '';
  const end = node.offset + node.length - 1;
  for (let at = node.offset + 1; at < end;) {
    if (text[at] === '\\') {
      const next = text[at + 1];
      if (next === 'u') {
        value += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
        offsets.push(at);
        ends.push(at + 6);
        at += 6;
      } else {
        value += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
        offsets.push(at);
        ends.push(at + 2);
        at += 2;
      }
    } else {
      value += text[at];
      offsets.push(at);
      ends.push(at + 1);
      at++;
    }
  }
  offsets.push(end);
  return { value, offsets, ends };
}

function jsonToken(text: string, node: Node): SourceToken | undefined {
  let target = node;
  if (node.type === 'object') {
    const inner = findNodeAtLocation(node, ['value']);
    if (!inner || inner.type !== 'string') return undefined;
    target = inner;
  }
  if (target.type !== 'string') return undefined;
  const { value, offsets, ends } = jsonStringOffsets(text, target);
  return {
    value,
    start: target.offset,
    end: target.offset + target.length,
    offsets,
    ends,
    render: (v) => JSON.stringify(v),
    dynamic: /\$\{|\$[A-Za-z_]/.test(value),
  };
}

/** Shell words of a tasks.json `command` string, with offsets mapped back into the JSON text. */
function shellTokensInJson(text: string, node: Node): SourceToken[] {
  const decoded = jsonStringOffsets(text, node);
  const invocations = shellWords(decoded.value, 0, decoded.value.length);
  const words = invocations.flat();
  return words.map((word) => ({
    value: word.value,
    start: decoded.offsets[word.start],
    end: decoded.offsets[word.end] ?? decoded.offsets.at(-1)!,
    offsets: word.offsets.map((o) => decoded.offsets[o]),
    ends: word.ends.map((e) => decoded.ends[e - 1]),
    render: word.render ? (v: string) => JSON.stringify(word.render!(v)).slice(1, -1) : undefined,
    dynamic: word.dynamic,
  }));
}

function shellInvocations(text: string, from: number, to: number): Invocation[] {
  const result: Invocation[] = [];
  for (const words of shellWords(text, from, to)) {
    const at = programIndex(words.map((w) => w.value));
    if (at)
      result.push({
        commandStart: words[at.index].start,
        commandEnd: words[at.index + at.length - 1].end,
        args: words.slice(at.index + at.length),
      });
  }
  return result;
}

/**
 * Splits shell text into commands of words. Handles `'…'`, `"…"` (with `\"`, `\\`, `\$`),
 * backslash escapes, `\` line continuations, comments and `;`, `&&`, `||`, `|`, newlines.
 * `$NAME` / `${NAME}` expand to earlier `NAME=value` assignments; otherwise the word is dynamic.
 */
export function shellWords(text: string, from: number, to: number): SourceToken[][] {
  const commands: SourceToken[][] = [];
  const variables = new Map<string, { value: string; offsets: number[] }>();
  let words: SourceToken[] = [];
  let value = '';
  let offsets: number[] = [];
  let start = -1;
  let dynamic = false;
  let expanded = false;
  const flushWord = (end: number) => {
    if (start < 0) return;
    const plain = !expanded;
    words.push({
      value,
      start,
      end,
      offsets: [...offsets, end],
      ends: offsets.map((o) => o + 1),
      render: plain ? quoteBash : undefined,
      dynamic,
    });
    value = '';
    offsets = [];
    start = -1;
    dynamic = false;
    expanded = false;
  };
  const flushCommand = () => {
    if (words.length === 0) return;
    // A lone `NAME=value` statement defines a variable for later expansions.
    if (words.length === 1 && /^[A-Za-z_]\w*=/.test(words[0].value)) {
      const eq = words[0].value.indexOf('=');
      variables.set(words[0].value.slice(0, eq), {
        value: words[0].value.slice(eq + 1),
        offsets: words[0].offsets.slice(eq + 1, -1) as number[],
      });
    } else if (words.length > 1 && words.every((w) => /^[A-Za-z_]\w*=/.test(w.value))) {
      for (const w of words) {
        const eq = w.value.indexOf('=');
        variables.set(w.value.slice(0, eq), {
          value: w.value.slice(eq + 1),
          offsets: w.offsets.slice(eq + 1, -1) as number[],
        });
      }
    }
    commands.push(words);
    words = [];
  };
  const begin = (at: number) => {
    if (start < 0) start = at;
  };
  const braced = /\$\{([A-Za-z_]\w*)\}/y;
  const simple = /\$([A-Za-z_]\w*)/y;
  const expand = (at: number): number => {
    braced.lastIndex = at;
    simple.lastIndex = at;
    const found = braced.exec(text) ?? simple.exec(text);
    const match = found && at + found[0].length <= to ? found : null;
    if (match && variables.has(match[1])) {
      const variable = variables.get(match[1])!;
      value += variable.value;
      offsets.push(...variable.offsets);
      expanded = true;
      return at + match[0].length;
    }
    dynamic = true;
    const length = match ? match[0].length : 1;
    for (let i = 0; i < length; i++) {
      value += text[at + i];
      offsets.push(at + i);
    }
    return at + length;
  };
  let at = from;
  while (at < to) {
    const ch = text[at];
    if (ch === '\\' && (text[at + 1] === '\n' || (text[at + 1] === '\r' && text[at + 2] === '\n'))) {
      at += text[at + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (ch === ' ' || ch === '\t') {
      flushWord(at);
      at++;
      continue;
    }
    if (ch === '\n' || ch === '\r' || ch === ';' || ch === '&' || ch === '|') {
      flushWord(at);
      flushCommand();
      at++;
      continue;
    }
    if (ch === '#' && start < 0) {
      while (at < to && text[at] !== '\n') at++;
      continue;
    }
    begin(at);
    if (ch === "'") {
      const close = text.indexOf("'", at + 1);
      const end = close < 0 || close > to ? to : close;
      for (let i = at + 1; i < end; i++) {
        value += text[i];
        offsets.push(i);
      }
      at = end + 1;
    } else if (ch === '"') {
      at++;
      while (at < to && text[at] !== '"') {
        if (text[at] === '\\' && '$`"\\\n'.includes(text[at + 1])) {
          if (text[at + 1] !== '\n') {
            value += text[at + 1];
            offsets.push(at + 1);
          }
          at += 2;
        } else if (text[at] === '$') {
          at = expand(at);
        } else {
          if (text[at] === '`') dynamic = true;
          value += text[at];
          offsets.push(at);
          at++;
        }
      }
      at++;
    } else if (ch === '\\') {
      if (at + 1 < to) {
        value += text[at + 1];
        offsets.push(at + 1);
      }
      at += 2;
    } else if (ch === '$') {
      at = expand(at);
    } else {
      if (ch === '`') dynamic = true;
      value += ch;
      offsets.push(at);
      at++;
    }
  }
  flushWord(Math.min(at, to));
  flushCommand();
  return commands;
}

/**
 * Where an invocation's relative paths resolve: the entry's `cwd` (with `${workspaceFolder}` and
 * `${fileDirname}`), else the workspace folder, or the script's own folder for a shell script.
 */
export function invocationCwd(
  invocation: Invocation,
  file: { readonly kind: FileKind; readonly path: string; readonly workspaceFolder?: string },
): string {
  const fileDir = path.dirname(file.path);
  const folder = file.workspaceFolder;
  const fallback = file.kind === 'shell' ? fileDir : (folder ?? fileDir);
  const cwd = invocation.cwd
    ?.replace(/\$\{workspaceFolder\}/g, folder ?? fallback)
    .replace(/\$\{fileDirname\}/g, fileDir);
  if (!cwd || /\$\{/.test(cwd)) return fallback;
  return path.isAbsolute(cwd) ? cwd : path.join(folder ?? fallback, cwd);
}
