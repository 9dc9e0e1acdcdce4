// Installs @tensorflow/tfjs-node into a folder of its own (the extension's global storage) with the user's npm:
// `npm install --prefix <folder> @tensorflow/tfjs-node@<pinned>`. Streams npm's output, stops npm (and what it
// started) when cancelled, and keeps the whole log for the error when npm fails.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nativePackageDir, TFJS_NODE_PACKAGE, TFJS_NODE_VERSION } from './nativeBackend';
import { CancelledError } from './types';

export interface NativeInstallOptions {
  /** The npm prefix to install into (created when missing). */
  readonly prefix: string;
  /** What to install; default `@tensorflow/tfjs-node@<pinned>` (tests pass a local tarball). */
  readonly spec?: string;
  /** npm's executable and leading arguments; default `npm` (`npm.cmd` on Windows). */
  readonly npm?: { readonly file: string; readonly args?: readonly string[] };
  /** More npm arguments, e.g. `--offline`. */
  readonly extraArgs?: readonly string[];
  readonly signal?: AbortSignal;
  /** npm's output as it comes (stdout and stderr). */
  readonly onOutput?: (text: string) => void;
}

export class NativeInstallError extends Error {
  constructor(
    message: string,
    /** npm's whole output. */
    readonly log: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'NativeInstallError';
  }
}

/** The npm command line an install runs (without the executable's leading arguments). */
export function npmInstallArgs(options: NativeInstallOptions): string[] {
  return [
    'install',
    '--prefix',
    options.prefix,
    '--no-audit',
    '--no-fund',
    '--omit=dev',
    ...(options.extraArgs ?? []),
    options.spec ?? `${TFJS_NODE_PACKAGE}@${TFJS_NODE_VERSION}`,
  ];
}

/** Runs the install; resolves with the package folder and npm's log. */
export async function installNative(options: NativeInstallOptions): Promise<{ dir: string; log: string }> {
  if (options.signal?.aborted) throw new CancelledError('The installation was cancelled.');
  await fs.promises.mkdir(options.prefix, { recursive: true });
  const npm = options.npm ?? { file: process.platform === 'win32' ? 'npm.cmd' : 'npm' };
  const args = [...(npm.args ?? []), ...npmInstallArgs(options)];
  let log = `$ ${[npm.file, ...args].join(' ')}\n`;
  const append = (text: string) => {
    log += text;
    options.onOutput?.(text);
  };
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(npm.file, args, {
      cwd: options.prefix,
      // Its own process group on POSIX, so that a cancel stops npm's install scripts too.
      detached: process.platform !== 'win32',
      shell: process.platform === 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    const signal = (name: NodeJS.Signals) => {
      try {
        if (process.platform !== 'win32' && child.pid) process.kill(-child.pid, name);
        else child.kill(name);
      } catch {
        child.kill(name);
      }
    };
    // npm, mid-download, only starts a graceful exit on the first SIGINT or SIGTERM and waits for the download
    // (which may never end); it exits at once on a second signal, as on a second Ctrl+C. What still runs after 5 s
    // (install scripts ignoring signals) is killed.
    const timers: NodeJS.Timeout[] = [];
    const stop = () => {
      signal('SIGINT');
      timers.push(
        setTimeout(() => signal('SIGINT'), 1000),
        setTimeout(() => signal('SIGKILL'), 5000),
      );
      for (const timer of timers) timer.unref();
    };
    options.signal?.addEventListener('abort', stop, { once: true });
    child.stdout.setEncoding('utf8').on('data', append);
    child.stderr.setEncoding('utf8').on('data', append);
    child.once('error', (error) => {
      options.signal?.removeEventListener('abort', stop);
      reject(new NativeInstallError(`Could not start ${npm.file}: ${error.message}`, log, null));
    });
    child.once('close', (code) => {
      for (const timer of timers) clearTimeout(timer);
      options.signal?.removeEventListener('abort', stop);
      resolve(code);
    });
  });
  if (options.signal?.aborted) throw new CancelledError('The installation was cancelled.');
  if (exitCode !== 0) {
    const last = log.trim().split('\n').filter(Boolean).at(-1) ?? '';
    throw new NativeInstallError(`npm install failed (exit code ${exitCode}): ${last}`, log, exitCode);
  }
  const dir = nativePackageDir(options.prefix);
  if (!fs.existsSync(path.join(dir, 'package.json'))) {
    throw new NativeInstallError(`npm finished but ${dir} has no package.json`, log, exitCode);
  }
  return { dir, log };
}
