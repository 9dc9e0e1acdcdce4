// `npm run test:electron`: the same integration suite in a desktop VS Code through
// @vscode/test-electron, for machines that have one (VSCODE_EXECUTABLE) or can download one.
// Not run in CI here: this machine has no desktop VS Code and no internet.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './fixtures';

async function main(): Promise<void> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-workspace-'));
  fs.cpSync(path.join(repoRoot, 'test', 'workspace'), workspace, { recursive: true });
  try {
    await runTests({
      version: '1.100.3',
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration'),
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
