// Inspect Tokenization in the light and high-contrast themes (screenshots tokens-light.png and
// tokens-high-contrast.png under test-results/): token colours, the [MASK] outline and the cut with the
// dimmed rest must read in every theme.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { skipBecause } from '../fixtures';
import { openWorkbench, resultsDir, runCommand, type Workbench } from './workbench';

for (const [theme, file] of [
  ['Default Light Modern', 'tokens-light.png'],
  ['Default High Contrast', 'tokens-high-contrast.png'],
] as const) {
  describe(`tokenization drawn in ${theme}`, function () {
    let workbench: Workbench | null = null;

    before(async function () {
      workbench = await openWorkbench({
        'workbench.colorTheme': theme,
        'modelGarden.tokenization.maxSeqLength': 16,
        'editor.wordWrap': 'on',
      });
      if (!workbench) skipBecause(this, 'code-server is not installed (bash scripts/install-code-server.sh)');
    });

    after(async () => {
      await workbench?.close();
    });

    it(`draws the tokens, [MASK] and the cut (screenshot ${file})`, async () => {
      const { page } = workbench!;
      await runCommand(page, 'File: New Untitled Text File');
      const editor = page.locator('.editor-group-container.active .monaco-editor').first();
      await editor.waitFor({ timeout: 60_000 });
      await editor.click();
      await page.keyboard.type(
        'The quick brown fox jumped over the lazy dog, [MASK] times. Ünïcödé àccents and emoji 🤗 too; then more words past the cut.',
      );
      await page.keyboard.press('Control+A');
      await runCommand(page, 'Model Garden: Inspect Tokenization');
      // Decorations are drawn as spans with generated `ced-…` classes once the worker's tokens arrive.
      const decorated = page.locator('.monaco-editor .view-lines span[class*="ced-"]');
      await decorated.first().waitFor({ timeout: 60_000 });
      assert.ok((await decorated.count()) > 10, 'few tokens drawn');
      await page.mouse.move(900, 600);
      const shot = path.join(resultsDir, file);
      await page.screenshot({ path: shot });
      assert.ok(fs.statSync(shot).size > 10_000, 'the screenshot is not empty');
    });
  });
}
