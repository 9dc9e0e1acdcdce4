// Opens the real workbench (code-server + headless Chromium) with the extension under development
// loaded, for tests that look at what a person sees.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { repoRoot } from '../fixtures';

interface Server {
  readonly port: number;
  readonly base: string;
  stop(): Promise<void>;
}

interface CodeServerModule {
  codeServerInstalled(): boolean;
  startCodeServer(options: {
    workspace?: string;
    settings?: Record<string, unknown>;
    logFile?: string;
  }): Promise<Server>;
  workbenchUrl(server: Server, options: { folder?: string }): string;
  launchBrowser(): Promise<Browser>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const harness = require(path.join(repoRoot, 'scripts', 'code-server.cjs')) as CodeServerModule;

export interface Workbench {
  readonly page: Page;
  readonly workspace: string;
  close(): Promise<void>;
}

export const resultsDir = path.join(repoRoot, 'test-results');

/** Starts code-server on a sample workspace and opens the workbench; `null` when code-server is absent. */
export async function openWorkbench(settings: Record<string, unknown> = {}): Promise<Workbench | null> {
  if (!harness.codeServerInstalled()) return null;
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-ui-'));
  fs.cpSync(path.join(repoRoot, 'test', 'workspace'), workspace, { recursive: true });
  fs.mkdirSync(resultsDir, { recursive: true });
  const server = await harness.startCodeServer({
    workspace,
    logFile: path.join(resultsDir, 'code-server-ui.log'),
    settings: {
      'security.workspace.trust.enabled': false,
      'workbench.colorTheme': 'Default Dark Modern',
      ...settings,
    },
  });
  const browser = await harness.launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(harness.workbenchUrl(server, { folder: workspace }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return {
    page,
    workspace,
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
      fs.rmSync(workspace, { recursive: true, force: true });
      fs.rmSync(server.base, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a command from the palette as a person does: F1, its title, Enter on its row. The palette
 * filters the commands known when the text is typed, and the extension's commands register only
 * once its host has started (late on a loaded machine): so it is opened again until the row shows,
 * for up to 90 s; then a screenshot `failureShot` is saved under test-results/ and the wait fails.
 */
export async function runCommand(
  page: Page,
  title: string,
  failureShot = 'palette-failure.png',
): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  const deadline = Date.now() + 90_000;
  for (;;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input').first();
    await input.waitFor({ timeout: 30_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        await page.screenshot({ path: path.join(resultsDir, failureShot) });
        throw error;
      }
      await page.keyboard.press('Escape');
    }
  }
  await row.click();
}
