// A copy of the sample workspace (test/workspace) for the F5 configurations in .vscode/launch.json,
// so that what the extension writes (launch.json, checkpoints) never lands in the repository.
// `node scripts/dev-workspace.mjs DIR [--fresh]`: copies when DIR is absent; --fresh replaces it.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const [dir, flag] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/dev-workspace.mjs DIR [--fresh]');
  process.exit(2);
}
const target = path.resolve(root, dir);
if (flag === '--fresh') fs.rmSync(target, { recursive: true, force: true });
if (!fs.existsSync(target)) {
  fs.cpSync(path.join(root, 'test', 'workspace'), target, { recursive: true });
  console.log(`sample workspace copied to ${target}`);
} else {
  console.log(`sample workspace: ${target}`);
}
