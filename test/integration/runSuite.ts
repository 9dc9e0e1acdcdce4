// Runs every compiled *.test.js of a folder with mocha inside the extension host and rejects when a
// test fails (the contract of @vscode/test-electron's extensionTestsPath entry).
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

export function runSuite(dir: string, label: string): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    timeout: 60_000,
    reporter: path.join(__dirname, '..', 'reporter.js'),
    reporterOptions: { label },
    // MG_TEST_GREP narrows a run to one feature's tests while developing.
    ...(process.env.MG_TEST_GREP ? { grep: process.env.MG_TEST_GREP } : {}),
  });
  for (const file of testFiles(dir)) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} ${label} tests failed`)) : resolve(),
    );
  });
}
