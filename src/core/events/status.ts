// A training job's status from what its model_dir shows: running while its event files are being
// written, finished when the final checkpoint is there, failed when writing stopped without one.

export type RunStatus = 'running' | 'finished' | 'failed' | 'empty';

export interface StatusInput {
  /** Newest modification time of the event files (ms since the epoch); 0 when there are none. */
  readonly lastWriteMs: number;
  readonly nowMs: number;
  /** Highest step with a summary, over all runs of the model_dir. */
  readonly lastStep: number | undefined;
  /** Step of the newest checkpoint (`ckpt-N`: Orbit numbers checkpoints by global step). */
  readonly checkpointStep: number | undefined;
  /** `trainer.train_steps` of params.yaml, when known. */
  readonly trainSteps: number | undefined;
  /** True when the files grew since the previous look. */
  readonly grew?: boolean;
  /** How long after the last write a job still counts as running (default 2 minutes). */
  readonly activeMs?: number;
}

export function runStatus(s: StatusInput): RunStatus {
  if (s.lastWriteMs === 0 || s.lastStep === undefined) return 'empty';
  const finalStep = s.trainSteps ?? s.lastStep;
  const done =
    (s.checkpointStep !== undefined && s.checkpointStep >= finalStep) ||
    (s.trainSteps !== undefined && s.lastStep >= s.trainSteps);
  if (done) return 'finished';
  if (s.grew || s.nowMs - s.lastWriteMs < (s.activeMs ?? 120_000)) return 'running';
  return 'failed';
}
