// Local inference with TensorFlow.js: the encoder forward pass, its heads, backend selection.
export * from './types';
export { EncoderModel } from './model';
export { WeightShapeError } from './upload';
export {
  BACKEND_PREFERENCES,
  BackendUnavailableError,
  initBackend,
  isBackendPreference,
  bundledWasmDir,
  type BackendChoice,
  type BackendName,
  type BackendPreference,
} from './backend';
export { bertConfig, syntheticWeights, type SyntheticOptions } from './synthetic';
export {
  InferenceClient,
  InferenceWorkerError,
  defaultWorkerPath,
  type InferenceClientOptions,
} from './client';
export type { ModelSource, ModelInfo, LoadProgress, WireRunOptions } from './protocol';
export { encoderMatmulFlops } from './flops';
export { stopWasmThreads } from './wasmThreads';
export * from './tasks';
export { loadCheckpointWeights } from './checkpointLoader';
export type { Analysis, AnalyzeRequest, AttentionData } from './analyze';
export {
  NATIVE_BACKEND_FOLDER,
  TFJS_NODE_PACKAGE,
  TFJS_NODE_VERSION,
  locateNative,
  type NativeLocation,
} from './nativeBackend';
export { NativeInstallError, installNative, type NativeInstallOptions } from './nativeInstall';
