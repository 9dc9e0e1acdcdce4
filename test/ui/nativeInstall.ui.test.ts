// Cancelling "Model Garden: Install Native Backend" as a person does: the Cancel button of its progress
// notification. npm (inheriting code-server's environment, as it would a user's .npmrc) is pointed at a registry on
// 127.0.0.1 whose tarball never finishes downloading; Cancel must stop npm (its download connection closes) and say
// so.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { skipBecause } from '../fixtures';
import { asksForTfjsNode, tfjsNodePackument } from '../support/standInTfjsNode';
import { openWorkbench, resultsDir, runCommand, type Workbench } from './workbench';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Install Native Backend: Cancel in the progress notification', function () {
  let workbench: Workbench | null = null;
  let server: http.Server | undefined;
  let tmp: string;
  const saved = new Map<string, string | undefined>();
  const download = { started: false, closed: false };

  before(async function () {
    try {
      execFileSync(NPM, ['--version'], { stdio: 'ignore', shell: process.platform === 'win32' });
    } catch {
      skipBecause(this, 'npm is not on the PATH');
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-native-ui-'));
    // A registry whose package exists and whose tarball starts and never ends.
    server = http.createServer((req, res) => {
      const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      if (asksForTfjsNode(req.url)) {
        res.setHeader('content-type', 'application/json');
        res.end(tfjsNodePackument(`${base}/never.tgz`));
      } else if (req.url === '/never.tgz') {
        download.started = true;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
        res.write(Buffer.alloc(1000));
        res.once('close', () => (download.closed = true));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    fs.writeFileSync(path.join(tmp, 'npmrc'), '');
    // code-server, its extension host and npm inherit this process's environment.
    const env = {
      npm_config_registry: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      npm_config_userconfig: path.join(tmp, 'npmrc'),
      npm_config_cache: path.join(tmp, 'npm-cache'),
      npm_config_noproxy: '127.0.0.1',
      npm_config_fetch_retries: '0',
    };
    for (const [name, value] of Object.entries(env)) {
      saved.set(name, process.env[name]);
      process.env[name] = value;
    }
    workbench = await openWorkbench();
    if (!workbench) skipBecause(this, 'code-server is not installed (bash scripts/install-code-server.sh)');
  });

  after(async () => {
    await workbench?.close();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    server?.closeAllConnections();
    server?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stops npm (its download never completes) and says it was cancelled (screenshot native-install-cancelled.png)', async () => {
    const { page } = workbench!;
    try {
      await runCommand(page, 'Model Garden: Install Native Backend');
      const toast = page.locator('.notification-toast', {
        hasText: 'Installing @tensorflow/tfjs-node@4.22.0',
      });
      await toast.waitFor({ timeout: 60_000 });
      await until('npm started downloading the tarball', () => download.started, 120_000);
      assert.equal(download.closed, false);
      await page.screenshot({ path: path.join(resultsDir, 'native-install-progress.png') });
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await page
        .locator('.notification-toast', { hasText: 'Installing @tensorflow/tfjs-node@4.22.0 was cancelled.' })
        .waitFor({ timeout: 30_000 });
      await until('npm was stopped (its download connection closed)', () => download.closed, 30_000);
      await page.screenshot({ path: path.join(resultsDir, 'native-install-cancelled.png') });
    } catch (error) {
      await page.screenshot({ path: path.join(resultsDir, 'native-install-failure.png') });
      throw error;
    }
  });
});
