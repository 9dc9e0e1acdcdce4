// Resumable, verified download of one URL to one file on Node's fetch. Bytes stream into
// `<file>.part` (with `<file>.part.json` remembering the URL and the ETag / Last-Modified needed to
// resume); the file itself appears only by an atomic rename once size and sha256 are checked.
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureFreeSpace, type DiskCheck } from './diskSpace';
import { DownloadError, throwIfCancelled } from './errors';
import { progressOf, RateMeter, type DownloadProgress } from './progress';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface DownloadOptions extends DiskCheck {
  readonly signal?: AbortSignal;
  /** Expected sha256 (hex); a mismatch deletes the bytes and fails with `checksum`. */
  readonly sha256?: string;
  /** Expected size in bytes, when known in advance. */
  readonly expectedSize?: number;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /** Minimum milliseconds between progress events (default 250; the last one is always sent). */
  readonly progressIntervalMs?: number;
  /** Consecutive failed attempts allowed without new bytes (network errors, 5xx); default 5. */
  readonly retries?: number;
  /** First retry delay in ms (default 1000), doubled each time up to `maxBackoffMs` (default 30000). */
  readonly backoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A body that delivers no byte for this long counts as a dropped connection (default 60000). */
  readonly stallTimeoutMs?: number;
  /** A server that sends no response headers for this long counts as a failed attempt (default 30000: a first word within seconds is normal, and each retry is announced). */
  readonly headersTimeoutMs?: number;
  /** Replaces the global fetch (a proxy-aware fetch, or tests). */
  readonly fetch?: FetchLike;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface DownloadResult {
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  /** The URL after redirects. */
  readonly finalUrl: string;
  /** Attempts made (1 when nothing failed). */
  readonly attempts: number;
}

interface PartInfo {
  readonly url: string;
  /** Strong ETag or Last-Modified of the response the part came from, for If-Range. */
  readonly validator: string | null;
  readonly total: number | null;
}

/** Absolute cap on attempts, whatever progress is made. */
const MAX_ATTEMPTS = 200;

export function partPath(file: string): string {
  return file + '.part';
}

async function readPartInfo(file: string): Promise<PartInfo | undefined> {
  try {
    const info = JSON.parse(
      await fs.promises.readFile(partPath(file) + '.json', 'utf8'),
    ) as Partial<PartInfo>;
    if (typeof info.url !== 'string') return undefined;
    return { url: info.url, validator: info.validator ?? null, total: info.total ?? null };
  } catch {
    return undefined;
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.promises.stat(file)).size;
  } catch {
    return 0;
  }
}

/** Deletes the partial bytes and their metadata. */
export async function discardPart(file: string): Promise<void> {
  await fs.promises.rm(partPath(file), { force: true });
  await fs.promises.rm(partPath(file) + '.json', { force: true });
}

