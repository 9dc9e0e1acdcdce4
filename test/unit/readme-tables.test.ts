import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../fixtures';

interface Manifest {
  contributes: { commands: { command: string; title: string }[]; configuration: { properties: object } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tables = require(path.join(repoRoot, 'scripts', 'readme-tables.cjs')) as {
  commandsTable(manifest: Manifest): string;
  settingsTable(manifest: Manifest): string;
  withTables(readme: string, manifest: Manifest): string;
};

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Manifest;
const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');

describe('README command and settings tables', function () {
  it('match package.json (run `node scripts/readme-tables.cjs` after changing contributes)', function () {
    assert.equal(readme, tables.withTables(readme, manifest));
  });

  it('list every contributed command and setting once', function () {
    const commands = tables.commandsTable(manifest);
    for (const c of manifest.contributes.commands) {
      assert.equal(commands.split(`\`${c.command}\``).length, 2, c.command);
      assert.ok(commands.includes(c.title), c.title);
    }
    const settings = tables.settingsTable(manifest);
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      assert.equal(settings.split(`| \`${key}\` |`).length, 2, key);
    }
  });

  it('a command added to package.json without regenerating makes the README stale', function () {
    const changed: Manifest = JSON.parse(JSON.stringify(manifest)) as Manifest;
    changed.contributes.commands.push({ command: 'modelGarden.example', title: 'Example' });
    assert.notEqual(tables.withTables(readme, changed), readme);
  });
});
