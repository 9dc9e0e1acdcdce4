export * from './errors';
export * from './progress';
export { ensureFreeSpace, freeBytes, DEFAULT_MIN_FREE_BYTES, type DiskCheck } from './diskSpace';
export {
  downloadFile,
  discardPart,
  partPath,
  parseContentRange,
  type DownloadOptions,
  type DownloadResult,
  type FetchLike,
} from './downloadFile';
export { extractArchive, extractedSizeEstimate, unsafeReason, type ExtractOptions } from './extract';
export { locateAssets, type LocatedAssets } from './locate';
export * from './sources';
export {
  ModelCache,
  checkModelId,
  CONTENT_DIR,
  MANIFEST_FILE,
  type CacheChange,
  type CacheEntry,
  type CacheManifest,
  type CacheOptions,
  type EntryState,
  type FetchRequest,
} from './cache';
export { bypassesProxy, proxyAwareFetch, proxyFor, type ProxyOptions } from './proxy';
export { defaultCacheDir } from './cacheDir';
