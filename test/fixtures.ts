// The one place tests find the shared fixture data: MODEL_GARDEN_FIXTURES, else ../shared/fixtures
// next to the repository. Fixtures are read in place and never copied into the repository.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root, from this file's compiled location (out/test/fixtures.js) or its source. */
export const repoRoot = path.resolve(
  __dirname,
  '..',
  __dirname.includes(`${path.sep}out${path.sep}`) ? '..' : '',
);

export function fixturesDir(): string | undefined {
  const candidate = process.env.MODEL_GARDEN_FIXTURES ?? path.resolve(repoRoot, '..', 'shared', 'fixtures');
  return fs.existsSync(candidate) ? candidate : undefined;
}

const reported = new Set<string>();

/**
 * The path of a fixture file or folder. When it is absent, the calling test (or suite, from a
 * `before` hook) is skipped with the reason printed once.
 */
export function fixture(context: Mocha.Context, ...segments: string[]): string {
  const dir = fixturesDir();
  const wanted = dir ? path.join(dir, ...segments) : undefined;
  if (!wanted || !fs.existsSync(wanted)) {
    const reason = dir
      ? `fixture ${path.join(...segments)} is absent from ${dir}`
      : 'fixtures folder not found (set MODEL_GARDEN_FIXTURES or place ../shared/fixtures beside the repository)';
    if (!reported.has(reason)) {
      reported.add(reason);
      console.log(`    skipped: ${reason}`);
    }
    context.skip();
  }
  return wanted!;
}

/** A file of ../shared/reference (the documents the catalog is checked against), or a skip. */
export function reference(context: Mocha.Context, name: string): string {
  const dir = process.env.MODEL_GARDEN_REFERENCE ?? path.resolve(repoRoot, '..', 'shared', 'reference');
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) {
    console.log(`    skipped: reference document ${file} is absent`);
    context.skip();
  }
  return file;
}
