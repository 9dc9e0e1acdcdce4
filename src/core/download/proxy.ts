// Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the environment, or an explicit proxy (VS Code's
// `http.proxy`). Node 20's global fetch cannot use a proxy, so proxied requests go through the
// `undici` package's fetch with a ProxyAgent (CONNECT tunnel), loaded only when a proxy is in use.
import type { FetchLike } from './downloadFile';

type Env = Readonly<Record<string, string | undefined>>;

function envValue(env: Env, name: string): string | undefined {
  const value = env[name] ?? env[name.toLowerCase()];
  return value && value.trim() ? value.trim() : undefined;
}

/** True when NO_PROXY (comma or space separated hosts, `.suffix`, `*`, optional `:port`) covers `url`. */
export function bypassesProxy(url: string, noProxy: string | undefined, bypassLoopback = true): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (bypassLoopback && (host === 'localhost' || host === '127.0.0.1' || host === '::1')) return true;
  if (!noProxy) return false;
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const rule = raw.trim().toLowerCase();
    if (!rule) continue;
    if (rule === '*') return true;
    const [ruleHost, rulePort] = rule.split(/:(?=\d+$)/);
    if (rulePort && rulePort !== port) continue;
    const suffix = ruleHost.replace(/^\*?\./, '');
    if (host === suffix || host.endsWith('.' + suffix)) return true;
  }
  return false;
}

/** The proxy URL for `url`: `explicit` when given, else HTTPS_PROXY / HTTP_PROXY; undefined for none. */
export function proxyFor(url: string, options: ProxyOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  if (bypassesProxy(url, envValue(env, 'NO_PROXY'), options.bypassLoopback ?? true)) return undefined;
  if (options.explicit?.trim()) return options.explicit.trim();
  const https = url.startsWith('https:');
  return (
    (https ? envValue(env, 'HTTPS_PROXY') : undefined) ??
    envValue(env, 'HTTP_PROXY') ??
    envValue(env, 'ALL_PROXY')
  );
}

export interface ProxyOptions {
  /** A proxy URL that takes precedence over the environment (VS Code's `http.proxy`). */
  readonly explicit?: string;
  /** Verify the proxy's and servers' TLS certificates (default true; VS Code's `http.proxyStrictSSL`). */
  readonly strictSsl?: boolean;
  readonly env?: Env;
  /** Never proxy localhost / 127.0.0.1 / ::1 (default true). */
  readonly bypassLoopback?: boolean;
}

/**
 * A fetch that uses a proxy when one applies to the URL, and Node's global fetch otherwise.
 * Returns undefined when no proxy is configured at all, so callers keep the plain global fetch.
 */
export function proxyAwareFetch(options: ProxyOptions = {}): FetchLike | undefined {
  const env = options.env ?? process.env;
  const configured =
    options.explicit?.trim() ||
    envValue(env, 'HTTPS_PROXY') ||
    envValue(env, 'HTTP_PROXY') ||
    envValue(env, 'ALL_PROXY');
  if (!configured) return undefined;
  const agents = new Map<string, unknown>();
  return async (input, init) => {
    const proxy = proxyFor(input, options);
    if (!proxy) return fetch(input, init);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const undici = require('undici') as typeof import('undici');
    let agent = agents.get(proxy) as InstanceType<typeof undici.ProxyAgent> | undefined;
    if (!agent) {
      agent = new undici.ProxyAgent({
        uri: proxy,
        ...(options.strictSsl === false
          ? { requestTls: { rejectUnauthorized: false }, proxyTls: { rejectUnauthorized: false } }
          : {}),
      });
      agents.set(proxy, agent);
    }
    const response = await undici.fetch(input, {
      ...(init as Parameters<typeof undici.fetch>[1]),
      dispatcher: agent,
    });
    return response as unknown as Response;
  };
}
