// The package tier: the extension and the CLI as users install them. Builds the .vsix
// (`scripts/package.mjs`), checks its contents and the 5 MB budget, installs it with
// `code-server --install-extension` into a fresh profile and runs test/installed there (no
// development extension); packs the npm tarball, installs it into a temporary prefix and runs the
// `model-garden` it installs. Both fail on a missing asset.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { fixture, repoRoot, skipBecause } from '../fixtures';

interface ZipEntry {
  readonly name: string;
  readonly size: number;
}
/* eslint-disable @typescript-eslint/no-require-imports */
const { listZip, readZipEntry } = require(path.join(repoRoot, 'scripts', 'zip-list.cjs')) as {
  listZip(file: string): ZipEntry[];
  readZipEntry(file: string, name: string): Buffer;
};
const harness = require(path.join(repoRoot, 'scripts', 'code-server.cjs')) as {
  codeServerInstalled(): boolean;
  installExtension(vsix: string, options: { extensionsDir: string; userDataDir: string }): string;
  startCodeServer(options: {
    extensionsDir?: string;
    logFile?: string;
    settings?: Record<string, unknown>;
  }): Promise<{ port: number; base: string; stop(): Promise<void> }>;
  workbenchUrl(server: { port: number }, options: { extensionDevelopmentPath?: string }): string;
  launchBrowser(): Promise<Browser>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

const BUDGET_BYTES = 5 * 1024 * 1024;
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
  icon: string;
  repository: { url: string };
};
/** What the packaged extension and CLI cannot work without. */
const REQUIRED = [
  'dist/extension.js',
  'dist/cli.js',
  'dist/inferenceWorker.js',
  'dist/tokenizeWorker.js',
  'dist/webview/inference.js',
  'dist/wasm/tfjs-backend-wasm.wasm',
  'dist/wasm/tfjs-backend-wasm-simd.wasm',
  'dist/wasm/tfjs-backend-wasm-threaded-simd.wasm',
  'dist/wasm/tfjs-backend-wasm-threaded-simd.js',
  // The encoder's own WebAssembly kernels, compiled by the build (src/core/inference/kernels).
  'dist/wasm/mg-kernels.wasm',
  'dist/assets/30k-clean.model',
];
const images = (markdown: string) => [...markdown.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

describe('package tier: the .vsix and the npm tarball as users install them', function () {
  this.timeout(900_000);
  let tmp: string;
  before(function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-package-'));
  });
  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Packing built the production bundles; put the development build (with source maps) back.
    run(process.execPath, ['esbuild.config.mjs']);
  });

  describe('.vsix', function () {
    let vsix: string;
    let names: Set<string>;
    before(function () {
      vsix = path.join(tmp, `${manifest.name}-${manifest.version}.vsix`);
      const built = run(process.execPath, ['scripts/package.mjs', '--out', vsix]);
      assert.equal(built.code, 0, built.stderr + built.stdout);
      // `npm run package` reports the size and every file.
      assert.match(built.stdout, /\.vsix: \d+\.\d\d MB \(\d+ files, /);
      assert.match(built.stdout, /extension\/dist\/wasm\/tfjs-backend-wasm-simd\.wasm/);
      names = new Set(listZip(vsix).map((e) => e.name));
    });

    it('holds the bundles, wasm binaries, ALBERT model, icon and README images; no sources, maps or node_modules; under 5 MB', function () {
      const missing = [...REQUIRED, manifest.icon, 'readme.md', 'changelog.md']
        .map((file) => `extension/${file}`)
        .filter((entry) => !names.has(entry));
      assert.deepEqual(missing, [], `missing from the .vsix: ${missing.join(', ')}`);
      const unwanted = [...names].filter((n) =>
        /^extension\/(src|test|bench|out|node_modules|scripts)\/|\.map$|\.ts$/.test(n),
      );
      assert.deepEqual(unwanted, []);
      const size = fs.statSync(vsix).size;
      assert.ok(size < BUDGET_BYTES, `.vsix is ${(size / 1024 / 1024).toFixed(2)} MB, over the 5 MB budget`);
    });

    it("the packaged README's images are https URLs (the details page's CSP allows no relative ones) to files of this repository", function () {
      const source = images(fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8'));
      const packaged = images(readZipEntry(vsix, 'extension/readme.md').toString('utf8'));
      assert.ok(source.length >= 2, 'the README has no screenshots');
      assert.equal(packaged.length, source.length);
      const repository = manifest.repository.url.replace(/\.git$/, '');
      packaged.forEach((url, i) => {
        assert.match(url, /^https:\/\//, url);
        if (!/^[a-z]+:/i.test(source[i]!)) {
          assert.equal(url, `${repository}/raw/HEAD/${source[i]}`);
          assert.ok(fs.existsSync(path.join(repoRoot, source[i]!)), `${source[i]} is not in the repository`);
        }
      });
    });

    it('installs with code-server --install-extension into a fresh profile and passes the smoke suite there', function () {
      if (!harness.codeServerInstalled())
        skipBecause(this, 'code-server is not installed (bash scripts/install-code-server.sh)');
      if (!fs.existsSync(process.env.CHROMIUM_PATH || '/usr/bin/chromium'))
        skipBecause(this, 'Chromium is not installed (apt-get install -y chromium)');
      fixture(this, 'kerasbert_tiny_bert_tf1');
      const extensionsDir = path.join(tmp, 'extensions');
      harness.installExtension(vsix, { extensionsDir, userDataDir: path.join(tmp, 'install-profile') });
      const installed = path.join(
        extensionsDir,
        `${manifest.publisher}.${manifest.name}-${manifest.version}`.toLowerCase(),
      );
      assert.ok(fs.existsSync(path.join(installed, 'dist', 'extension.js')), `not installed at ${installed}`);
      const smoke = run(process.execPath, ['scripts/run-integration.cjs', '--installed', extensionsDir], {
        env: { ...process.env, INTEGRATION_TIMEOUT_MS: '300000' },
      });
      process.stdout.write(smoke.stdout.replace(/^/gm, '    | '));
      assert.equal(smoke.code, 0, `smoke suite failed:\n${smoke.stderr}`);
      assert.match(smoke.stdout, /installed: 5 passed, 0 failed, 0 skipped/);
    });

    it("the installed extension's details page shows the user README, its icon and https screenshots", async function () {
      const extensionsDir = path.join(tmp, 'extensions');
      if (!fs.existsSync(extensionsDir))
        skipBecause(this, 'the .vsix was not installed by the previous test');
      const server = await harness.startCodeServer({
        extensionsDir,
        logFile: path.join(repoRoot, 'test-results', 'code-server-details.log'),
        settings: { 'security.workspace.trust.enabled': false, 'extensions.autoCheckUpdates': false },
      });
      const browser = await harness.launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const noDevelopment = fs.mkdtempSync(path.join(tmp, 'no-dev-'));
        await page.goto(harness.workbenchUrl(server, { extensionDevelopmentPath: noDevelopment }));
        await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
        await page.keyboard.press('Control+Shift+X');
        const item = page
          .locator('.extensions-viewlet .monaco-list-row', { hasText: 'Model Garden NLP' })
          .first();
        await item.waitFor({ timeout: 60_000 });
        await item.click();
        const icon = page.locator('.extension-editor .header img.icon');
        await icon.waitFor({ timeout: 30_000 });
        await page.waitForFunction(
          () =>
            (document.querySelector('.extension-editor .header img.icon') as HTMLImageElement | null)
              ?.complete,
        );
        assert.equal(await icon.evaluate((img) => (img as HTMLImageElement).naturalWidth), 128);
        const details = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
        await details.locator('h1').first().waitFor({ timeout: 30_000 });
        assert.equal(await details.locator('h1').first().textContent(), 'Model Garden NLP');
        assert.equal(await details.locator('h2', { hasText: 'Privacy' }).count(), 1);
        assert.equal(await details.getByText('npm ci && npm start').count(), 1, 'one develop line, no more');
        const sources = await details
          .locator('img')
          .evaluateAll((imgs) => imgs.map((img) => img.getAttribute('src') ?? ''));
        assert.ok(sources.length >= 2, `${sources.length} images`);
        for (const src of sources) assert.match(src, /^https:\/\//);
        await page.screenshot({ path: path.join(repoRoot, 'test-results', 'details-page.png') });
      } finally {
        await browser.close().catch(() => undefined);
        await server.stop();
        fs.rmSync(server.base, { recursive: true, force: true });
      }
    });
  });

  describe('npm tarball', function () {
    let tarball: string;
    let files: string[];
    let prefix: string;
    const bin = (name: string) =>
      path.join(prefix, 'bin', process.platform === 'win32' ? `${name}.cmd` : name);

    before(function () {
      const packed = run('npm', ['pack', '--json', '--pack-destination', tmp]);
      assert.equal(packed.code, 0, packed.stderr);
      const json = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as {
        filename: string;
        files: { path: string }[];
      }[];
      tarball = path.join(tmp, json[0]!.filename);
      files = json[0]!.files.map((f) => f.path);
      prefix = path.join(tmp, 'prefix');
    });

    it('holds the CLI bundle (with its shebang) and the assets it needs, and nothing of the sources', function () {
      const missing = REQUIRED.filter((file) => !files.includes(file));
      assert.deepEqual(missing, [], `missing from the tarball: ${missing.join(', ')}`);
      assert.deepEqual(
        files.filter((f) => /^(src|test|bench|out|\.ci|scripts)\/|\.map$/.test(f)),
        [],
      );
      const listing = execFileSync('tar', ['-xOzf', tarball, 'package/dist/cli.js'], {
        maxBuffer: 64 * 1024 * 1024,
      }).toString('utf8', 0, 64);
      assert.match(listing, /^#!\/usr\/bin\/env node\n/);
    });

    it('npm install -g into a temporary prefix gives model-garden and model-garden-nlp that list the catalog and run infer', function () {
      // The bundles have no runtime dependencies; the optional tfjs-node is left out (offline-safe).
      const installed = run('npm', [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--omit=optional',
        '--no-audit',
        '--no-fund',
        tarball,
      ]);
      assert.equal(installed.code, 0, installed.stderr);
      const catalog = run(bin('model-garden'), ['catalog', '--json'], { cwd: tmp });
      assert.equal(catalog.code, 0, catalog.stderr);
      const models = JSON.parse(catalog.stdout) as { id: string }[];
      assert.equal(models.length, 17);
      const checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
      const infer = run(
        bin('model-garden-nlp'),
        [
          'infer',
          '--checkpoint',
          checkpoint,
          '--text',
          'all work and [MASK] play',
          '--task',
          'fill-mask',
          '--backend',
          'wasm',
          '--json',
        ],
        { cwd: tmp },
      );
      assert.equal(infer.code, 0, infer.stderr);
      assert.equal(infer.stderr, '');
      const out = JSON.parse(infer.stdout) as { backend: string; fillMask: { position: number }[] };
      assert.equal(out.backend, 'wasm');
      assert.equal(out.fillMask[0]?.position, 4);
    });

    it('a missing wasm binary in the installed CLI is an error with the reason, not a quiet CPU run', function () {
      const wasm = path.join(prefix, 'lib', 'node_modules', manifest.name, 'dist', 'wasm');
      assert.ok(fs.existsSync(wasm), `${wasm} is missing`);
      fs.renameSync(wasm, wasm + '.hidden');
      try {
        const checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
        const args = ['infer', '--checkpoint', checkpoint, '--text', 'all work'];
        const strict = run(bin('model-garden'), [...args, '--backend', 'wasm'], { cwd: tmp });
        assert.equal(strict.code, 1);
        assert.match(
          strict.stderr,
          /The "wasm" backend could not start: the WebAssembly binaries are missing/,
        );
        const auto = run(bin('model-garden'), args, { cwd: tmp });
        assert.equal(auto.code, 0, auto.stderr);
        assert.match(auto.stderr, /warning: Running on cpu because wasm could not start/);
      } finally {
        fs.renameSync(wasm + '.hidden', wasm);
      }
    });
  });
});
