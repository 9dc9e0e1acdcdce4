/** Why a download, an extraction or a cache operation failed. */
export type DownloadErrorCode =
  | 'http' // the server answered with an error status (404, 403, exhausted 5xx retries)
  | 'network' // the connection failed or dropped and retries were exhausted
  | 'dns' // the host name does not resolve (not retried: a mirror or a proxy is needed)
  | 'size' // the bytes received do not match Content-Length / Content-Range / the expected size
  | 'checksum' // the sha256 of the file is not the expected one
  | 'disk' // not enough free disk space to start
  | 'cancelled' // the caller aborted
  | 'unsafe-archive' // a tar entry would land outside the target folder
  | 'archive' // the archive is corrupt or not a tar.gz
  | 'unavailable' // the catalog has no such download for this model
  | 'manifest' // a cache manifest is unreadable
  | 'busy' // another process is downloading the same thing
  | 'conflict'; // a complete entry came from another URL; replacing it needs `force`

/** A failure with a user-facing message that names the URL or file and the reason. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
    readonly details: { readonly url?: string; readonly file?: string; readonly status?: number } = {},
  ) {
    super(message);
  }
}

export function isCancelled(error: unknown): boolean {
  return error instanceof DownloadError && error.code === 'cancelled';
}

/** Throws the cancellation error when `signal` is aborted. */
export function throwIfCancelled(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new DownloadError(`${what}: cancelled`, 'cancelled');
}
