// The `model-garden` wrapper scripts that put the CLI bundled with the extension on the integrated
// terminal's PATH: they run `dist/cli.js` with the extension host's own executable (Node in a server
// or code-server; Electron in desktop VS Code, which ELECTRON_RUN_AS_NODE=1 turns into Node).
// No `vscode` import, so unit tests check it in Node.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface WrapperFiles {
  /** The folder to prepend to PATH. */
  readonly dir: string;
  /** The script a terminal runs as `model-garden` on this platform. */
  readonly command: string;
}

/** A POSIX shell word: single-quoted, with embedded quotes escaped. */
const shQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function posixWrapper(execPath: string, cliPath: string): string {
  return [
    '#!/bin/sh',
    '# Written by the Model Garden NLP extension: runs the model-garden CLI bundled with it.',
    `ELECTRON_RUN_AS_NODE=1 exec ${shQuote(execPath)} ${shQuote(cliPath)} "$@"`,
    '',
  ].join('\n');
}

export function windowsWrapper(execPath: string, cliPath: string): string {
  if (/["%]/.test(execPath + cliPath)) {
    throw new Error(`Cannot write a cmd wrapper for a path containing " or %: ${execPath}, ${cliPath}`);
  }
  return [
    '@echo off',
    'rem Written by the Model Garden NLP extension: runs the model-garden CLI bundled with it.',
    'setlocal',
    'set ELECTRON_RUN_AS_NODE=1',
    `"${execPath}" "${cliPath}" %*`,
    '',
  ].join('\r\n');
}

/** Writes `model-garden` (POSIX, executable) and `model-garden.cmd` (Windows) into `dir`. */
export function writeWrappers(
  dir: string,
  execPath: string,
  cliPath: string,
  platform: NodeJS.Platform = process.platform,
): WrapperFiles {
  if (!fs.existsSync(cliPath)) throw new Error(`The bundled CLI is missing: ${cliPath}`);
  fs.mkdirSync(dir, { recursive: true });
  const posix = path.join(dir, 'model-garden');
  fs.writeFileSync(posix, posixWrapper(execPath, cliPath), { mode: 0o755 });
  fs.chmodSync(posix, 0o755);
  const cmd = path.join(dir, 'model-garden.cmd');
  if (platform === 'win32') fs.writeFileSync(cmd, windowsWrapper(execPath, cliPath));
  return { dir, command: platform === 'win32' ? cmd : posix };
}
