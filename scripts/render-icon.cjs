// Renders media/src/icon.svg to media/icon.png (128×128, the Marketplace icon) with headless Chromium.
// `node scripts/render-icon.cjs` after editing the SVG; the PNG is committed.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { launchBrowser } = require('./code-server.cjs');

async function main() {
  const root = path.resolve(__dirname, '..');
  const svg = fs.readFileSync(path.join(root, 'media', 'src', 'icon.svg'), 'utf8');
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
    await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
    await page
      .locator('svg')
      .screenshot({ path: path.join(root, 'media', 'icon.png'), omitBackground: true });
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
