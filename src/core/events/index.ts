// Reading TensorFlow event files (TFRecord framing, Event/Summary protobufs) without Python.
export * from './errors';
export { frameRecords, RECORD_HEADER_BYTES, RECORD_FOOTER_BYTES } from './tfrecord';
export {
  decodeEvent,
  decodeEventRaw,
  toDecodedEvent,
  type RawEvent,
  halfToNumber,
  bfloat16ToNumber,
  type DecodedEvent,
  type ScalarValue,
  type ScalarDtype,
  type SessionStatus,
} from './event';
export { EventFileTail, type PollResult } from './tail';
export { ScalarSeries, type ScalarPoint, type SeriesView } from './series';
export { ScalarRun, EVENT_FILE, compareEventFiles, type RunPoll } from './run';
export { runStatus, type RunStatus, type StatusInput } from './status';
export { ModelDir, findRunDirs, readTrainSteps, type CheckpointInfo } from './modelDir';
export { smoothEma } from './smooth';
export { modelDirsInLaunchFile, modelDirOfRun } from './launchDirs';
