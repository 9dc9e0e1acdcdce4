import * as fs from 'node:fs';
import * as path from 'node:path';
import { DownloadError } from './errors';
import { formatBytes } from './progress';

/** Bytes available to this user on the file system holding `dir` (or its nearest existing parent). */
export async function freeBytes(dir: string): Promise<number> {
  let current = path.resolve(dir);
  for (let i = 0; i < 64; i++) {
    try {
      const stats = await fs.promises.statfs(current);
      return stats.bavail * stats.bsize;
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
  throw new Error(`cannot find an existing parent of ${dir}`);
}

export interface DiskCheck {
  /** Free bytes that must remain after the download (default 100 MB). */
  readonly minFreeBytes?: number;
  /** Replaces `freeBytes` (tests simulate a full disk). */
  readonly freeSpace?: (dir: string) => Promise<number>;
}

export const DEFAULT_MIN_FREE_BYTES = 100_000_000;

/** Throws `disk` when `needed` bytes plus the reserve do not fit in `dir`. */
export async function ensureFreeSpace(dir: string, needed: number, check: DiskCheck = {}): Promise<void> {
  const reserve = check.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
  const free = await (check.freeSpace ?? freeBytes)(dir);
  if (free < needed + reserve) {
    throw new DownloadError(
      `Not enough disk space in ${dir}: ${formatBytes(needed)} needed plus ${formatBytes(reserve)} kept free, ${formatBytes(free)} available.`,
      'disk',
      { file: dir },
    );
  }
}
