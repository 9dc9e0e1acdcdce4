// Add Checkpoint Folder… and Add model_dir… (one implementation): a folder given to the command is appended
// once to the user's own list, and the view then reads it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixture } from '../fixtures';
import { activateExtension } from './extension';
import { waitFor } from './wait';

describe('adding folders to the Local Checkpoints and Training Runs views', function () {
  const cases = [
    ['modelGarden.checkpoints.addFolder', 'modelGarden.checkpoints.folders'],
    ['modelGarden.runs.addFolder', 'modelGarden.runs.folders'],
  ] as const;
  for (const [command, setting] of cases) {
    it(`${command} appends the folder once to the user setting`, async function () {
      await activateExtension();
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-add-'));
      const config = () => vscode.workspace.getConfiguration();
      try {
        assert.equal(await vscode.commands.executeCommand(command, folder), folder);
        assert.equal(await vscode.commands.executeCommand(command, vscode.Uri.file(folder)), folder);
        assert.deepEqual(
          config()
            .inspect<string[]>(setting)
            ?.globalValue?.filter((f) => f === folder),
          [folder],
          'added once, to the user settings',
        );
      } finally {
        await config().update(setting, undefined, vscode.ConfigurationTarget.Global);
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  }

  it('the Local Checkpoints view lists a checkpoint of an added folder', async function () {
    const source = fixture(this, 'kerasbert_tiny_bert_tf1');
    const { checkpoints } = await activateExtension();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-add-ckpt-'));
    fs.cpSync(source, folder, { recursive: true });
    try {
      await vscode.commands.executeCommand('modelGarden.checkpoints.addFolder', folder);
      await waitFor('the added folder checkpoint in the view', async () =>
        (await checkpoints.provider.getChildren()).find(
          (n) => n.type === 'checkpoint' && n.prefix === path.join(folder, 'bert_model.ckpt'),
        ),
      );
    } finally {
      await vscode.workspace
        .getConfiguration()
        .update('modelGarden.checkpoints.folders', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
