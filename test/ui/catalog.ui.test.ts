import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { skipBecause } from '../fixtures';
import { openWorkbench, resultsDir, type Workbench } from './workbench';

describe('catalog as a person sees it', function () {
  let workbench: Workbench | null = null;

  before(async function () {
    workbench = await openWorkbench();
    if (!workbench) skipBecause(this, 'code-server is not installed (bash scripts/install-code-server.sh)');
  });

  after(async () => {
    await workbench?.close();
  });

  it('opens the Model Garden view, expands BERT and shows BERT-base uncased English', async () => {
    const { page } = workbench!;
    await page.locator('.activitybar [aria-label^="Model Garden"]').first().click({ timeout: 60_000 });
    const tree = page.locator('[id="workbench.view.extension.modelGarden"]');
    const bert = tree.locator('.monaco-list-row', { hasText: /^BERT\s*8 models/ }).first();
    await bert.waitFor({ timeout: 60_000 });
    await bert.click();
    const model = tree.locator('.monaco-list-row', { hasText: 'BERT-base uncased English' }).first();
    await model.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await model.isVisible(), true);
    assert.match((await model.textContent()) ?? '', /L-12 H-768 · uncased/);
    await page.mouse.move(800, 500); // away from the activity bar, so no hover covers the tree
    const file = path.join(resultsDir, 'catalog.png');
    await page.screenshot({ path: file });
    assert.ok(fs.statSync(file).size > 10_000, 'the screenshot is not empty');
  });
});
