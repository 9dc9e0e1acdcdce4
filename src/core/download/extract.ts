// Safe extraction of a .tar.gz (or plain .tar) into a folder: every entry is checked before it is
// written, and the archive is refused whole when one would land outside the folder (`..`, absolute
// paths, links pointing outside, device files). Extraction goes into a sibling temp folder that is
// renamed into place only when complete, so a half-extracted tree never sits at the target path.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tar from 'tar';
import { ensureFreeSpace, type DiskCheck } from './diskSpace';
import { DownloadError, throwIfCancelled } from './errors';
import type { DownloadProgress } from './progress';

const ALLOWED_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

interface EntryLike {
  readonly type: string;
  readonly linkpath?: string;
}

function isAbsoluteAnywhere(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || path.win32.isAbsolute(p) || /^[a-zA-Z]:/.test(p);
}

function escapes(normalized: string): boolean {
  return normalized === '..' || normalized.startsWith('../');
}

/** Why an entry may not be extracted, or undefined when it is safe. */
export function unsafeReason(entryPath: string, entry: EntryLike): string | undefined {
  const p = entryPath.replace(/\\/g, '/');
  if (!ALLOWED_TYPES.has(entry.type)) return `${entry.type} entries are not allowed`;
  if (isAbsoluteAnywhere(p)) return 'absolute path';
  if (p.split('/').includes('..')) return "path contains '..'";
  if (entry.type === 'Link' || entry.type === 'SymbolicLink') {
    const link = (entry.linkpath ?? '').replace(/\\/g, '/');
    if (!link) return 'link without a target';
    if (isAbsoluteAnywhere(link)) return `link to the absolute path ${link}`;
    if (entry.type === 'Link') {
      // Hard link targets are relative to the archive root.
      if (link.split('/').includes('..')) return `hard link to ${link}, outside the folder`;
      return undefined;
    }
    // Symlink targets are relative to the link's folder. A '..' after a normal segment could climb
    // out through another symlink, so only leading '..' are accepted, and they must stay inside.
    let seenName = false;
    for (const segment of link.split('/')) {
      if (segment === '..' && seenName) return `symbolic link to ${link}, which climbs after descending`;
      if (segment !== '' && segment !== '.' && segment !== '..') seenName = true;
    }
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(p), link));
    if (escapes(resolved)) return `symbolic link to ${link}, outside the folder`;
  }
  return undefined;
}

/**
 * The size the archive will take once extracted: the gzip trailer's ISIZE (the uncompressed length
 * modulo 2^32, lifted to at least the compressed size), or the file size for a plain tar.
 */
export async function extractedSizeEstimate(archive: string): Promise<number> {
  const handle = await fs.promises.open(archive, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    if (size < 18 || head[0] !== 0x1f || head[1] !== 0x8b) return size;
    const tail = Buffer.alloc(4);
    await handle.read(tail, 0, 4, size - 4);
    let estimate = tail.readUInt32LE(0);
    for (let i = 0; i < 64 && estimate < size; i++) estimate += 2 ** 32;
    return estimate;
  } finally {
    await handle.close();
  }
}

export interface ExtractOptions extends DiskCheck {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: DownloadProgress) => void;
  /**
   * Folder for the temporary extraction (default: beside the target). Must be on the same file
   * system as the target, which is renamed from it.
   */
  readonly tempParent?: string;
  /** Runs once the new tree is complete, just before it replaces `target` (to retract a manifest). */
  readonly beforeReplace?: () => Promise<void>;
}

/**
 * Extracts `archive` into `target` (replacing any previous folder there). Rejects with
 * `unsafe-archive` naming the offending entries, or `archive` when the file is not a readable
 * tar(.gz); in both cases nothing is left at `target` or beside it.
 */
export async function extractArchive(
  archive: string,
  target: string,
  options: ExtractOptions = {},
): Promise<void> {
  const { signal } = options;
  throwIfCancelled(signal, `Extraction of ${archive}`);
  const parent = path.dirname(target);
  await fs.promises.mkdir(parent, { recursive: true });
  await ensureFreeSpace(parent, await extractedSizeEstimate(archive), options);
  const tempParent = options.tempParent ?? parent;
  await fs.promises.mkdir(tempParent, { recursive: true });
  const temp = await fs.promises.mkdtemp(path.join(tempParent, `.${path.basename(target)}.extract-`));
  const violations: string[] = [];
  let extracted = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const unpack = tar.x({
        cwd: temp,
        strict: true,
        preservePaths: false,
        preserveOwner: false,
        filter: (entryPath, entry) => {
          const reason = unsafeReason(entryPath, entry as EntryLike);
          if (reason) violations.push(`${entryPath}: ${reason}`);
          // Permission bits only: a downloaded file never becomes setuid/setgid, a folder never sticky.
          const withMode = entry as { mode?: number };
          if (typeof withMode.mode === 'number') withMode.mode &= 0o777;
          return reason === undefined;
        },
        onReadEntry: (entry) => {
          extracted += entry.size ?? 0;
          options.onProgress?.({
            phase: 'extract',
            bytes: extracted,
            total: null,
            rate: 0,
            etaSeconds: null,
          });
        },
      });
      const input = fs.createReadStream(archive);
      let settled = false;
      let aborted = false;
      const done = (error?: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (aborted) reject(new DownloadError(`Extraction of ${archive}: cancelled`, 'cancelled'));
        else if (error) {
          input.destroy();
          reject(error);
        } else resolve();
      };
      // On cancel, stop feeding the unpacker and wait until it has finished the writes it started,
      // so nothing lands in the folder after the cleanup. Deferred: the abort may come from a
      // progress callback inside the unpacker's own write.
      const onAbort = () => {
        aborted = true;
        setImmediate(() => {
          input.unpipe(unpack);
          input.destroy();
          unpack.end();
          setTimeout(() => done(), 30_000).unref();
        });
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      input.on('error', (error) => !aborted && done(error));
      unpack.on('error', (error) => !aborted && done(error));
      unpack.on('finish', () => done());
      unpack.on('end', () => done());
      input.pipe(unpack);
    });
    if (violations.length > 0) {
      const shown =
        violations.slice(0, 5).join('; ') +
        (violations.length > 5 ? `; and ${violations.length - 5} more` : '');
      throw new DownloadError(
        `Refused to extract ${archive}: entries would escape the folder (${shown}).`,
        'unsafe-archive',
        {
          file: archive,
        },
      );
    }
    throwIfCancelled(signal, `Extraction of ${archive}`);
    await options.beforeReplace?.();
    await fs.promises.rm(target, { recursive: true, force: true });
    await fs.promises.rename(temp, target);
  } catch (error) {
    await fs.promises.rm(temp, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    if (error instanceof DownloadError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new DownloadError(`Cannot extract ${archive}: ${message}`, 'archive', { file: archive });
  }
}
