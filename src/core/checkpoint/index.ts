// Reading TensorFlow checkpoints (TensorBundle V2) and SavedModel variables without Python.
export * from './errors';
export * from './crc32c';
export type { BundleHeader, BundleIndex, TensorEntry, SliceExtent } from './bundle';
export { parseBundleIndex } from './bundle';
export { DTYPES, dtypeName } from './dtype';
export { CheckpointReader, readIndexFile, type ReadOptions } from './reader';
export { resolvePrefix, shardFileName, stepOfPrefix, prefixesIn } from './locate';
export { parseCheckpointState, latestCheckpoint, type CheckpointState } from './state';
export { decodeTensor, numElements, valuesToJson, type TensorValue, type NumericArray } from './values';
export {
  OBJECT_GRAPH_KEY,
  parseObjectGraph,
  objectGraphNames,
  type TrackableObject,
  type ObjectGraphName,
} from './objectGraph';
export * from './naming';
export * from './config';
export * from './mapping';
export * from './layerCount';
export * from './report';
export * from './discover';
export * from './markdown';
