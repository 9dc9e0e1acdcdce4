// The strict Content-Security-Policy every panel uses: nothing by default, scripts only with the
// page's nonce, styles, fonts and images only from the extension's own files (and the nonce's
// inline style block).
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export interface WebviewCsp {
  /** A fresh nonce for the page's <script> and <style> elements. */
  readonly nonce: string;
  /** The policy for the page's Content-Security-Policy meta element. */
  readonly csp: string;
}

export function webviewCsp(webview: vscode.Webview): WebviewCsp {
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return { nonce, csp };
}
