// A lock file per download folder, so two processes (the extension and the CLI, two windows) never
// write the same `.part`. Created with O_EXCL; a lock whose process is gone on this host is stale.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { DownloadError } from './errors';

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly date: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock at `file` or throws `busy`; resolves to its release. */
export async function acquireLock(file: string, what: string): Promise<() => Promise<void>> {
  const info: LockInfo = { pid: process.pid, host: os.hostname(), date: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await fs.promises.open(file, 'wx');
      try {
        await handle.writeFile(JSON.stringify(info));
      } finally {
        await handle.close();
      }
      return () => fs.promises.rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: Partial<LockInfo> = {};
    try {
      holder = JSON.parse(await fs.promises.readFile(file, 'utf8')) as Partial<LockInfo>;
    } catch {
      // Unreadable: being written right now, or garbage; judged by its age below.
    }
    const age = Date.now() - (await fs.promises.stat(file).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
    const stale =
      typeof holder.pid === 'number' ? holder.host === info.host && !alive(holder.pid) : age > 60_000;
    if (!stale) {
      const by =
        typeof holder.pid === 'number' ? `process ${holder.pid} on ${holder.host}` : 'another process';
      throw new DownloadError(`${what} is already being downloaded by ${by} (lock ${file}).`, 'busy', {
        file,
      });
    }
    await fs.promises.rm(file, { force: true });
  }
  throw new DownloadError(`${what}: cannot take the lock ${file}.`, 'busy', { file });
}
