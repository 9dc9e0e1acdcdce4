// The panel's HTML: strict CSP (nonce, only the extension's own files), theme colours, the bundled
// script dist/webview/inference.js.
import * as vscode from 'vscode';
import { webviewCsp } from '../webviewCsp';

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const { nonce, csp } = webviewCsp(webview);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'inference.js'));
  return `<!DOCTYPE html>
<html lang="en">
<!-- vscode-tabs gives its headers and panels ids of its own: the content lives in inner elements. -->
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Model Garden: Run Model</title>
<style nonce="${nonce}">
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px 12px; }
  header { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border); }
  #model { font-weight: 600; flex: 1; }
  #busy { display: flex; gap: 8px; align-items: center; padding: 6px 0; }
  #busy[hidden], #error[hidden], #choices[hidden], #backend-warning[hidden], #backend-skipped[hidden] { display: none; }
  #backend-skipped { color: var(--vscode-descriptionForeground); margin: 2px 0 6px; }
  #backend-warning { color: var(--vscode-editorWarning-foreground); border: 1px solid var(--vscode-inputValidation-warningBorder); padding: 6px; margin: 6px 0; }
  #error { border: 1px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); background: var(--vscode-inputValidation-errorBackground, transparent); padding: 6px 8px; margin: 6px 0; }
  #error p { margin: 2px 0; }
  #error .summary { color: var(--vscode-errorForeground); font-weight: 600; }
  #error details { color: var(--vscode-descriptionForeground); margin-top: 4px; }
  #error code { font-family: var(--vscode-editor-font-family); white-space: pre-wrap; word-break: break-all; }
  #choices h2 { font-size: 1.1em; margin: 10px 0 4px; }
  #choices ul { list-style: none; padding: 0; margin: 4px 0; }
  #choices li { margin: 4px 0; }
  label.option { display: inline-flex; gap: 6px; align-items: center; margin: 4px 0; color: var(--vscode-foreground); }
  label.option input { accent-color: var(--vscode-checkbox-background, var(--vscode-focusBorder)); }
  #tokens { display: flex; flex-wrap: wrap; gap: 4px; padding: 8px 0; }
  .token { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); border-radius: 3px; padding: 1px 5px; background: var(--vscode-textCodeBlock-background); color: var(--vscode-foreground); cursor: pointer; display: inline-flex; flex-direction: column; align-items: center; }
  .token.alt { background: var(--vscode-editor-selectionHighlightBackground, var(--vscode-textCodeBlock-background)); }
  .token.unk { color: var(--vscode-errorForeground); border-color: var(--vscode-errorForeground); }
  .token.cont { border-left-style: dotted; }
  .token.special { color: var(--vscode-descriptionForeground); cursor: default; }
  .token.pair { border-style: dashed; }
  /* High contrast themes draw find matches with a border only: keep a visible outline there. */
  .token.masked { background: var(--vscode-editor-findMatchHighlightBackground); outline: 2px solid var(--vscode-contrastActiveBorder, var(--vscode-editor-findMatchHighlightBorder, transparent)); outline-offset: -2px; font-weight: 600; }
  .token.rtd { box-shadow: inset 0 -4px 0 rgba(229, 57, 53, var(--replaced)); }
  .token:focus-visible, .cell:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 1px; }
  .tag { font-size: 0.8em; color: var(--vscode-descriptionForeground); }
  #meta, .hint { color: var(--vscode-descriptionForeground); }
  table.bars { border-collapse: collapse; min-width: 60%; }
  table.bars td { padding: 2px 6px; }
  td.cand { font-family: var(--vscode-editor-font-family); }
  td.bar { width: 60%; }
  td.bar span { display: block; height: 10px; min-width: 1px; background: var(--vscode-charts-blue, var(--vscode-progressBar-background)); outline: 1px solid var(--vscode-contrastBorder, transparent); }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  table.heat { border-collapse: collapse; }
  table.heat th { font-weight: normal; color: var(--vscode-descriptionForeground); padding: 0 3px; }
  /* Colour scales run from the editor background (lowest value shown) to a chart colour (highest): */
  /* in light, dark and high contrast themes alike, a stronger colour means a higher value. */
  .cell { width: 22px; height: 18px; border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border)); padding: 0; cursor: pointer; background: color-mix(in srgb, var(--vscode-charts-blue, #3794ff) calc(var(--v) * 100%), var(--vscode-editor-background)); }
  .cell.selected { outline: 2px solid var(--vscode-contrastActiveBorder, var(--vscode-focusBorder)); }
  .legend { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0; font-variant-numeric: tabular-nums; }
  .ramp { display: inline-block; width: 140px; height: 10px; border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border)); }
  .ramp.blue { background: linear-gradient(to right, var(--vscode-editor-background), var(--vscode-charts-blue, #3794ff)); }
  .ramp.orange { background: linear-gradient(to right, var(--vscode-editor-background), var(--vscode-charts-orange, #d18616)); }
  .pair .segment { font-family: var(--vscode-editor-font-family); border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border)); padding: 0 4px; }
  table.map { border-collapse: collapse; margin-top: 6px; }
  table.map td { width: 16px; height: 16px; background: color-mix(in srgb, var(--vscode-charts-orange, #d18616) calc(var(--v) * 100%), var(--vscode-editor-background)); border: 1px solid var(--vscode-contrastBorder, var(--vscode-editor-background)); }
  table.map th { font-weight: normal; font-family: var(--vscode-editor-font-family); padding: 0 4px; text-align: right; }
  table.map th.col { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; }
  vscode-tab-panel { padding: 8px 0; }
  /* The selected tab keeps an indicator in high contrast themes (contrastActiveBorder), else the panel title's. */
  vscode-tab-header[active] { box-shadow: inset 0 -2px 0 var(--vscode-contrastActiveBorder, var(--vscode-panelTitle-activeBorder, var(--vscode-focusBorder))); }
</style>
</head>
<body data-ready="empty">
<header>
  <span id="model" aria-live="polite"></span>
  <vscode-button data-action="pick" secondary>Choose Model…</vscode-button>
  <vscode-button data-action="rerun" secondary>Run Again</vscode-button>
</header>
<div id="busy" role="status" hidden><vscode-progress-ring></vscode-progress-ring><span id="busy-text"></span><vscode-button data-action="cancel" secondary>Cancel</vscode-button></div>
<div id="backend-warning" role="status" hidden></div>
<div id="backend-skipped" hidden></div>
<div id="error" role="alert" hidden></div>
<div id="choices" hidden></div>
<div id="tokens" aria-label="Tokens of the selection"></div>
<div id="meta"></div>
<vscode-tabs>
  <vscode-tab-header slot="header">Fill-Mask</vscode-tab-header>
  <vscode-tab-panel><div id="panel-fill-mask"></div></vscode-tab-panel>
  <vscode-tab-header slot="header">Embedding</vscode-tab-header>
  <vscode-tab-panel><div id="panel-embedding"></div></vscode-tab-panel>
  <vscode-tab-header slot="header">Attention</vscode-tab-header>
  <vscode-tab-panel><div id="panel-attention"></div></vscode-tab-panel>
  <vscode-tab-header slot="header">Heads</vscode-tab-header>
  <vscode-tab-panel><div id="panel-heads"></div></vscode-tab-panel>
</vscode-tabs>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
