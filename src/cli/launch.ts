import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CATALOG, findModel } from '../core/catalog';
import { InputFileError } from '../core/files/readInput';
import {
  buildSpec,
  cloudPathProblems,
  encoderFromConfigJson,
  EntryExistsError,
  hasErrors,
  LaunchBuildError,
  MODES,
  parseOverrideArgument,
  specArgv,
  TARGETS,
  toLaunchConfiguration,
  toShellTask,
  toTerminalCommand,
  toTpuVmCommand,
  toVertexCustomJob,
  upsertEntryInFolder,
  WriteRefusedError,
  validateArgs,
  specArgs,
  type BuildOptions,
  type Distribution,
  type EncoderConfig,
  type Problem,
  type Source,
  type Target,
  type TrainSpec,
} from '../core/launch';
import { UsageError, type CliIo } from './io';

export const usage =
  'model-garden launch --model ID --source checkpoint|hub [--checkpoint PATH] --experiment E --mode M --model-dir DIR ' +
  '[--config-file F]... [--override k=v]... [--train-data P] [--eval-data P] [--vocab-file P] [--class-names A,B] [--num-classes N] ' +
  '[--experiment-config default|none] [--gpus N | --tpu NAME | --workers N] ' +
  '[--repo DIR] [--layout program|module] [--target shell|powershell|cmd|launch|task|vertex|tpu] [--json] [--write DIR --name NAME [--replace]]';

const OPTIONS = {
  model: { type: 'string' },
  source: { type: 'string' },
  checkpoint: { type: 'string' },
  hub: { type: 'string' },
  'encoder-config': { type: 'string' },
  experiment: { type: 'string' },
  mode: { type: 'string' },
  'model-dir': { type: 'string' },
  'config-file': { type: 'string', multiple: true },
  override: { type: 'string', multiple: true },
  'train-data': { type: 'string' },
  'eval-data': { type: 'string' },
  'vocab-file': { type: 'string' },
  'class-names': { type: 'string' },
  'num-classes': { type: 'string' },
  'experiment-config': { type: 'string' },
  gpus: { type: 'string' },
  tpu: { type: 'string' },
  workers: { type: 'string' },
  'worker-hosts': { type: 'string' },
  'task-index': { type: 'string' },
  repo: { type: 'string' },
  layout: { type: 'string' },
  python: { type: 'string' },
  target: { type: 'string', default: 'shell' },
  json: { type: 'boolean', default: false },
  write: { type: 'string' },
  name: { type: 'string' },
  replace: { type: 'boolean', default: false },
  zone: { type: 'string' },
  image: { type: 'string' },
  multiline: { type: 'boolean', default: false },
} as const;

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`--${flag} is required.\nUsage: ${usage}`);
  return value;
}

