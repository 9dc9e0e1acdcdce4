// Strings that come from files (tensor keys, vocabulary pieces, label names) are printed in terminals
// and error messages: control characters, ANSI escapes, line breaks and bidi overrides in them must
// not reach the terminal as such (a key could clear the screen and print a fake "OK").

/** C0 and C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNPRINTABLE_KEEP_LINES =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character, line break and bidi control written as an escape (`\x1b`, `\n`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escapeChar);
}

/** `printable`, but keeping line feeds and tabs: for messages whose own lines are intended. */
export function printableLines(text: string): string {
  return text.replace(UNPRINTABLE_KEEP_LINES, escapeChar);
}
