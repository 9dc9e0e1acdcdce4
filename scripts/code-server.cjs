// Starts code-server (VS Code 1.100.3 server + web workbench) on 127.0.0.1 and drives it with
// Debian's Chromium through playwright-core. Shared by `npm start`, the integration suite and the UI tests.
// Recipe: ../shared/reference/TESTING_IN_VSCODE.md.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const installDir = process.env.CODE_SERVER_DIR || path.join(repoRoot, '.vscode-test', 'code-server');
const entry = path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function codeServerInstalled() {
  return fs.existsSync(entry) && fs.readdirSync(installDir).some((f) => f.startsWith('.installed-'));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function probe(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/**
 * Starts code-server. `settings` go to the user settings.json; `trust: true` keeps Workspace Trust on. Returns { port, origin, userDataDir, stop }.
 * Output goes to `logFile` when given (code-server is chatty), else is dropped.
 */
async function startCodeServer({
  port = 0,
  workspace,
  settings = {},
  logFile,
  extensionsDir,
  trust = false,
} = {}) {
  if (!codeServerInstalled()) {
    throw new Error(
      `code-server is not installed in ${installDir}: run "bash scripts/install-code-server.sh"`,
    );
  }
  const chosenPort = port || (await freePort());
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-code-server-'));
  const userDataDir = path.join(base, 'user');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      { 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', ...settings },
      null,
      2,
    ),
  );
  const args = [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${chosenPort}`,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir || path.join(base, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
  ];
  // Workspace Trust is off unless a run tests Restricted Mode (`trust: true`: the prompt is refused in test mode).
  if (!trust) args.push('--disable-workspace-trust');
  if (workspace) args.push(workspace);
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = spawn(process.execPath, args, { stdio: ['ignore', out, out], detached: false });
  const origin = `http://127.0.0.1:${chosenPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode}`);
    const status = await probe(origin + '/');
    if (status === 302 || status === 200) break;
    if (Date.now() > deadline) {
      child.kill();
      throw new Error('code-server did not answer within 60 s');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  return { port: chosenPort, origin, userDataDir, base, child, stop };
}

/** The workbench URL that loads the extension under development (and, optionally, its tests). */
function workbenchUrl(server, { folder, extensionDevelopmentPath = repoRoot, extensionTestsPath } = {}) {
  const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
    ['skipWelcome', 'true'],
  ];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const params = new URLSearchParams();
  if (folder) params.set('folder', folder);
  params.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${params.toString()}`;
}

/** `code-server --install-extension VSIX` into the given extensions folder (a fresh profile). */
function installExtension(vsix, { extensionsDir, userDataDir }) {
  if (!codeServerInstalled()) {
    throw new Error(
      `code-server is not installed in ${installDir}: run "bash scripts/install-code-server.sh"`,
    );
  }
  const { spawnSync } = require('node:child_process');
  const result = spawnSync(
    process.execPath,
    [
      entry,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--install-extension',
      vsix,
      '--force',
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      `code-server --install-extension failed (${result.status}): ${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function launchBrowser() {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

module.exports = {
  repoRoot,
  installDir,
  codeServerInstalled,
  startCodeServer,
  workbenchUrl,
  installExtension,
  launchBrowser,
  freePort,
};
