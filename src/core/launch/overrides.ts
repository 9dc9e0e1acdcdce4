// The `--params_override` CSV grammar of official/modeling/hyperparams/params_dict.py
// (`_PARAM_RE`, `nested_csv_str_to_json_str`), reproduced so that what we write is read back by
// train.py exactly as intended. See shared/reference/MODEL_GARDEN.md §3 "params_override syntax".
import { flowPlainScalarProblem, parsePyYaml } from './pyyaml';

/** A value train.py accepts in `--params_override` (lists only for list-typed fields). */
export type OverrideValue = string | number | boolean | null | readonly OverrideValue[];

export interface Override {
  /** Dotted key, e.g. `task.init_checkpoint`. */
  readonly key: string;
  readonly value: OverrideValue;
}

/** One `key=value` pair as it appears in the text, with character offsets into that text. */
export interface ParsedPair {
  readonly key: string;
  /** The value after YAML typing (what train.py sees). Objects mean a non-scalar value. */
  readonly value: unknown;
  /** The value exactly as written (before auto-quoting). */
  readonly raw: string;
  /** Offsets of the whole pair `key=value` (without the separating comma). */
  readonly start: number;
  readonly end: number;
  readonly keyEnd: number;
  readonly valueStart: number;
  /** Whether the raw value was single- or double-quoted. */
  readonly quoted: boolean;
  /** Whether train.py wraps this raw value in single quotes (first character in {g, s, :, /}). */
  readonly autoQuoted: boolean;
  /** `name[i]=number` (numeric array element); the value is that number. */
  readonly index?: number;
  /** An entry the previous value's text adds to train.py's mapping (see typeValueWithSiblings). */
  readonly sibling?: boolean;
}

export interface OverrideParseError {
  readonly offset: number;
  readonly message: string;
  /**
   * `grammar`: the CSV reading fails (train.py then tries the whole text as YAML); `key`: a key
   * part that YAML turns into a boolean or null, so it cannot name a config field; `value`: the
   * CSV matched but the value is not YAML train.py's loader accepts (train.py fails).
   */
  readonly kind: 'grammar' | 'key' | 'value';
}

export interface ParsedOverrides {
  readonly pairs: ParsedPair[];
  readonly error?: OverrideParseError;
}

/** Thrown when a value cannot be written in the grammar (e.g. it contains a newline). */
export class OverrideFormatError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'OverrideFormatError';
  }
}

