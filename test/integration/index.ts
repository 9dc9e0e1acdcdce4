// Entry point the extension host calls (the @vscode/test-electron contract): runs every compiled
// *.test.js of this folder with mocha and rejects when a test fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? testFiles(path.join(dir, entry.name))
        : entry.name.endsWith('.test.js')
          ? [path.join(dir, entry.name)]
          : [],
    )
    .sort();
}

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: path.join(__dirname, '..', 'reporter.js'),
    reporterOptions: { label: 'integration' },
    // MG_TEST_GREP narrows a run to one feature's tests while developing.
    ...(process.env.MG_TEST_GREP ? { grep: process.env.MG_TEST_GREP } : {}),
  });
  for (const file of testFiles(__dirname)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} integration tests failed`)) : resolve(),
    );
  });
}
