// Whether a launch.json / tasks.json (or shell script) is a file the checks can read at all: text,
// JSON with comments, an object at the top, not nested beyond what a parser can recurse into. A file
// that is not is one error problem, so `validate` never reports "no problems" for it.
import {
  createScanner,
  parseTree,
  printParseErrorCode,
  stripComments,
  SyntaxKind,
  type ParseError,
} from 'jsonc-parser';
import type { FileKind } from './scan';

/** Deeper JSON is refused: the parser recurses once per level (and VS Code's own one too). */
export const MAX_JSON_DEPTH = 1000;

/** The text with a leading byte order mark turned into a space (same offsets), as VS Code reads it. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
}

/** Offset where nesting passes `limit` levels, or undefined (strings and comments are skipped). */
export function tooDeepAt(text: string, limit = MAX_JSON_DEPTH): number | undefined {
  const scanner = createScanner(text, true);
  let depth = 0;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      if (++depth > limit) return scanner.getTokenOffset();
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

export interface StructureProblem {
  readonly message: string;
  readonly start: number;
  readonly end: number;
}

/** The reason the file cannot be checked, or undefined when it can. */
export function structureProblem(text: string, kind: FileKind): StructureProblem | undefined {
  const nul = text.indexOf('\u0000');
  const replaced = text.indexOf('\ufffd');
  const binary = nul < 0 ? replaced : replaced < 0 ? nul : Math.min(nul, replaced);
  if (binary >= 0) {
    return {
      message:
        'This is not a text file (binary data or bytes that are not UTF-8); nothing in it can be checked.',
      start: binary,
      end: binary + 1,
    };
  }
  if (kind === 'shell') return undefined;
  const name = kind === 'launch' ? 'launch.json' : 'tasks.json';
  const list = kind === 'launch' ? 'configurations' : 'tasks';
  const json = withoutBom(text);
  if (stripComments(json).trim() === '') {
    return {
      message: `The ${name} is empty: it needs an object with "${list}", e.g. {"version": "${kind === 'launch' ? '0.2.0' : '2.0.0'}", "${list}": []}.`,
      start: 0,
      end: Math.min(text.length, 1),
    };
  }
  const deep = tooDeepAt(json);
  if (deep !== undefined) {
    return {
      message: `The ${name} nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep; it was not read.`,
      start: deep,
      end: deep + 1,
    };
  }
  const errors: ParseError[] = [];
  const root = parseTree(json, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const error = errors[0];
    return {
      message: `The ${name} is not valid JSON with comments: ${printParseErrorCode(error.error)}.`,
      start: error.offset,
      end: error.offset + Math.max(1, error.length),
    };
  }
  if (!root || root.type !== 'object') {
    return {
      message: `The top level of the ${name} is ${root ? `a${root.type === 'array' ? 'n' : ''} ${root.type}` : 'missing'}, not an object with "${list}".`,
      start: root?.offset ?? 0,
      end: root ? root.offset + root.length : Math.min(text.length, 1),
    };
  }
  const member = root.children?.find((p) => p.children?.[0]?.value === list)?.children?.[1];
  if (member && member.type !== 'array') {
    return {
      message: `"${list}" must be an array, not a${member.type === 'object' ? 'n' : ''} ${member.type}.`,
      start: member.offset,
      end: member.offset + member.length,
    };
  }
  return undefined;
}