// Python's `\w` on str is Unicode-aware (letters and digits of every script, and `_`).
const KEY = /[a-zA-Z][\p{L}\p{N}_.]*/uy;
const BRACKETED_INDEX = /\[?[0-9]*\]?/y;
const KEY_SHAPE = /^[a-zA-Z][\p{L}\p{N}_]*(\.[a-zA-Z][\p{L}\p{N}_]*)*$/u;
/** Key parts PyYAML's resolvers turn into booleans or null (so the key would not match the config). */
const YAML_SPECIAL_WORD =
  /^(yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;
const VALID_KEY = {
  test: (key: string) => KEY_SHAPE.test(key) && !key.split('.').some((part) => YAML_SPECIAL_WORD.test(part)),
};

/**
 * Matches one value at `pos` like `_PARAM_RE`: `'…'`, `"…"`, a run without `,` or `[`, or `[…]`,
 * followed by end of text or `,` plus spaces. Regex alternation with backtracking is reproduced
 * by trying each alternative and every possible closing quote in order.
 */
function matchValue(text: string, pos: number): { raw: string; next: number } | undefined {
  const terminator = (at: number): number | undefined => {
    if (at === text.length) return at;
    if (text[at] !== ',') return undefined;
    let next = at + 1;
    while (next < text.length && /\s/.test(text[next])) next++;
    return next;
  };
  for (const quote of ["'", '"']) {
    if (text[pos] !== quote) continue;
    // `\'(.*?)\'` is lazy: the first closing quote that is followed by the terminator wins.
    for (let close = text.indexOf(quote, pos + 1); close >= 0; close = text.indexOf(quote, close + 1)) {
      if (text.slice(pos + 1, close).includes('\n')) break; // `.` does not match newlines
      const next = terminator(close + 1);
      if (next !== undefined) return { raw: text.slice(pos, close + 1), next };
    }
  }
  // `[^,\[]*` is greedy; backtracking to a shorter run can never reach a terminator, since the
  // characters given back are not commas, so only the longest run needs checking.
  let end = pos;
  while (end < text.length && text[end] !== ',' && text[end] !== '[') end++;
  const plain = terminator(end);
  if (plain !== undefined) return { raw: text.slice(pos, end), next: plain };
  if (text[pos] === '[') {
    const close = text.indexOf(']', pos);
    if (close >= 0) {
      const next = terminator(close + 1);
      if (next !== undefined) return { raw: text.slice(pos, close + 1), next };
    }
  }
  return undefined;
}

/** The auto-quoting rule: `re.match(r'(?=[^\"\'])(?=[gs://])', v)`. */
export function isAutoQuoted(raw: string): boolean {
  return raw.length > 0 && !`"'`.includes(raw[0]) && 'gs:/'.includes(raw[0]);
}

/** Python's int() and float() of a bracketed array element (`a[0]=1`); undefined when they raise. */
function pythonNumber(raw: string): number | undefined {
  const text = raw.trim();
  if (raw.includes('.')) {
    return /^[-+]?(\d(_?\d)*)?\.(\d(_?\d)*)?([eE][-+]?\d(_?\d)*)?$/.test(text) && /\d/.test(text)
      ? Number(text.replace(/_/g, ''))
      : undefined;
  }
  return /^[-+]?\d(_?\d)*$/.test(text) ? Number(text.replace(/_/g, '')) : undefined;
}

/**
 * Parses a `--params_override` CSV string into its pairs, typed as train.py types them. Like
 * train.py, the whole text is read as CSV first (a `grammar` error wins over the others, since
 * train.py then reads the text as YAML instead); the first `key` or `value` error is reported
 * otherwise, and the pairs hold every pair that could be read.
 */
export function parseOverrides(text: string): ParsedOverrides {
  const pairs: ParsedPair[] = [];
  let keyError: OverrideParseError | undefined;
  let valueError: OverrideParseError | undefined;
  let pos = 0;
  while (pos < text.length) {
    KEY.lastIndex = pos;
    const key = KEY.exec(text);
    let cursor = key ? KEY.lastIndex : pos;
    BRACKETED_INDEX.lastIndex = cursor;
    const bracket = key ? BRACKETED_INDEX.exec(text)![0] : '';
    cursor += bracket.length;
    while (key && cursor < text.length && /\s/.test(text[cursor])) cursor++;
    if (!key || text[cursor] !== '=') {
      return {
        pairs,
        error: { offset: pos, kind: 'grammar', message: `expected "key=value" at "${excerpt(text, pos)}"` },
      };
    }
    const keyEnd = pos + key[0].length;
    if (!KEY_SHAPE.test(key[0])) {
      // train.py re-parses `rest.of.key=value` per dot level, so every part must start with a letter.
      return {
        pairs,
        error: {
          offset: pos,
          kind: 'grammar',
          message: `"${key[0]}": every part of a dotted key must start with a letter`,
        },
      };
    }
    cursor++;
    while (cursor < text.length && /\s/.test(text[cursor])) cursor++;
    const value = matchValue(text, cursor);
    if (!value) {
      return {
        pairs,
        error: {
          offset: cursor,
          kind: 'grammar',
          message: `malformed value for ${key[0]} at "${excerpt(text, cursor)}"`,
        },
      };
    }
    const at = { start: pos, end: cursor + value.raw.length, keyEnd, valueStart: cursor };
    pos = value.next;
    if (bracket) {
      // `name[i]=number`: int(i) and int()/float() of the raw value, or train.py's CSV reading fails.
      const index = bracket.length > 2 ? Number(bracket.slice(1, -1)) : NaN;
      const number = pythonNumber(value.raw);
      if (!/^\[\d+\]$/.test(bracket) || Number.isNaN(index) || number === undefined) {
        return {
          pairs,
          error: {
            offset: at.start,
            kind: 'grammar',
            message: `${key[0]}${bracket}: an array element takes [index]=number`,
          },
        };
      }
      pairs.push({
        key: key[0],
        value: number,
        raw: value.raw,
        ...at,
        quoted: false,
        autoQuoted: false,
        index,
      });
      continue;
    }
    if (!keyError && !VALID_KEY.test(key[0])) {
      keyError = {
        offset: at.start,
        kind: 'key',
        message: `"${key[0]}": a key part such as on/off/yes/no/null is read by YAML as a boolean or null, so it names no config field`,
      };
    }
    const autoQuoted = isAutoQuoted(value.raw);
    const quoted = value.raw.length >= 2 && `"'`.includes(value.raw[0]) && value.raw.endsWith(value.raw[0]);
    let typed: ReturnType<typeof typeValueWithSiblings>;
    try {
      typed = typeValueWithSiblings(autoQuoted ? `'${value.raw}'` : value.raw);
    } catch (error) {
      valueError ??= {
        offset: at.valueStart,
        kind: 'value',
        message: `value of ${key[0]} is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : error})`,
      };
      continue;
    }
    pairs.push({ key: key[0], value: typed.value, raw: value.raw, ...at, quoted, autoQuoted });
    const parent = key[0].includes('.') ? key[0].slice(0, key[0].lastIndexOf('.') + 1) : '';
    for (const [sibling, siblingValue] of typed.siblings) {
      pairs.push({
        key: parent + sibling,
        value: siblingValue,
        raw: value.raw,
        ...at,
        quoted,
        autoQuoted,
        sibling: true,
      });
    }
  }
  const error = valueError ?? keyError;
  return error ? { pairs, error } : { pairs };
}

function excerpt(text: string, at: number): string {
  const rest = text.slice(at);
  return rest.length > 40 ? rest.slice(0, 40) + '…' : rest;
}

/**
 * Types a raw value the way train.py does: it ends up as a value of a YAML flow mapping loaded by
 * PyYAML (YAML 1.1 resolvers: `on`/`off`/`yes`/`no` are booleans; `1e-5` is a float).
 */
export function typeValue(raw: string): unknown {
  return typeValueWithSiblings(raw).value;
}

/**
 * Types a raw value; `siblings` are further entries the raw text adds to the flow mapping train.py
 * builds (a quoted value that runs on: `"" ,x="y"` adds the key `x="y"`).
 */
export function typeValueWithSiblings(raw: string): { value: unknown; siblings: [string, unknown][] } {
  const problem = flowPlainScalarProblem(raw);
  if (problem) throw new Error(problem);
  const parsed = parsePyYaml(`{__mg_value__: ${raw}}`) as Record<string, unknown> | null;
  const key = '__mg_value__';
  if (!parsed || typeof parsed !== 'object' || !(key in parsed)) throw new Error('not a value');
  const siblings = Object.entries(parsed).filter(([k]) => k !== key);
  return { value: parsed[key] === undefined ? null : parsed[key], siblings };
}

/** Dotted keys to values, later pairs winning, as train.py applies them. */
export function overridesToObject(
  pairs: readonly { key: string; value: unknown }[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const pair of pairs) result[pair.key] = pair.value;
  return result;
}

const SAFE_BARE = /^[A-Za-z0-9_./@+-][A-Za-z0-9_./@+=~-]*$/;
const AUTO_QUOTED_SAFE = /^[^\s,'"[\]{}#\\]*$/;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/** Writes one value in the grammar: bare where that is unambiguous, else single-quoted. */
export function formatValue(key: string, value: OverrideValue): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new OverrideFormatError(key, `${key}: ${value} cannot be written`);
    return String(value);
  }
  if (Array.isArray(value)) {
    const items = value.map((item) => {
      if (Array.isArray(item)) throw new OverrideFormatError(key, `${key}: nested lists are not accepted`);
      return formatValue(key, item as OverrideValue);
    });
    const text = `[${items.join(',')}]`;
    if (items.some((item) => item.includes(']'))) {
      throw new OverrideFormatError(key, `${key}: a list item may not contain "]"`);
    }
    return text;
  }
  const text = value as string;
  if (/[\p{Cc}\u2028\u2029\u0085\ufeff]/u.test(text)) {
    throw new OverrideFormatError(key, `${key}: the value contains a control character or line break`);
  }
  // Values train.py auto-quotes (gs://…, /abs/path) stay bare as in the documented examples.
  const bare = SAFE_BARE.test(text) || (isAutoQuoted(text) && AUTO_QUOTED_SAFE.test(text));
  const candidates = [
    ...(bare && !WINDOWS_DRIVE.test(text) ? [text] : []),
    `'${text.replace(/'/g, "''")}'`,
    // YAML double quotes with every `"` and `\\` escaped: no literal quote can end the value early.
    `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\x22')}"`,
  ];
  const written = candidates.find((raw) => typedAs(raw, text));
  if (written === undefined) {
    throw new OverrideFormatError(key, `${key}: the value ${JSON.stringify(text)} cannot be written`);
  }
  return written;
}