function count(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes a whole number, not "${value}"`);
  return Number(value);
}

/** The encoder config beside a local checkpoint (bert_config.json / albert_config.json), if any. */
function localEncoder(checkpoint: string, explicit: string | undefined): EncoderConfig | undefined {
  const candidates = explicit
    ? [explicit]
    : ['bert_config.json', 'albert_config.json'].map((name) =>
        path.join(
          fs.existsSync(checkpoint) && fs.statSync(checkpoint).isDirectory()
            ? checkpoint
            : path.dirname(checkpoint),
          name,
        ),
      );
  for (const file of candidates) {
    if (!fs.existsSync(file)) {
      if (explicit) throw new UsageError(`--encoder-config ${file} does not exist`);
      continue;
    }
    try {
      return encoderFromConfigJson(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>);
    } catch (error) {
      throw new UsageError(
        `${file}: not a BERT/ALBERT config (${error instanceof Error ? error.message : error})`,
      );
    }
  }
  return undefined;
}

function distribution(values: {
  gpus?: string;
  tpu?: string;
  workers?: string;
  'worker-hosts'?: string;
  'task-index'?: string;
}): Distribution {
  const gpus = count(values.gpus, 'gpus');
  const workers = count(values.workers, 'workers');
  const chosen = [
    gpus !== undefined && workers === undefined,
    values.tpu !== undefined,
    workers !== undefined,
  ].filter(Boolean).length;
  if (chosen > 1)
    throw new UsageError('Choose one of --gpus N, --tpu NAME or --workers N (with --gpus per worker).');
  if (values.tpu !== undefined) return { kind: 'tpu', name: values.tpu };
  if (workers !== undefined) {
    return {
      kind: 'multi-worker',
      workers,
      gpusPerWorker: gpus ?? 0,
      workerHosts: values['worker-hosts']?.split(',').filter(Boolean),
      taskIndex: count(values['task-index'], 'task-index'),
    };
  }
  return gpus ? { kind: 'gpu', count: gpus } : { kind: 'cpu' };
}

function experimentConfig(value: string | undefined): boolean | undefined {
  if (value === undefined || value === 'default') return undefined;
  if (value === 'none') return false;
  throw new UsageError('--experiment-config takes default or none');
}

/** Builds the spec the command line describes; shared by the CLI tests. */
export function specFromArgs(argv: string[]): {
  spec: TrainSpec;
  problems: Problem[];
  values: Record<string, unknown>;
} {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  const source = required(values.source, 'source') as Source;
  if (source !== 'checkpoint' && source !== 'hub')
    throw new UsageError(`--source must be checkpoint or hub, not "${source}"`);
  const mode = required(values.mode, 'mode');
  if (!(MODES as readonly string[]).includes(mode))
    throw new UsageError(`--mode must be one of: ${MODES.join(', ')}`);
  const layout = values.layout ?? 'program';
  if (layout !== 'program' && layout !== 'module') throw new UsageError('--layout must be program or module');
  let model: BuildOptions['model'];
  if (values.model) {
    const found = findModel(values.model);
    if (!found)
      throw new UsageError(
        `Unknown model "${values.model}". Known models: ${CATALOG.map((m) => m.id).join(', ')}`,
      );
    model = found;
  } else {
    const checkpoint = values.checkpoint ?? values.hub;
    if (!checkpoint)
      throw new UsageError(
        'Give --model ID, or --checkpoint PATH (or --hub HANDLE) for a model outside the catalog.',
      );
    model = {
      kind: 'local',
      path: checkpoint,
      encoder: source === 'checkpoint' ? localEncoder(checkpoint, values['encoder-config']) : undefined,
    };
  }
  const repoRoot = values.repo ? path.resolve(values.repo) : undefined;
  let extraOverrides;
  try {
    extraOverrides = (values.override ?? []).map(parseOverrideArgument);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  try {
    const result = buildSpec({
      model,
      source,
      checkpoint: values.checkpoint,
      hubHandle: values.hub,
      experiment: required(values.experiment, 'experiment'),
      mode,
      modelDir: required(values['model-dir'], 'model-dir'),
      trainData: values['train-data'],
      evalData: values['eval-data'],
      vocabFile: values['vocab-file'],
      classNames: values['class-names']?.split(',').filter(Boolean),
      numClasses: count(values['num-classes'], 'num-classes'),
      experimentConfig: experimentConfig(values['experiment-config']),
      distribution: distribution(values),
      configFiles: values['config-file'],
      extraOverrides,
      // A Vertex AI container has the pip package only (no checkout, no shipped YAML).
      repository: values.target === 'vertex' ? { layout: 'module' } : { layout, root: repoRoot },
      python: values.python,
    });
    return { ...result, values };
  } catch (error) {
    if (error instanceof LaunchBuildError) throw new UsageError(error.message);
    throw error;
  }
}

function render(spec: TrainSpec, target: Target, values: Record<string, unknown>, name: string): string {
  const multiline = values.multiline === true;
  switch (target) {
    case 'shell':
      return toTerminalCommand(spec, 'bash', { multiline });
    case 'powershell':
      return toTerminalCommand(spec, 'powershell', { multiline });
    case 'cmd':
      return toTerminalCommand(spec, 'cmd', { multiline });
    case 'launch':
      return JSON.stringify(toLaunchConfiguration(spec, name), null, 2);
    case 'task':
      return JSON.stringify(toShellTask(spec, name), null, 2);
    case 'tpu':
      return toTpuVmCommand(spec, {
        tpuName: spec.tpu ?? 'TPU_NAME',
        zone: (values.zone as string | undefined) ?? 'ZONE',
      });
    case 'vertex':
      return toVertexCustomJob(spec, {
        imageUri: values.image as string | undefined,
        replicaCount: spec.overrides.some(
          (o) => o.key === 'runtime.distribution_strategy' && o.value === 'multi_worker_mirrored',
        )
          ? Number(values.workers)
          : 1,
      });
  }
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { spec, problems, values } = specFromArgs(argv);
  const target = values.target as Target;
  if (!TARGETS.includes(target)) throw new UsageError(`--target must be one of: ${TARGETS.join(', ')}`);
  const name =
    (values.name as string | undefined) ?? `${spec.experiment} (${spec.modelId ?? 'local checkpoint'})`;
  const all: Problem[] = [
    ...problems,
    ...validateArgs(specArgs(spec), {
      cwd: spec.cwd && path.isAbsolute(spec.cwd) ? spec.cwd : undefined,
      modelId: spec.modelId,
    }),
    ...(target === 'vertex' || target === 'tpu'
      ? cloudPathProblems(spec, { configFiles: target === 'vertex' })
      : []),
  ];
  if (values.write !== undefined) {
    if (target !== 'launch' && target !== 'task' && target !== 'shell') {
      throw new UsageError('--write takes --target launch (the default with --write) or task.');
    }
    if (!values.name) throw new UsageError('--write needs --name NAME for the configuration.');
    const kind = target === 'task' ? 'tasks' : 'launch';
    const entry = kind === 'tasks' ? toShellTask(spec, name) : toLaunchConfiguration(spec, name);
    try {
      const result = await upsertEntryInFolder(values.write as string, kind, entry, {
        replace: values.replace === true,
      });
      io.out(`${result.action === 'updated' ? 'Updated' : 'Added'} "${name}" in ${result.file}`);
    } catch (error) {
      if (error instanceof EntryExistsError)
        throw new UsageError(`${error.message} Add --replace to update it.`, 1);
      if (error instanceof WriteRefusedError || error instanceof InputFileError)
        throw new UsageError(error.message, 1);
      throw error;
    }
    printProblems(io, all);
    return hasErrors(all) ? 1 : 0;
  }
  const text = render(spec, target, values, name);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          argv: specArgv(spec),
          overrides: Object.fromEntries(spec.overrides.map((o) => [o.key, o.value])),
          problems: all.map((p) => ({ code: p.code, severity: p.severity, message: p.message })),
          text,
        },
        null,
        2,
      ),
    );
  } else {
    io.out(text);
    printProblems(io, all);
  }
  return hasErrors(all) ? 1 : 0;
}

function printProblems(io: CliIo, problems: readonly Problem[]): void {
  for (const p of problems) io.err(`${p.severity}: ${p.message} [${p.code}]`);
}
