// The typed description of one train.py run, from which every launch target is rendered.
import { formatOverrides, type Override } from './overrides';

export type Source = 'checkpoint' | 'hub';

export type Distribution =
  | { readonly kind: 'cpu' }
  | { readonly kind: 'gpu'; readonly count: number }
  | { readonly kind: 'tpu'; readonly name: string }
  | {
      readonly kind: 'multi-worker';
      readonly workers: number;
      readonly gpusPerWorker: number;
      /** `host:port` of every worker; omit where the platform sets TF_CONFIG (Vertex AI). */
      readonly workerHosts?: readonly string[];
      readonly taskIndex?: number;
    };

/** How Python is pointed at the trainer. */
export type Launcher =
  | { readonly kind: 'program'; readonly program: string }
  | { readonly kind: 'module'; readonly module: string };

export interface TrainSpec {
  readonly experiment: string;
  readonly mode: string;
  readonly modelDir: string;
  /** `--config_file` values, applied in this order. */
  readonly configFiles: readonly string[];
  /** Everything for the single `--params_override`, in order. */
  readonly overrides: readonly Override[];
  readonly tpu?: string;
  readonly tfhubCacheDir?: string;
  readonly ginFiles: readonly string[];
  readonly ginParams: readonly string[];
  readonly launcher: Launcher;
  /** Python executable for terminal commands (`python3`). */
  readonly python: string;
  /** Working directory; config file paths are relative to it. */
  readonly cwd?: string;
  readonly env: Readonly<Record<string, string>>;
  /** The catalog model and source the spec was built from, when known (for validation and hovers). */
  readonly modelId?: string;
  readonly source?: Source;
}

/** The trainer's flags, one element per flag, without any shell quoting. */
export function specArgs(spec: TrainSpec): string[] {
  const args = [`--experiment=${spec.experiment}`, `--mode=${spec.mode}`, `--model_dir=${spec.modelDir}`];
  for (const file of spec.configFiles) args.push(`--config_file=${file}`);
  for (const file of spec.ginFiles) args.push(`--gin_file=${file}`);
  for (const param of spec.ginParams) args.push(`--gin_params=${param}`);
  if (spec.tfhubCacheDir) args.push(`--tfhub_cache_dir=${spec.tfhubCacheDir}`);
  if (spec.tpu) args.push(`--tpu=${spec.tpu}`);
  if (spec.overrides.length > 0) args.push(`--params_override=${formatOverrides(spec.overrides)}`);
  return args;
}

/** The program part of the command line: `train.py` or `-m official.nlp.train`. */
export function launcherArgs(launcher: Launcher): string[] {
  return launcher.kind === 'program' ? [launcher.program] : ['-m', launcher.module];
}

/** The complete argv: python, launcher, flags. */
export function specArgv(spec: TrainSpec): string[] {
  return [spec.python, ...launcherArgs(spec.launcher), ...specArgs(spec)];
}
