// Runs the compiled integration suite (out/test/integration) inside the real extension host of
// code-server 4.100.3 (VS Code 1.100.3), headless Chromium driving the workbench. Exits with the suite's code.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
// `--restricted` runs out/test/restricted instead: Workspace Trust on, so the workspace opens in Restricted Mode.
const restricted = process.argv.includes('--restricted');
// `--installed DIR` runs out/test/installed against the extension installed in DIR (an extensions
// folder filled by `code-server --install-extension`), with no development extension loaded.
const installedAt = process.argv.indexOf('--installed');
const installedDir = installedAt >= 0 ? path.resolve(process.argv[installedAt + 1] ?? '') : undefined;
const suite = restricted ? 'restricted' : installedDir ? 'installed' : 'integration';
const util = require('node:util');
const { repoRoot, startCodeServer, workbenchUrl, launchBrowser } = require('./code-server.cjs');

// Workbench chatter that says nothing about the tests (the gallery lookup fails offline by design).
const NOISE = [
  /ENOTFOUND/,
  /^Creating a socket/,
  /^Resolv(ing|ed) connection token/,
  /^\[Service Worker\]/,
  /^Updating additional builtin/,
  /^ChatSessionStore/,
];

/**
 * The oracle venv's python: MODEL_GARDEN_ORACLE_PYTHON, else what scripts/setup-oracle.sh prints (instant when
 * the venv is current; it creates it otherwise). Undefined without Python 3.10+: the tests needing it say so.
 */
let oracle;
function oraclePython() {
  if (oracle !== undefined) return oracle || undefined;
  oracle = process.env.MODEL_GARDEN_ORACLE_PYTHON || '';
  if (!oracle) {
    const setup = require('node:child_process').spawnSync(
      'bash',
      [path.join(repoRoot, 'scripts', 'setup-oracle.sh')],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const last = (setup.stdout || '').trim().split('\n').pop() || '';
    if (setup.status === 0 && fs.existsSync(last)) oracle = last;
  }
  return oracle || undefined;
}

const TIME_LIMIT_MS = Number(process.env.INTEGRATION_TIMEOUT_MS || 15 * 60_000);

// The extension host inherits code-server's environment: the installed suite checks where it runs from.
if (installedDir) process.env.MG_INSTALLED_EXTENSIONS_DIR = installedDir;

async function main() {
  const testsEntry = path.join(repoRoot, 'out', 'test', suite, 'index.js');
  if (!fs.existsSync(testsEntry))
    throw new Error(`${testsEntry} is missing: run "npm run compile-tests" first`);
  // A fresh copy of the sample workspace: tests write launch.json and copy checkpoints into it.
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-workspace-'));
  fs.cpSync(path.join(repoRoot, 'test', 'workspace'), workspace, { recursive: true });
  const noDevelopment = installedDir ? fs.mkdtempSync(path.join(os.tmpdir(), 'mg-no-dev-')) : undefined;
  const logFile = path.join(repoRoot, 'test-results', `code-server-${suite}.log`);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  fs.writeFileSync(logFile, '');
  const server = await startCodeServer({
    workspace,
    logFile,
    settings: {
      'security.workspace.trust.enabled': restricted,
      'extensions.autoCheckUpdates': false,
      // The oracle venv's Python (real TensorFlow and tf-models-official) for launch tests.
      ...(oraclePython() ? { 'modelGarden.python': oraclePython() } : {}),
    },
    trust: restricted,
    ...(installedDir ? { extensionsDir: installedDir } : {}),
  });
  const browser = await launchBrowser();
  let exitCode = 1;
  try {
    const page = await browser.newPage();
    const done = new Promise((resolve) => {
      page.exposeFunction('codeAutomationLog', (type, args) => {
        const text = Array.isArray(args) ? util.format(...args) : String(args);
        if (NOISE.some((pattern) => pattern.test(text))) return;
        (type === 'error' ? process.stderr : process.stdout).write(text + '\n');
      });
      page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    await page.goto(
      workbenchUrl(server, {
        folder: workspace,
        extensionTestsPath: path.join(repoRoot, 'out', 'test', suite),
        // VS Code runs extension tests only in a development session: an empty development folder
        // loads nothing, so the installed copy is the one that runs.
        ...(noDevelopment ? { extensionDevelopmentPath: noDevelopment } : {}),
      }),
    );
    const timeout = new Promise((resolve) =>
      setTimeout(() => {
        console.error(`integration: no result after ${TIME_LIMIT_MS / 1000} s`);
        resolve(1);
      }, TIME_LIMIT_MS).unref(),
    );
    exitCode = await Promise.race([done, timeout]);
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
    fs.rmSync(workspace, { recursive: true, force: true });
    if (noDevelopment) fs.rmSync(noDevelopment, { recursive: true, force: true });
    fs.rmSync(server.base, { recursive: true, force: true });
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
