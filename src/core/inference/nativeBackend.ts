// Finds and loads an installed @tensorflow/tfjs-node: a packaged extension does not carry it, so it is looked
// for in folders given by the owner (the folder the Install Native Backend command installs into, a path the user
// set), each either an npm prefix (with node_modules/@tensorflow/tfjs-node) or the package folder itself, and
// last through the ordinary module resolution (development checkouts). Loading it registers the "tensorflow"
// backend with TensorFlow.js's global engine, which every copy of tfjs-core in the thread shares.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const TFJS_NODE_PACKAGE = '@tensorflow/tfjs-node';
/** The tfjs-node release matching the bundled tfjs-core (4.22.0): what Install Native Backend installs. */
export const TFJS_NODE_VERSION = '4.22.0';
/** The subfolder of the extension's global storage that Install Native Backend installs into. */
export const NATIVE_BACKEND_FOLDER = 'native-backend';

export interface NativeLocation {
  /** The package folder. */
  readonly dir: string;
  readonly version: string;
}

/** The package folder a search path stands for: the folder itself when it is the package, else inside its prefix. */
export function nativePackageDir(searchPath: string): string {
  const own = readPackage(searchPath);
  return own?.name === TFJS_NODE_PACKAGE
    ? searchPath
    : path.join(searchPath, 'node_modules', ...TFJS_NODE_PACKAGE.split('/'));
}

/** The first installed tfjs-node among the search paths, and why each earlier one was passed over. */
export function locateNative(searchPaths: readonly string[]): {
  readonly found?: NativeLocation;
  readonly skipped: readonly string[];
} {
  const skipped: string[] = [];
  for (const searchPath of searchPaths) {
    if (!searchPath) continue;
    const dir = nativePackageDir(path.resolve(searchPath));
    const pkg = readPackage(dir);
    if (!pkg) skipped.push(`not installed in ${searchPath}`);
    else if (pkg.name !== TFJS_NODE_PACKAGE) skipped.push(`${dir} holds ${pkg.name ?? 'an unnamed package'}`);
    else return { found: { dir, version: pkg.version ?? 'unknown version' }, skipped };
  }
  return { skipped };
}

let loaded: NativeLocation | undefined;

/** Where the tfjs-node in use came from, once loadNative succeeded. */
export function loadedNative(): NativeLocation | undefined {
  return loaded;
}

/**
 * Loads tfjs-node from the first search path that has it, else through module resolution. Throws one line saying
 * where it looked and what to do, or why the installed package failed to load.
 */
export function loadNative(searchPaths: readonly string[]): NativeLocation {
  if (loaded) return loaded;
  const { found, skipped } = locateNative(searchPaths);
  const load = createRequire(__filename);
  if (found) {
    try {
      load(found.dir);
    } catch (error) {
      throw new Error(
        `${TFJS_NODE_PACKAGE} ${found.version} in ${found.dir} failed to load: ${firstLine(error)}`,
      );
    }
    loaded = found;
    return found;
  }
  try {
    const entry = load.resolve(TFJS_NODE_PACKAGE);
    load(entry);
    const dir = packageRoot(entry);
    loaded = { dir, version: readPackage(dir)?.version ?? 'unknown version' };
    return loaded;
  } catch (error) {
    const notFound = (error as { code?: string }).code === 'MODULE_NOT_FOUND';
    if (!notFound) throw new Error(`${TFJS_NODE_PACKAGE} failed to load: ${firstLine(error)}`);
    const where = skipped.length ? ` (${skipped.join('; ')})` : '';
    // Keeps MODULE_NOT_FOUND: `auto` expects the optional package to be absent and warns only about real failures.
    throw Object.assign(
      new Error(`${TFJS_NODE_PACKAGE} is not installed${where}; run "Model Garden: Install Native Backend"`),
      { code: 'MODULE_NOT_FOUND' },
    );
  }
}

function packageRoot(entry: string): string {
  let dir = path.dirname(entry);
  while (readPackage(dir)?.name !== TFJS_NODE_PACKAGE && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function readPackage(dir: string): { name?: string; version?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}
