import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixture, skipBecause } from '../fixtures';
import { openWorkbench, resultsDir, runCommand, type Workbench } from './workbench';

describe('inference panel as a person sees it', function () {
  let workbench: Workbench | null = null;

  before(async function () {
    const checkpoint = fixture(this, 'kerasbert_tiny_bert_tf1');
    // No model setting: the first run offers what is on the machine, here a checkpoint in the workspace.
    workbench = await openWorkbench();
    if (!workbench) skipBecause(this, 'code-server is not installed (bash scripts/install-code-server.sh)');
    fs.cpSync(checkpoint, path.join(workbench.workspace, 'tiny_bert'), { recursive: true });
  });

  after(async () => {
    await workbench?.close();
  });

  it('runs the tiny BERT on a selection and draws tokens and fill-mask candidates (screenshot panel.png)', async () => {
    const { page } = workbench!;
    const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
    await runCommand(page, 'File: New Untitled Text File', 'panel-failure.png');
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor({ timeout: 60_000 });
    await editor.click();
    await page.keyboard.type('all work and [MASK] play makes jack a dull boy');
    await page.keyboard.press(`${mod}+A`);
    await runCommand(page, 'Model Garden: Run Model on Selection', 'panel-failure.png');
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    // First run: no model yet. The panel offers the workspace's checkpoint and the catalog, and says
    // nothing about a missing masked-LM head.
    const choice = frame.locator('#choices vscode-button[data-action="use"]', {
      hasText: 'tiny_bert/bert_model.ckpt',
    });
    try {
      await choice.waitFor({ timeout: 60_000 });
    } catch (error) {
      await page.screenshot({ path: path.join(resultsDir, 'panel-failure.png') });
      throw error;
    }
    assert.equal(await frame.locator('#model').textContent(), 'No model loaded');
    assert.equal(await frame.locator('#choices vscode-button[data-action="download"]').count(), 1);
    assert.doesNotMatch((await frame.locator('body').textContent()) ?? '', /no masked-LM head/);
    await page.screenshot({ path: path.join(resultsDir, 'panel-first-run.png') });
    await choice.click();
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
    // Special tokens are left out: the tiny vocabulary's ten words remain.
    const candidates = await frame.locator('#panel-fill-mask td.cand').allTextContents();
    assert.deepEqual(
      candidates.filter((c) => /^\[.*\]$/.test(c)),
      [],
      `special tokens among ${candidates.join(' ')}`,
    );
    // Bars are scaled to the top candidate (the tiny model's ~7 % would otherwise be equal stubs),
    // and each row prints its probability. Widths are set through the CSSOM (no inline styles in the CSP).
    const widths = (
      await frame
        .locator('#panel-fill-mask td.bar span')
        .evaluateAll((spans) => spans.map((s) => (s as HTMLElement).style.width))
    ).map((w) => parseFloat(w));
    const printed = (await frame.locator('#panel-fill-mask td.num').allTextContents()).map((t) => {
      assert.match(t, /^\d+\.\d%$/);
      return parseFloat(t);
    });
    assert.equal(widths[0], 100, `the top bar is ${widths[0]}%`);
    widths.forEach((w, i) =>
      assert.ok(Math.abs(w - (printed[i]! / printed[0]!) * 100) < 2.5, `bar ${i}: ${w}% for ${printed[i]}%`),
    );
    assert.match(
      (await frame.locator('#model').textContent()) ?? '',
      /\(bert, L2\/H4\/A4\) — (wasm|cpu|tensorflow)/,
    );
    const file = path.join(resultsDir, 'panel.png');
    await page.screenshot({ path: file });
    assert.ok(fs.statSync(file).size > 10_000, 'the screenshot is not empty');
  });

  it('shows special tokens on request, draws attention with a legend, and keeps its indicators in high contrast (screenshots panel-attention.png, panel-hc.png)', async () => {
    const { page } = workbench!;
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('#show-special').check();
    await frame
      .locator('#panel-fill-mask td.cand', { hasText: /^\[(UNK|SEP|MASK|CLS|PAD)\]$/ })
      .first()
      .waitFor({ timeout: 10_000 });
    await frame.locator('#show-special').uncheck();
    await frame.locator('vscode-tab-header', { hasText: 'Attention' }).click();
    await frame.locator('#panel-attention .cell').first().click();
    await frame.locator('#panel-attention table.map').waitFor({ timeout: 30_000 });
    // Two legends: the layer × head grid and the token map, each from its own lowest to highest value.
    assert.equal(await frame.locator('#panel-attention .legend').count(), 2);
    const legend = (await frame.locator('#panel-attention .legend').first().textContent()) ?? '';
    const ends = /^(\d\.\d+)(\d\.\d+)/.exec(legend);
    assert.ok(ends ? ends[1] !== ends[2] : /same value/.test(legend), `legend: ${legend}`);
    await page.screenshot({ path: path.join(resultsDir, 'panel-attention.png') });

    await runCommand(page, 'Preferences: Color Theme', 'panel-failure.png');
    const input = page.locator('.quick-input-widget input').first();
    await input.fill('Dark High Contrast');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: 'Dark High Contrast' })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-workbench.hc-black').waitFor({ timeout: 30_000 });
    await frame.locator('vscode-tab-header', { hasText: 'Fill-Mask' }).click();
    // The contrast border of the theme marks the selected tab and the [MASK] token.
    const contrast = await frame
      .locator('body')
      .evaluate((b) => getComputedStyle(b).getPropertyValue('--vscode-contrastActiveBorder').trim());
    assert.ok(contrast, 'the high contrast theme has no contrastActiveBorder');
    const tabShadow = await frame
      .locator('vscode-tab-header[active]')
      .evaluate((t) => getComputedStyle(t).boxShadow);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(contrast.slice(i, i + 2), 16));
    assert.ok(
      tabShadow.includes(`rgb(${r}, ${g}, ${b})`),
      `the selected tab's indicator (${tabShadow}) is not the contrast border ${contrast}`,
    );
    const maskOutline = await frame
      .locator('#tokens .token.masked')
      .first()
      .evaluate((t) => getComputedStyle(t).outlineStyle + ' ' + getComputedStyle(t).outlineColor);
    assert.match(maskOutline, /^solid rgb/, `[MASK] outline: ${maskOutline}`);
    await page.screenshot({ path: path.join(resultsDir, 'panel-hc.png') });
    await frame.locator('vscode-tab-header', { hasText: 'Attention' }).click();
    await page.screenshot({ path: path.join(resultsDir, 'panel-attention-hc.png') });
    await frame.locator('vscode-tab-header', { hasText: 'Fill-Mask' }).click();
  });

  it('comes back with its tokens and candidates after the window reloads (serializer + saved state)', async () => {
    const { page } = workbench!;
    await runCommand(page, 'Developer: Reload Window', 'panel-failure.png');
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await frame.locator('body[data-ready="result"]').waitFor({ timeout: 120_000 });
    const tokens = await frame.locator('#tokens .token').allTextContents();
    assert.equal(tokens.length, 12);
    assert.equal(await frame.locator('#panel-fill-mask table.bars tr').count(), 10);
  });

  it('after a failed run shows only the error, in user words, and no model (screenshot panel-error.png)', async () => {
    const { page, workspace } = workbench!;
    const frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const folder = path.join(workspace, 'tiny_bert');
    const moved = path.join(workspace, 'tiny_bert_moved');
    fs.renameSync(folder, moved);
    try {
      await frame.locator('header vscode-button[data-action="rerun"]').click();
      await frame.locator('#error:not([hidden]) .summary').waitFor({ timeout: 60_000 });
      assert.equal(await frame.locator('#model').textContent(), 'No model loaded');
      assert.equal(
        await frame.locator('#tokens .token').count(),
        0,
        'the previous tokens stay under the error',
      );
      assert.equal(
        await frame.locator('#panel-fill-mask table.bars').count(),
        0,
        'the previous candidates stay',
      );
      assert.match((await frame.locator('#error .action').textContent()) ?? '', /Choose Model…/);
      await page.screenshot({ path: path.join(resultsDir, 'panel-error.png') });
    } finally {
      fs.renameSync(moved, folder);
    }
  });
});
