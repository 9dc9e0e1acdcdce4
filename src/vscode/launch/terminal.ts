// The one place a train.py command is typed into a terminal. In Test mode it also records what was
// sent, so the integration tests check the text the terminal received rather than a return value.
import * as vscode from 'vscode';

export interface SentCommand {
  /** The terminal's name. */
  readonly terminal: string;
  /** The line passed to `sendText`. */
  readonly text: string;
}

let recording = false;
const sent: SentCommand[] = [];

export function recordTerminalCommands(on: boolean): void {
  recording = on;
}

/** Types `text` into the terminal and runs it (Enter). */
export function sendCommand(terminal: vscode.Terminal, text: string): void {
  terminal.sendText(text, true);
  if (recording) sent.push({ terminal: terminal.name, text });
}

/** Commands sent since activation (recorded in Test mode only). */
export function sentCommands(): readonly SentCommand[] {
  return [...sent];
}
