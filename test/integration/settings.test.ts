// Settings apply where users set them (this window is remote: code-server), and Set Download Mirror…
// / Set Cache Location… write them where they take effect.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension } from './extension';
import { waitFor } from './wait';

const MODEL = 'bert_en_uncased_L-12_H-768_A-12';

describe('download settings in a remote window', function () {
  let root: string;
  const config = () => vscode.workspace.getConfiguration('modelGarden');

  before(async () => {
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-it-settings-'));
    await activateExtension();
  });

  after(async () => {
    for (const target of [vscode.ConfigurationTarget.Global, vscode.ConfigurationTarget.Workspace]) {
      await config().update('cache.location', undefined, target);
      await config().update('download.urlOverrides', undefined, target);
    }
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('Set Download Mirror… writes user settings and the next download uses the mirror', async () => {
    const api = await activateExtension();
    assert.equal(vscode.env.remoteName !== undefined, true, 'the tests run in a remote window');
    const effective = await vscode.commands.executeCommand<Record<string, string>>(
      'modelGarden.downloads.setMirror',
      { kind: 'tokenizer', template: 'https://mirror.test/${modelId}/${file}', target: 'user' },
    );
    assert.deepEqual(effective, { '*/tokenizer': 'https://mirror.test/${modelId}/${file}' });
    assert.deepEqual(config().inspect('download.urlOverrides')?.globalValue, effective);
    await waitFor(
      'the cache to use the mirror',
      () => api.downloads.cache().urlFor(MODEL, 'tokenizer').startsWith('https://mirror.test/') || undefined,
    );
    // Other kinds keep the catalog's URL.
    assert.match(api.downloads.cache().urlFor(MODEL, 'hub'), /^https:\/\/tfhub\.dev\//);
    // An empty template removes the mirror again.
    await vscode.commands.executeCommand('modelGarden.downloads.setMirror', {
      kind: 'tokenizer',
      template: '',
      target: 'user',
    });
    assert.equal(config().inspect('download.urlOverrides')?.globalValue, undefined);
  });

  it('Set Download Mirror… refuses a template that is not an http(s) URL, changing nothing', async () => {
    const result = await vscode.commands.executeCommand('modelGarden.downloads.setMirror', {
      kind: '*',
      template: 'ftp://mirror.test/${file}',
      target: 'user',
    });
    assert.equal(result, undefined);
    assert.equal(config().inspect('download.urlOverrides')?.globalValue, undefined);
  });

  it('Set Cache Location… moves the cache; a relative folder is refused', async () => {
    const api = await activateExtension();
    const refused = await vscode.commands.executeCommand('modelGarden.downloads.setCacheLocation', {
      folder: 'relative/cache',
      target: 'user',
    });
    assert.equal(refused, undefined);
    assert.equal(config().inspect('cache.location')?.globalValue, undefined);
    await vscode.commands.executeCommand('modelGarden.downloads.setCacheLocation', {
      folder: root,
      target: 'user',
    });
    await waitFor(
      'the cache root to follow the setting',
      () => api.downloads.cache().root === root || undefined,
    );
  });

  it('a trusted workspace can set the cache location for its team', async () => {
    const api = await activateExtension();
    assert.equal(vscode.workspace.isTrusted, true);
    const team = path.join(root, 'team-cache');
    await config().update('cache.location', team, vscode.ConfigurationTarget.Workspace);
    await waitFor('the workspace cache root', () => api.downloads.cache().root === team || undefined);
    await config().update('cache.location', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(
      'the cache root back at the user setting',
      () => api.downloads.cache().root === root || undefined,
    );
  });
});
