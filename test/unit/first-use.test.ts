// Issue #12's first-use items that need no VS Code: npm in this repository prints no warning about an
// unknown project config (`onnxruntime-node-install` used to be in .npmrc), and the Local Checkpoints
// view starts collapsed, so an empty one does not take half the sidebar.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../fixtures';

describe('first use: npm and the sidebar', function () {
  this.timeout(60_000);

  it('npm run in the repository warns about no project config', function () {
    const npm = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(npm.status, 0, npm.stderr);
    assert.equal(npm.stdout.trim(), '"model-garden-nlp"');
    assert.doesNotMatch(npm.stderr, /Unknown (project|user|env) config/i, npm.stderr);
    assert.doesNotMatch(npm.stderr, /npm warn/i, npm.stderr);
    // .npmrc holds only settings npm knows: each key is one `npm config get` answers without a warning.
    for (const line of fs.readFileSync(path.join(repoRoot, '.npmrc'), 'utf8').split('\n')) {
      const key = line.split('=')[0].trim();
      if (!key || key.startsWith('#') || key.startsWith(';')) continue;
      const get = spawnSync('npm', ['config', 'get', key], { cwd: repoRoot, encoding: 'utf8' });
      assert.doesNotMatch(get.stderr, /warn/i, `${key}: ${get.stderr}`);
    }
  });

  it('the Local Checkpoints view starts collapsed (an empty one takes no room)', function () {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      contributes: { views: Record<string, { id: string; visibility?: string }[]> };
    };
    const views = Object.values(pkg.contributes.views).flat();
    const checkpoints = views.find((v) => v.id === 'modelGarden.checkpoints');
    assert.ok(checkpoints, 'no modelGarden.checkpoints view');
    assert.equal(checkpoints.visibility, 'collapsed');
    // The catalog, where a user starts, is open.
    assert.notEqual(views.find((v) => v.id === 'modelGarden.catalog')?.visibility, 'collapsed');
  });
});