async function hashFile(file: string, hash: Hash, signal?: AbortSignal, length?: number): Promise<void> {
  if (length === 0) return;
  const stream = fs.createReadStream(file, { signal, ...(length === undefined ? {} : { end: length - 1 }) });
  for await (const chunk of stream) hash.update(chunk as Buffer);
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DownloadError('cancelled', 'cancelled'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new DownloadError('cancelled', 'cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The validator usable in If-Range: a strong ETag, else Last-Modified. */
function validatorOf(response: Response): string | null {
  const etag = response.headers.get('etag');
  if (etag && !etag.startsWith('W/')) return etag;
  return response.headers.get('last-modified');
}

/** `bytes 100-199/1000` → { start: 100, total: 1000 }; `bytes *\/1000` → { start: null, total: 1000 }. */
export function parseContentRange(
  value: string | null,
): { start: number | null; total: number | null } | undefined {
  const match = value ? /^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/i.exec(value.trim()) : null;
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? null : Number(match[1]),
    total: match[2] === '*' ? null : Number(match[2]),
  };
}

function contentLength(response: Response): number | null {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return null; // fetch decodes; the header counts encoded bytes
  const value = response.headers.get('content-length');
  return value !== null && /^\d+$/.test(value) ? Number(value) : null;
}

function retryAfterMs(response: Response): number | undefined {
  const value = response.headers.get('retry-after');
  if (value && /^\d+$/.test(value)) return Number(value) * 1000;
  return undefined;
}

/** A failure that the next attempt may fix. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly waitMs?: number,
    readonly code: 'network' | 'http' | 'size' = 'network',
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Downloads `url` to `file`. Resumes an earlier `.part` when the server supports ranges and the
 * resource is unchanged, starts over otherwise. Rejects with a {@link DownloadError}; on every
 * failure `file` is absent (or the previous complete file), never a partial one.
 */
export async function downloadFile(
  url: string,
  file: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const { signal } = options;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const retries = options.retries ?? 5;
  const backoff = options.backoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const stallMs = options.stallTimeoutMs ?? 60_000;
  const headersMs = options.headersTimeoutMs ?? 30_000;
  const interval = options.progressIntervalMs ?? 250;
  const part = partPath(file);
  const what = `Download of ${url}`;
  if (!/^https?:\/\//i.test(url)) {
    throw new DownloadError(`${what}: only http and https URLs can be downloaded.`, 'unavailable', {
      url,
      file,
    });
  }
  await fs.promises.mkdir(path.dirname(file), { recursive: true });

  const meter = new RateMeter();
  let lastEmit = -Infinity;
  const emit = (bytes: number, total: number | null, force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastEmit < interval)) return;
    lastEmit = now;
    options.onProgress(progressOf(bytes, total, meter.sample(bytes)));
  };

  let failures = 0;
  let highWater = 0;
  // sha256 of the .part's first `hashed` bytes, kept across attempts so the file is read only once.
  let running: { hash: Hash; hashed: number } | undefined;
  let spaceChecked = false;
  let lastFailure: Retryable | undefined;

  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    throwIfCancelled(signal, what);
    if (lastFailure) {
      failures++;
      if (failures > retries) {
        const giveUp = lastFailure;
        throw new DownloadError(
          `${what} failed after ${attempt - 1} attempts: ${giveUp.message}`,
          giveUp.code,
          {
            url,
            file,
            status: giveUp.status,
          },
        );
      }
      const wait = Math.min(maxBackoff, giveUpWait(lastFailure, backoff * 2 ** (failures - 1)));
      // Said at once, so a user is never left looking at a silent download between attempts.
      options.onProgress?.({
        ...progressOf(highWater, null, 0),
        retrying: { reason: lastFailure.message, attempt: failures + 1, of: retries + 1, inMs: wait },
      });
      await delay(wait, signal).catch(() => throwIfCancelled(signal, what));
      lastFailure = undefined;
    }

    // What we already have, and whether it can be resumed.
    let info = await readPartInfo(file);
    let have = await sizeOf(part);
    if (have > 0 && (!info || info.url !== url || !info.validator)) {
      await discardPart(file);
      have = 0;
      info = undefined;
    }
    const headers: Record<string, string> = { 'accept-encoding': 'identity', ...options.headers };
    if (have > 0 && info?.validator) {
      headers.range = `bytes=${have}-`;
      headers['if-range'] = info.validator;
    }

    let response: Response;
    // The headers have their own deadline (fetch's own is minutes); the caller's signal still
    // cancels everything, the body included.
    const headersTimeout = new AbortController();
    const timer = setTimeout(() => headersTimeout.abort(), headersMs);
    try {
      response = await doFetch(url, {
        headers,
        signal: signal ? AbortSignal.any([signal, headersTimeout.signal]) : headersTimeout.signal,
        redirect: 'follow',
      });
    } catch (error) {
      throwIfCancelled(signal, what);
      const unresolved = unresolvedHost(error, url);
      // A name that does not resolve will not resolve on retry: say so now, with what to do.
      if (unresolved) throw unresolved;
      if (headersTimeout.signal.aborted) {
        lastFailure = new Retryable(`the server sent no response headers within ${seconds(headersMs)}`);
        continue;
      }
      const permanent = permanentFailure(error);
      if (permanent) throw new DownloadError(`${what} failed: ${permanent}.`, 'http', { url, file });
      lastFailure = new Retryable(`cannot connect: ${causeOf(error)}`);
      continue;
    } finally {
      clearTimeout(timer);
    }

    if (response.status === 416 && have > 0) {
      // Range not satisfiable: complete already if the server's total equals what we have.
      const range = parseContentRange(response.headers.get('content-range'));
      await response.body?.cancel().catch(() => undefined);
      if (range?.total === have) return finish(file, have, info?.total ?? have, response.url || url, attempt);
      await discardPart(file);
      lastFailure = new Retryable('the server refused to resume (416); starting over', 0);
      continue;
    }
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      await response.body?.cancel().catch(() => undefined);
      lastFailure = new Retryable(
        `HTTP ${response.status} ${response.statusText}`.trim(),
        retryAfterMs(response),
        'http',
        response.status,
      );
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new DownloadError(
        `${what} failed: HTTP ${response.status} ${response.statusText}`.trim() +
          (response.status === 404 ? ' (no such file on the server)' : ''),
        'http',
        { url, file, status: response.status },
      );
    }

    let start = 0;
    let total: number | null;
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      if (!range || range.start !== have) {
        await response.body.cancel().catch(() => undefined);
        await discardPart(file);
        lastFailure = new Retryable(
          `the server sent an unexpected range (${response.headers.get('content-range')})`,
          0,
        );
        continue;
      }
      // A server that ignores If-Range sends the rest of a changed file: the part is stale. (A 206
      // from 0 to a request without Range has no part to be stale: it is the file's first bytes.)
      const validator = validatorOf(response);
      if (headers.range !== undefined && validator !== null && validator !== info?.validator) {
        await response.body.cancel().catch(() => undefined);
        await discardPart(file);
        lastFailure = new Retryable(
          `the file changed on the server (${validator}, the partial download has ${info?.validator ?? 'none'}); starting over`,
          0,
        );
        continue;
      }
      start = have;
      total = range.total;
    } else {
      // 200: a fresh start, or the server ignored the range / the resource changed (If-Range).
      total = contentLength(response);
    }
    if (options.expectedSize !== undefined && total !== null && total !== options.expectedSize) {
      await response.body.cancel().catch(() => undefined);
      throw new DownloadError(
        `${what}: the server announces ${total} bytes but ${options.expectedSize} were expected.`,
        'size',
        { url, file },
      );
    }
    if (!spaceChecked || start === 0) {
      try {
        await ensureFreeSpace(path.dirname(file), total === null ? 0 : total - start, options);
      } catch (error) {
        await response.body.cancel().catch(() => undefined);
        throw error;
      }
      spaceChecked = true;
    }

    const validator = response.headers.get('content-encoding') ? null : validatorOf(response);
    const newInfo: PartInfo = { url, validator, total };
    await fs.promises.writeFile(part + '.json', JSON.stringify(newInfo));
    if (start === 0) meter.reset();

    if (start === 0) running = { hash: createHash('sha256'), hashed: 0 };
    else if (!running || running.hashed !== start) {
      // Resuming a .part of an earlier run (or after a short write): hash what is on disk.
      running = { hash: createHash('sha256'), hashed: start };
      await hashFile(part, running.hash, signal, start).catch((error: unknown) => {
        throwIfCancelled(signal, what);
        throw error;
      });
    }
    const hashing = running;
    const handle = await fs.promises.open(part, start > 0 ? 'a' : 'w');
    let bytes = start;
    let ended = false;
    let stalled = false;
    const reader = response.body.getReader();
    try {
      emit(bytes, total, true);
      for (;;) {
        let timer: NodeJS.Timeout | undefined;
        const stall = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            stalled = true;
            reject(new Error(`no data for ${Math.round(stallMs / 1000)} s`));
          }, stallMs);
        });
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await Promise.race([reader.read(), stall]);
        } finally {
          clearTimeout(timer);
        }
        if (chunk.done) {
          ended = true;
          break;
        }
        if (total !== null && bytes + chunk.value.byteLength > total) {
          throw new DownloadError(
            `${what}: the server sent more than the ${total} bytes it announced.`,
            'size',
            { url, file },
          );
        }
        await handle.write(chunk.value);
        hashing.hash.update(chunk.value);
        hashing.hashed += chunk.value.byteLength;
        bytes += chunk.value.byteLength;
        emit(bytes, total);
      }
    } catch (error) {
      if (stalled) await reader.cancel().catch(() => undefined);
      if (error instanceof DownloadError) {
        await handle.close();
        await discardPart(file);
        throw error;
      }
      throwIfCancelled(signal, what);
      lastFailure = new Retryable(`connection lost after ${bytes} bytes: ${causeOf(error)}`);
    } finally {
      await handle.close().catch(() => undefined);
    }
    if (bytes > highWater) {
      highWater = bytes;
      if (lastFailure) failures = 0;
    }
    if (!ended) {
      throwIfCancelled(signal, what);
      continue;
    }
    if (total !== null && bytes < total) {
      lastFailure = new Retryable(
        `the body ended after ${bytes} of the ${total} bytes announced`,
        undefined,
        'size',
      );
      continue;
    }
    emit(bytes, total, true);
    return finish(file, bytes, total, response.url || url, attempt);
  }
  throw new DownloadError(`${what} failed: gave up after ${MAX_ATTEMPTS} attempts.`, 'network', {
    url,
    file,
  });

  async function finish(
    target: string,
    bytes: number,
    total: number | null,
    finalUrl: string,
    attempts: number,
  ) {
    if (options.expectedSize !== undefined && bytes !== options.expectedSize) {
      await discardPart(target);
      throw new DownloadError(`${what}: got ${bytes} bytes, expected ${options.expectedSize}.`, 'size', {
        url,
        file,
      });
    }
    if (total !== null && bytes !== total) {
      await discardPart(target);
      throw new DownloadError(`${what}: got ${bytes} bytes, the server announced ${total}.`, 'size', {
        url,
        file,
      });
    }
    let sha256: string;
    if (running && running.hashed === bytes) sha256 = running.hash.digest('hex');
    else {
      const hash = createHash('sha256');
      await hashFile(partPath(target), hash, signal).catch((error: unknown) => {
        throwIfCancelled(signal, what);
        throw error;
      });
      sha256 = hash.digest('hex');
    }
    if (options.sha256 && options.sha256.toLowerCase() !== sha256) {
      await discardPart(target);
      throw new DownloadError(
        `${what}: sha256 is ${sha256}, expected ${options.sha256.toLowerCase()}.`,
        'checksum',
        {
          url,
          file,
        },
      );
    }
    await fs.promises.rename(partPath(target), target);
    await fs.promises.rm(partPath(target) + '.json', { force: true });
    return { file: target, bytes, sha256, finalUrl, attempts };
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/**
 * The reason when a fetch failure is one no retry can fix: a redirect loop, a redirect to a
 * non-http(s) URL (file://), a response that is not valid HTTP (a malformed Content-Length).
 */
function permanentFailure(error: unknown): string | undefined {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const message = cause instanceof Error ? cause.message : '';
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (/redirect count exceeded/i.test(message)) return 'too many redirects (a redirect loop)';
  if (/URL scheme must be a HTTP\(S\) scheme/i.test(message))
    return 'the server redirected to a URL that is not http or https';
  if (typeof code === 'string' && code.startsWith('HPE_'))
    return `the server's response is not valid HTTP (${message || code})`;
  return undefined;
}

function giveUpWait(failure: Retryable, computed: number): number {
  return failure.waitMs ?? computed;
}

/** DNS failures (ENOTFOUND, EAI_AGAIN) anywhere in an error's cause chain. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA']);

/** The `dns` error for a host that cannot be resolved, or undefined for other failures. */
export function unresolvedHost(error: unknown, url: string): DownloadError | undefined {
  let code: string | undefined;
  let hostname: string | undefined;
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const candidate = (e as { code?: unknown }).code;
    if (typeof candidate === 'string' && DNS_CODES.has(candidate)) {
      code = candidate;
      const h = (e as { hostname?: unknown }).hostname;
      hostname = typeof h === 'string' ? h : undefined;
      break;
    }
    e = (e as { cause?: unknown }).cause;
  }
  if (!code) return undefined;
  let host = hostname;
  if (!host) {
    try {
      host = new URL(url).hostname;
    } catch {
      host = url;
    }
  }
  return new DownloadError(
    `Cannot reach ${host}: the name does not resolve on this machine (${code}). ` +
      'If it is blocked or offline here, download from a mirror (setting modelGarden.download.urlOverrides, ' +
      'or --url on the command line) or through a proxy (setting http.proxy, or HTTPS_PROXY).',
    'dns',
    { url },
  );
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : cause !== undefined ? String(cause) : '';
  return detail && detail !== error.message ? `${error.message} (${detail})` : error.message;
}
