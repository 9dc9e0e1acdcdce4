import * as os from 'node:os';
import * as path from 'node:path';

/** The CLI's cache folder: `MODEL_GARDEN_CACHE`, else `~/.cache/model-garden`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env.MODEL_GARDEN_CACHE?.trim();
  return configured ? path.resolve(configured) : path.join(os.homedir(), '.cache', 'model-garden');
}
