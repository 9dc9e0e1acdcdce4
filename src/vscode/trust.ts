// One way to refuse an action in Restricted Mode: a warning that says it is about trust, and a
// typed record of the refusal, so callers (and the Restricted Mode tests) can tell "refused
// because the workspace is untrusted" from "did nothing for another reason".
import * as vscode from 'vscode';

export interface TrustRefusal {
  readonly reason: 'untrusted';
  /** What was refused, e.g. `launch.write`, `launch.terminal`, `downloads.download`. */
  readonly action: string;
  readonly message: string;
}

const refusals: TrustRefusal[] = [];

/** Shows why `action` does not run (the workspace is untrusted), records it and returns undefined. */
export function refuseUntrusted(action: string, message: string): undefined {
  refusals.push({ reason: 'untrusted', action, message });
  if (refusals.length > 100) refusals.shift();
  void vscode.window.showWarningMessage(message);
  return undefined;
}

/** Refusals since activation, oldest first (the last 100). */
export function trustRefusals(): readonly TrustRefusal[] {
  return [...refusals];
}
