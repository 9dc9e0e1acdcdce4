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
 * True when a missing prerequisite must fail instead of skip: `.ci/run` sets MODEL_GARDEN_REQUIRE_ALL=1
 * (every tier) and MODEL_GARDEN_REQUIRE_ORACLE=1 (the TensorFlow oracle tier), so CI never skips quietly.
 */
export function skipsAreFailures(kind: 'any' | 'oracle' = 'any'): boolean {
  if (process.env.MODEL_GARDEN_REQUIRE_ALL === '1') return true;
  return kind === 'oracle' && process.env.MODEL_GARDEN_REQUIRE_ORACLE === '1';
}

/**
 * Skips the calling test (or suite, from a `before` hook) with the reason printed once, or throws
 * when skips are failures here (CI).
 */
export function skipBecause(context: Mocha.Context, reason: string, kind: 'any' | 'oracle' = 'any'): never {
  if (skipsAreFailures(kind)) {
    throw new Error(`required but unavailable (skips are failures in CI): ${reason}`);
  }
  if (!reported.has(reason)) {
    reported.add(reason);
    console.log(`    skipped: ${reason}`);
  }
  context.skip();
  throw new Error('unreachable: context.skip() returned');
}

/**
 * The path of a fixture file or folder. When it is absent, the calling test (or suite, from a
 * `before` hook) is skipped with the reason printed once.
 */
export function fixture(context: Mocha.Context, ...segments: string[]): string {
  const dir = fixturesDir();
  const wanted = dir ? path.join(dir, ...segments) : undefined;
  if (!wanted || !fs.existsSync(wanted)) {
    skipBecause(
      context,
      dir
        ? `fixture ${path.join(...segments)} is absent from ${dir}`
        : 'fixtures folder not found (set MODEL_GARDEN_FIXTURES or place ../shared/fixtures beside the repository)',
    );
  }
  return wanted;
}

/** A file of ../shared/reference (the documents the catalog is checked against), or a skip. */
export function reference(context: Mocha.Context, name: string): string {
  const dir = process.env.MODEL_GARDEN_REFERENCE ?? path.resolve(repoRoot, '..', 'shared', 'reference');
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) skipBecause(context, `reference document ${file} is absent`);
  return file;
}
