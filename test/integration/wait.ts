// Waiting in integration tests: for a condition or an event, with a timeout, never a fixed sleep.
import * as vscode from 'vscode';

/** Resolves with the first value `probe` returns that is not undefined; fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Accepts the selected item of the QuickPick (or InputBox) a pending command opens, as a user
 * pressing Enter would, once it is open: until the command settles, with a timeout.
 */
export async function acceptWhenOpen<T>(pending: Thenable<T>, timeoutMs = 20_000): Promise<T> {
  let settled = false;
  const result = Promise.resolve(pending).finally(() => {
    settled = true;
  });
  await waitFor(
    'the command to take the accepted answer',
    async () => {
      if (settled) return true;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await Promise.race([result, new Promise((resolve) => setTimeout(resolve, 100))]).catch(() => undefined);
      return settled ? true : undefined;
    },
    timeoutMs,
  );
  return result;
}
