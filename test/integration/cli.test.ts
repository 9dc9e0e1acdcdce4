// Model Garden: Add CLI to Terminal PATH in the real extension host: the environment variable
// collection prepends the wrapper folder, the wrapper runs the bundled CLI with the host's own
// executable, and a new integrated terminal finds `model-garden` on its PATH.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extension';

describe('model-garden on the integrated terminal PATH', function () {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-cli-path-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('modelGarden.cli.removeFromTerminalPath');
    for (const terminal of vscode.window.terminals) terminal.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('prepends the wrapper folder to PATH and the wrapper runs `catalog --json`', async function () {
    const api = await activateExtension();
    const command = await vscode.commands.executeCommand<string>('modelGarden.cli.addToTerminalPath');
    assert.ok(command, 'the command returned no wrapper');
    assert.equal(path.dirname(command), api.cli.binDir);
    const mutator = api.cli.pathMutator();
    assert.equal(mutator?.type, vscode.EnvironmentVariableMutatorType.Prepend);
    assert.equal(mutator?.value, api.cli.binDir + path.delimiter);
    const out = execFileSync(command, ['catalog', '--json'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal((JSON.parse(out) as unknown[]).length, 17);
  });

  it('a new integrated terminal runs `model-garden` from its PATH', async function () {
    if (process.platform === 'win32') this.skip();
    const result = path.join(tmp, 'catalog.json');
    const terminal = vscode.window.createTerminal({ name: 'mg-cli-path', shellPath: '/bin/sh' });
    terminal.sendText(`model-garden catalog --json > '${result}.part' && mv '${result}.part' '${result}'`);
    for (let i = 0; i < 300 && !fs.existsSync(result); i++) await new Promise((r) => setTimeout(r, 100));
    terminal.dispose();
    assert.ok(fs.existsSync(result), 'the terminal did not run model-garden within 30 s');
    assert.equal((JSON.parse(fs.readFileSync(result, 'utf8')) as unknown[]).length, 17);
  });

  it('Remove CLI from Terminal PATH takes the PATH change back', async function () {
    const api = await activateExtension();
    await vscode.commands.executeCommand('modelGarden.cli.removeFromTerminalPath');
    assert.equal(api.cli.pathMutator(), undefined);
  });
});
