import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, skipBecause } from '../fixtures';
import { openWorkbench, resultsDir, type Workbench } from './workbench';

async function runCommand(page: Workbench['page'], title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input').first();
  await input.waitFor({ timeout: 30_000 });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ timeout: 30_000 });
  } catch (error) {
    await page.screenshot({ path: path.join(resultsDir, 'panel-failure.png') });
    throw error;
  }
  await row.click();
}

describe('inference panel as a person sees it', function () {
  let workbench: Workbench | null = null;

  before(async function () {
    const checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
    workbench = await openWorkbench({ 'modelGarden.inference.checkpoint': checkpoint });
    if (!workbench) skipBecause(this, 'code-server is not installed (bash scripts/install-code-server.sh)');
  });

  after(async () => {
    await workbench?.close();
  });

  it('runs the tiny BERT on a selection and draws tokens and fill-mask candidates (screenshot panel.png)', async () => {
    const { page } = workbench!;
    const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
    await runCommand(page, 'File: New Untitled Text File');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor({ timeout: 60_000 });
    await editor.click();
    await page.keyboard.type('all work and [MASK] play makes jack a dull boy');
    await page.keyboard.press(`${mod}+A`);
    await runCommand(page, 'Model Garden: Run Model on Selection');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    try {
      await frame.locator('body[data-ready="result"]').waitFor({ timeout: 120_000 });
    } catch (error) {
      await page.screenshot({ path: path.join(resultsDir, 'panel-failure.png') });
      throw error;
    }
    const tokens = await frame.locator('#tokens .token').allTextContents();
    assert.deepEqual(tokens, [
      '[CLS]',
      'all',
      'work',
      'and',
      '[MASK]',
      'play',
      'makes',
      'jack',
      'a',
      'dull',
      'boy',
      '[SEP]',
    ]);
    await frame.locator('#panel-fill-mask table.bars tr').first().waitFor({ timeout: 30_000 });
    const rows = frame.locator('#panel-fill-mask table.bars tr');
    assert.equal(await rows.count(), 10, 'ten candidates for the mask');
    // Bar lengths follow the probabilities (set through the CSSOM: the CSP forbids inline styles).
    const widths = await frame
      .locator('#panel-fill-mask td.bar span')
      .evaluateAll((spans) => spans.map((s) => (s as HTMLElement).style.width));
    assert.ok(
      widths.every((w) => /^\d+(\.\d+)?%$/.test(w) && parseFloat(w) < 50),
      widths.join(),
    );
    assert.match(
      (await frame.locator('#model').textContent()) ?? '',
      /\(bert, L2\/H4\/A4\) — (wasm|cpu|tensorflow)/,
    );
    const file = path.join(resultsDir, 'panel.png');
    await page.screenshot({ path: file });
    assert.ok(fs.statSync(file).size > 10_000, 'the screenshot is not empty');
  });

  it('comes back with its tokens and candidates after the window reloads (serializer + saved state)', async () => {
    const { page } = workbench!;
    await runCommand(page, 'Developer: Reload Window');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('body[data-ready="result"]').waitFor({ timeout: 120_000 });
    const tokens = await frame.locator('#tokens .token').allTextContents();
    assert.equal(tokens.length, 12);
    assert.equal(await frame.locator('#panel-fill-mask table.bars tr').count(), 10);
  });
});
