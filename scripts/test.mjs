// `npm test`: build, type-check and compile the tests, lint, then the unit suite (plain Node), the
// oracle tier (real TensorFlow and tf-models-official in a venv made by scripts/setup-oracle.sh), the
// integration suite (inside VS Code 1.100.3 via code-server), the same host in Restricted Mode, the UI suite (Playwright on the
// workbench) and the package tier (the .vsix and the npm tarball installed as users install them). `node scripts/test.mjs unit|integration|ui` runs one suite with what it needs.
// Ends with one line `total: N passed, N failed, N skipped`.
import { spawn } from 'node:child_process';

const mochaBin = 'node_modules/mocha/bin/mocha.js';
const reporter = ['--reporter', 'out/test/reporter.js'];

const steps = {
  build: ['node', ['esbuild.config.mjs']],
  compile: ['node', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']],
  lint: ['npm', ['run', '--silent', 'lint']],
  unit: [
    'node',
    [
      mochaBin,
      ...reporter,
      '--reporter-option',
      'label=unit',
      // The slowest unit test (10,000-line WordPiece parity on the cased vocabulary) took 33 s on a
      // loaded 2-core machine; tests that bound their own cases in workers set their own timeout.
      '--timeout',
      '60000',
      'out/test/unit/**/*.test.js',
    ],
  ],
  oracle: [
    'node',
    [
      mochaBin,
      ...reporter,
      '--reporter-option',
      'label=oracle',
      '--timeout',
      '2400000',
      'out/test/oracle/**/*.test.js',
    ],
  ],
  'install-code-server': ['bash', ['scripts/install-code-server.sh']],
  integration: ['node', ['scripts/run-integration.cjs']],
  restricted: ['node', ['scripts/run-integration.cjs', '--restricted']],
  ui: [
    'node',
    [
      mochaBin,
      ...reporter,
      '--reporter-option',
      'label=ui',
      '--timeout',
      '180000',
      'out/test/ui/**/*.test.js',
    ],
  ],
  // The .vsix and the npm tarball installed as users install them (test/package, test/installed).
  package: [
    'node',
    [
      mochaBin,
      ...reporter,
      '--reporter-option',
      'label=package',
      '--timeout',
      '900000',
      'out/test/package/**/*.test.js',
    ],
  ],
};

const plans = {
  all: [
    'build',
    'compile',
    'lint',
    'unit',
    'oracle',
    'install-code-server',
    'integration',
    'restricted',
    'ui',
    'package',
  ],
  unit: ['compile', 'unit'],
  oracle: ['build', 'compile', 'oracle'],
  integration: ['build', 'compile', 'install-code-server', 'integration', 'restricted'],
  ui: ['build', 'compile', 'install-code-server', 'ui'],
  package: ['compile', 'install-code-server', 'package'],
};

const plan = plans[process.argv[2] ?? 'all'];
if (!plan) {
  console.error(`unknown suite ${process.argv[2]}; use one of ${Object.keys(plans).join(', ')}`);
  process.exit(2);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const summary = /^(\w+): (\d+) passed, (\d+) failed, (\d+) skipped$/;

function runStep(name) {
  const [command, args] = steps[name];
  console.log(`\n=== ${name}: ${command} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = summary.exec(line.trim());
        if (match && match[1] !== 'total') {
          totals.passed += Number(match[2]);
          totals.failed += Number(match[3]);
          totals.skipped += Number(match[4]);
        }
      }
    });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

let failedStep;
for (const name of plan) {
  const code = await runStep(name);
  if (code !== 0) {
    failedStep = name;
    break;
  }
}
if (failedStep) console.log(`\nstep "${failedStep}" failed`);
if (failedStep && totals.failed === 0) totals.failed = 1;
console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStep ? 1 : 0);
