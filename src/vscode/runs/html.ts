// The Curves panel's HTML: strict CSP (nonce, only the extension's own files), theme colours, the
// bundled script dist/webview/runs.js (uPlot inside) and its stylesheet.
import * as vscode from 'vscode';
import { webviewCsp } from '../webviewCsp';

export function curvesHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const { nonce, csp } = webviewCsp(webview);
  const dist = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'runs.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'runs.css'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Model Garden: Curves</title>
<link rel="stylesheet" href="${style}">
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px 12px; }
  header { display: flex; gap: 14px; align-items: center; flex-wrap: wrap; padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border); position: sticky; top: 0; background: var(--vscode-editor-background); z-index: 2; }
  label { display: inline-flex; gap: 6px; align-items: center; }
  input[type=text], select { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; font: inherit; }
  input[type=range] { accent-color: var(--vscode-focusBorder); }
  button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: 1px solid var(--vscode-button-border, transparent); padding: 2px 8px; cursor: pointer; font: inherit; }
  button:hover { background: var(--vscode-button-secondaryHoverBackground); }
  :focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 12px; padding-top: 10px; }
  .card { border: 1px solid var(--vscode-panel-border); padding: 6px 8px; position: relative; min-width: 0; }
  .tools { position: absolute; right: 6px; top: 4px; z-index: 1; }
  #empty { color: var(--vscode-descriptionForeground); padding: 12px 0; }
  .uplot, .u-title, .u-legend { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  .u-title { font-size: 1em; text-align: left; }
  .legend { display: flex; flex-wrap: wrap; gap: 4px 14px; color: var(--vscode-descriptionForeground); padding: 2px 0 0 8px; }
  .legend > span { display: inline-flex; align-items: center; gap: 6px; }
  .swatch { display: inline-block; width: 14px; height: 3px; }
  .u-select { background: var(--vscode-editor-selectionBackground); }
</style>
</head>
<body data-ready="loading">
<header>
  <label>Filter tags <input type="text" id="filter" placeholder="regular expression" aria-label="Filter tags"></label>
  <label>Smoothing <input type="range" id="smoothing" min="0" max="0.99" step="0.01" aria-label="Smoothing"><span id="smoothing-value"></span></label>
  <label><input type="checkbox" id="log"> Log scale</label>
  <label>X axis <select id="x-axis" aria-label="X axis"><option value="step">Step</option><option value="relative">Relative (hours)</option><option value="wall">Wall time</option></select></label>
  <button id="csv" title="Save the shown scalars as CSV">Export CSV</button>
</header>
<div id="empty" hidden></div>
<div id="charts"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
