// Settings work where users set them: none is machine-scoped (in a remote window such as code-server
// a machine setting in User settings "cannot be applied in this window"), and every setting that
// points at a path or URL is guarded by Workspace Trust (restrictedConfigurations).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../fixtures';

interface Manifest {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
  contributes: {
    configuration: { properties: Record<string, { scope?: string; markdownDescription?: string }> };
    commands: { command: string }[];
  };
}

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const properties = manifest.contributes.configuration.properties;
const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations ?? [];

describe('settings scopes and Workspace Trust', function () {
  it('no setting is machine-scoped, so User settings apply in remote windows too', function () {
    const machine = Object.entries(properties)
      .filter(
        ([, p]) => p.scope === 'machine' || p.scope === 'machine-overridable' || p.scope === 'application',
      )
      .map(([key]) => key);
    assert.deepEqual(machine, []);
  });

  it('the inference checkpoint can be set per workspace folder (a team setting)', function () {
    assert.equal(properties['modelGarden.inference.checkpoint'].scope, 'resource');
  });

  it('every path and URL setting is restricted in untrusted workspaces', function () {
    for (const key of [
      'modelGarden.cache.location',
      'modelGarden.download.urlOverrides',
      'modelGarden.checkpoints.folders',
      'modelGarden.inference.checkpoint',
      'modelGarden.launch.modelsRepository',
    ]) {
      assert.ok(properties[key], `${key} is contributed`);
      assert.ok(restricted.includes(key), `${key} is in restrictedConfigurations`);
    }
    for (const key of restricted) assert.ok(properties[key], `restricted ${key} is a contributed setting`);
  });

  it('the extension reads exactly the restricted settings through trustedSetting', function () {
    const source = fs.readFileSync(path.join(repoRoot, 'src', 'vscode', 'settings', 'trusted.ts'), 'utf8');
    const listed = /RESTRICTED_SETTINGS = \[([^\]]*)\]/.exec(source)?.[1] ?? '';
    const keys = [...listed.matchAll(/'([\w.]+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(keys, [...restricted].sort());
  });

  it('contributes the commands that write the download settings', function () {
    const ids = manifest.contributes.commands.map((c) => c.command);
    assert.ok(ids.includes('modelGarden.downloads.setMirror'));
    assert.ok(ids.includes('modelGarden.downloads.setCacheLocation'));
  });
});