/** Whether `raw` is read back as `expected`, alone and followed by another pair. */
function typedAs(raw: string, expected: string): boolean {
  for (const context of [raw, `${raw},z=1`]) {
    const match = matchValue(context, 0);
    if (!match || match.raw !== raw) return false;
  }
  try {
    return typeValue(isAutoQuoted(raw) ? `'${raw}'` : raw) === expected;
  } catch {
    return false;
  }
}

/** Joins overrides into the one `--params_override` string train.py reads. */
export function formatOverrides(overrides: readonly Override[]): string {
  return overrides
    .map((override) => {
      if (!VALID_KEY.test(override.key)) {
        throw new OverrideFormatError(override.key, `"${override.key}" is not a valid override key`);
      }
      return `${override.key}=${formatValue(override.key, override.value)}`;
    })
    .join(',');
}

/** Reads one `key=value` typed by a user (CLI `--override`), typing the value as train.py would. */
export function parseOverrideArgument(text: string): Override {
  const parsed = parseOverrides(text);
  if (parsed.error || parsed.pairs.length !== 1) {
    throw new Error(
      `"${text}" is not one key=value override${parsed.error ? `: ${parsed.error.message}` : ''}; quote values that contain commas`,
    );
  }
  const pair = parsed.pairs[0];
  return { key: pair.key, value: pair.value as OverrideValue };
}

export function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
