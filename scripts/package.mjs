// `npm run package [-- --out FILE]`: builds the .vsix with vsce (production bundles through
// `vscode:prepublish`, the `files` allowlist of package.json, no node_modules: everything is bundled),
// then prints its size and file list. vsce rewrites the README's relative links and images to absolute
// URLs in the repository: the details page (VS Code's and the Marketplace's) loads images only over
// https (its CSP has no base for relative paths). `node scripts/package.mjs --list FILE` prints the report of an existing .vsix.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listZip } from './zip-list.cjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/** Prints the package's size and entries, largest first. */
export function report(file) {
  const entries = listZip(file).sort((a, b) => b.size - a.size);
  const unpacked = entries.reduce((sum, e) => sum + e.size, 0);
  console.log(
    `\n${path.relative(process.cwd(), file) || file}: ${mb(statSync(file).size)} (${entries.length} files, ${mb(unpacked)} unpacked)`,
  );
  for (const e of entries) console.log(`  ${kb(e.size).padStart(10)}  ${e.name}`);
}

function main() {
  const listIndex = args.indexOf('--list');
  if (listIndex >= 0) {
    report(path.resolve(args[listIndex + 1] ?? ''));
    return 0;
  }
  const { name, version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const outIndex = args.indexOf('--out');
  const out = path.resolve(
    outIndex >= 0 ? args[outIndex + 1] : path.join(repoRoot, `${name}-${version}.vsix`),
  );
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const result = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', out], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) return result.status ?? 1;
  report(out);
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
