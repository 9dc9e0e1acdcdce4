// Checks a panel's HTML against the project's webview rule: a strict Content-Security-Policy with a
// nonce, and only the extension's own files.
import * as assert from 'node:assert/strict';

/** The origins `cspSource` allows, as a test (it may hold wildcards, e.g. `https://*.vscode-cdn.net`). */
function allowedBy(cspSource: string): (url: string) => boolean {
  const patterns = cspSource
    .split(/\s+/)
    .map((s) => new RegExp(`^${s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`));
  return (url) => patterns.some((p) => p.test(url));
}

export function assertStrictCsp(html: string, cspSource: string): void {
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(meta, 'the page has no Content-Security-Policy meta element');
  const directives = new Map(
    meta[1].split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  assert.deepEqual(directives.get('default-src'), ["'none'"], meta[1]);
  const scripts = directives.get('script-src') ?? [];
  assert.equal(scripts.length, 1, `script-src allows only the nonce: ${meta[1]}`);
  const nonce = /^'nonce-([A-Za-z0-9+/=]{16,})'$/.exec(scripts[0])?.[1];
  assert.ok(nonce, `script-src is not a nonce: ${scripts[0]}`);
  // Nothing else: no 'unsafe-inline', no 'unsafe-eval', no data:, no other origin.
  const sources = cspSource.split(/\s+/);
  for (const [name, values] of directives)
    for (const v of values)
      assert.ok(
        v === "'none'" || v === `'nonce-${nonce}'` || sources.includes(v),
        `${name} allows ${v}, neither the nonce nor the extension's files`,
      );

  const allowed = allowedBy(cspSource);
  const scriptTags = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
  assert.ok(scriptTags.length > 0, 'the page loads no script');
  for (const attrs of scriptTags) {
    assert.ok(attrs.includes(`nonce="${nonce}"`), `a script without the nonce: <script${attrs}>`);
    const src = /\bsrc="([^"]*)"/.exec(attrs)?.[1];
    assert.ok(src && allowed(src), `a script not from the extension's files: ${src}`);
  }
  for (const m of html.matchAll(/<style\b([^>]*)>/g))
    assert.ok(m[1].includes(`nonce="${nonce}"`), `a style element without the nonce: <style${m[1]}>`);
  for (const m of html.matchAll(/\b(?:src|href)="([^"]*)"/g))
    assert.ok(allowed(m[1]), `a resource not from the extension's files: ${m[1]}`);
  assert.ok(
    !/\son[a-z]+=/.test(html),
    'an inline event handler (blocked by the policy, and a hole without it)',
  );
}
