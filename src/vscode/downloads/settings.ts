// The downloads' settings: cache location, URL overrides and VS Code's proxy settings. They can be
// set in user, remote or (trusted) workspace settings; in Restricted Mode a workspace cannot redirect
// where files are written or fetched (see ../settings/trusted.ts).
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { findModel } from '../../core/catalog';
import { overridesFromMap, proxyAwareFetch, type CacheOptions } from '../../core/download';
import { trustedSetting } from '../settings/trusted';

export const CACHE_LOCATION_SETTING = 'modelGarden.cache.location';
export const URL_OVERRIDES_SETTING = 'modelGarden.download.urlOverrides';

/** Settings whose change rebuilds the cache. */
export const WATCHED_SETTINGS = [
  CACHE_LOCATION_SETTING,
  URL_OVERRIDES_SETTING,
  'http.proxy',
  'http.proxyStrictSSL',
];

/** The cache folder: the setting (absolute, `~` expanded), else `<globalStorage>/models`. */
export function cacheRoot(context: vscode.ExtensionContext): { root: string; problem?: string } {
  const fallback = path.join(context.globalStorageUri.fsPath, 'models');
  const configured = trustedSetting<string>(CACHE_LOCATION_SETTING)?.trim();
  if (!configured) return { root: fallback };
  const expanded = configured.replace(/^~(?=$|[\\/])/, os.homedir());
  if (!path.isAbsolute(expanded)) {
    return {
      root: fallback,
      problem: `${CACHE_LOCATION_SETTING} must be an absolute path, not "${configured}"; using ${fallback}.`,
    };
  }
  return { root: path.normalize(expanded) };
}

/** Cache options from the settings (workspace values only in a trusted workspace). */
export function cacheOptions(): CacheOptions {
  const config = vscode.workspace.getConfiguration();
  const overrides = trustedSetting<Record<string, unknown>>(URL_OVERRIDES_SETTING) ?? {};
  const proxy = config.get<string>('http.proxy')?.trim();
  const strictSsl = config.get<boolean>('http.proxyStrictSSL', true);
  const fetchImpl = proxyAwareFetch({ explicit: proxy || undefined, strictSsl });
  return {
    urlOverride: overridesFromMap(overrides, findModel),
    download: fetchImpl ? { fetch: fetchImpl } : {},
  };
}
