// Quoting one argv element for the shell that will read it, so that the program receives exactly
// that element.

export type Shell = 'bash' | 'powershell' | 'cmd';

/** bash/zsh: bare when only safe characters, else single quotes with `'\''` for a quote. */
export function quoteBash(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * PowerShell: bare when only safe characters, else a verbatim single-quoted string (`''` for a
 * quote; PowerShell also treats the typographic quotes ‘ ’ ‚ ‛ as quotes, so those are doubled too).
 * Commas, `@`, `$`, `{`, `(`, `#`, backtick and `--%` have meanings bare, so they force quotes.
 */
export function quotePowerShell(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_+=:./\\-]+$/.test(arg) && !arg.startsWith('-%') && !arg.startsWith('--%'))
    return arg;
  return `'${arg.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/**
 * cmd.exe (interactive): first quote for the C runtime's argv parser (CommandLineToArgvW rules:
 * backslashes double only before a quote), then escape every cmd metacharacter with `^` so that
 * cmd passes the text through unchanged (this also stops `%VAR%` expansion).
 */
export function quoteCmd(arg: string): string {
  let quoted: string;
  if (arg !== '' && !/[\s"]/.test(arg)) {
    quoted = arg;
  } else {
    quoted = '"';
    let backslashes = 0;
    for (const ch of arg) {
      if (ch === '\\') {
        backslashes++;
        continue;
      }
      if (ch === '"') {
        quoted += '\\'.repeat(backslashes * 2 + 1) + '"';
      } else {
        quoted += '\\'.repeat(backslashes) + ch;
      }
      backslashes = 0;
    }
    quoted += '\\'.repeat(backslashes * 2) + '"';
  }
  return quoted.replace(/[()%!^"<>&|]/g, '^$&');
}

export function quoteArg(shell: Shell, arg: string): string {
  return shell === 'bash' ? quoteBash(arg) : shell === 'powershell' ? quotePowerShell(arg) : quoteCmd(arg);
}

/** One command line from argv. */
export function joinCommand(shell: Shell, argv: readonly string[]): string {
  const [first, ...rest] = argv.map((arg) => quoteArg(shell, arg));
  // PowerShell runs a quoted first word only through the call operator.
  const head = shell === 'powershell' && first.startsWith("'") ? `& ${first}` : first;
  return [head, ...rest].join(' ');
}

/** An environment assignment that applies to the command that follows. */
export function envPrefix(shell: Shell, env: Readonly<Record<string, string>>): string {
  const entries = Object.entries(env);
  if (entries.length === 0) return '';
  if (shell === 'bash') return entries.map(([k, v]) => `${k}=${quoteBash(v)}`).join(' ') + ' ';
  if (shell === 'powershell') return entries.map(([k, v]) => `$env:${k}=${quotePowerShell(v)}; `).join('');
  return entries.map(([k, v]) => `set ${quoteCmd(`${k}=${v}`)} && `).join('');
}
