// Renders one TrainSpec into each place a user launches from: a VS Code launch.json configuration,
// a tasks.json shell task, a terminal command per shell, a Cloud TPU VM command and a Vertex AI
// CustomJob spec.
import { Document, isScalar, visit } from 'yaml';
import { envPrefix, joinCommand, quoteBash, type Shell } from './quote';
import { problem, type Problem } from './problems';
import { launcherArgs, specArgs, specArgv, type TrainSpec } from './spec';

export type Target = 'shell' | 'powershell' | 'cmd' | 'launch' | 'task' | 'vertex' | 'tpu';
export const TARGETS: readonly Target[] = ['shell', 'powershell', 'cmd', 'launch', 'task', 'vertex', 'tpu'];

export interface LaunchConfiguration {
  name: string;
  type: 'debugpy';
  request: 'launch';
  program?: string;
  module?: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  console: 'integratedTerminal';
  justMyCode: false;
}

/** A launch.json debug configuration: one element per flag, no shell quoting. */
export function toLaunchConfiguration(spec: TrainSpec, name: string): LaunchConfiguration {
  const launcher =
    spec.launcher.kind === 'program' ? { program: spec.launcher.program } : { module: spec.launcher.module };
  return {
    name,
    type: 'debugpy',
    request: 'launch',
    ...launcher,
    args: specArgs(spec),
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    ...(Object.keys(spec.env).length > 0 ? { env: { ...spec.env } } : {}),
    console: 'integratedTerminal',
    justMyCode: false,
  };
}

export interface ShellTask {
  label: string;
  type: 'shell';
  command: string;
  windows: { command: string };
  options?: { cwd?: string; env?: Record<string, string> };
  problemMatcher: [];
}

/**
 * A tasks.json shell task. The whole command is one string quoted for bash/zsh (and for
 * PowerShell under `windows`), so VS Code adds no quoting of its own.
 */
export function toShellTask(spec: TrainSpec, label: string): ShellTask {
  const task: ShellTask = {
    label,
    type: 'shell',
    command: joinCommand('bash', specArgv(spec)),
    windows: {
      command: joinCommand('powershell', specArgv({ ...spec, python: windowsPython(spec.python) })),
    },
    problemMatcher: [],
  };
  const options: { cwd?: string; env?: Record<string, string> } = {};
  if (spec.cwd) options.cwd = spec.cwd;
  if (Object.keys(spec.env).length > 0) options.env = { ...spec.env };
  if (Object.keys(options).length > 0) task.options = options;
  return task;
}

function windowsPython(python: string): string {
  return python === 'python3' ? 'python' : python;
}

export interface CommandOptions {
  /** Split flags over lines with the shell's continuation (bash ` \`, PowerShell `` ` ``, cmd ` ^`). */
  readonly multiline?: boolean;
  /** Prefix `cd <cwd> &&` (bash/cmd) or `Set-Location` (PowerShell). Default true. */
  readonly includeCwd?: boolean;
}

/** A terminal command line for one shell; argv round-trips exactly through that shell. */
export function toTerminalCommand(spec: TrainSpec, shell: Shell, options: CommandOptions = {}): string {
  const python = shell === 'bash' ? spec.python : windowsPython(spec.python);
  const argv = specArgv({ ...spec, python });
  let command: string;
  if (options.multiline) {
    const continuation = shell === 'bash' ? ' \\\n  ' : shell === 'powershell' ? ' `\n  ' : ' ^\n  ';
    const head = joinCommand(shell, [python, ...launcherArgs(spec.launcher)]);
    const flags = specArgs(spec).map((arg) => joinCommand(shell, ['x', arg]).slice(2));
    command = [head, ...flags].join(continuation);
  } else {
    command = joinCommand(shell, argv);
  }
  command = envPrefix(shell, spec.env) + command;
  if (spec.cwd && options.includeCwd !== false) {
    const cd =
      shell === 'bash'
        ? `cd ${quoteBash(spec.cwd)} && `
        : shell === 'powershell'
          ? `Set-Location ${joinCommand('powershell', ['x', spec.cwd]).slice(2)}; `
          : `cd /d ${joinCommand('cmd', ['x', spec.cwd]).slice(2)} && `;
    command = cd + command;
  }
  return command;
}

export interface TpuVmOptions {
  readonly tpuName: string;
  readonly zone: string;
  readonly project?: string;
  /** The models checkout on the TPU VM. */
  readonly repositoryOnVm?: string;
}

/**
 * `gcloud compute tpus tpu-vm ssh … --worker=all --command=…`: runs the trainer on every host of
 * the TPU VM, with the TPU attached locally (`--tpu=local`).
 */
export function toTpuVmCommand(spec: TrainSpec, options: TpuVmOptions): string {
  const repo = options.repositoryOnVm ?? '~/models';
  const onVm: TrainSpec = {
    ...spec,
    tpu: 'local',
    launcher: { kind: 'program', program: 'train.py' },
    cwd: undefined,
    env: {},
    configFiles: spec.configFiles.map((file) => file.replace(/^.*?(configs\/)/, '$1')),
  };
  const repoWord = repo.startsWith('~/') ? '~/' + quoteBash(repo.slice(2)) : quoteBash(repo);
  const inner = `cd ${repoWord}/official/nlp && PYTHONPATH=${repoWord} ${joinCommand('bash', specArgv(onVm))}`;
  const argv = ['gcloud', 'compute', 'tpus', 'tpu-vm', 'ssh', options.tpuName, `--zone=${options.zone}`];
  if (options.project) argv.push(`--project=${options.project}`);
  argv.push('--worker=all', `--command=${inner}`);
  return joinCommand('bash', argv);
}

export interface VertexOptions {
  readonly displayName?: string;
  /** A container with tf-models-official installed. */
  readonly imageUri: string;
  readonly machineType?: string;
  readonly acceleratorType?: string;
  readonly acceleratorCount?: number;
  /** Total machines; more than one adds a worker pool (Vertex sets TF_CONFIG). */
  readonly replicaCount?: number;
}

/** A CustomJobSpec (`workerPoolSpecs`) for `gcloud ai custom-jobs create --config=job.yaml`. */
export function toVertexCustomJob(spec: TrainSpec, options: VertexOptions): string {
  const distribution = spec.overrides.find((o) => o.key === 'runtime.distribution_strategy')?.value;
  const gpus = spec.overrides.find((o) => o.key === 'runtime.num_gpus')?.value;
  const tpu = distribution === 'tpu';
  const machineSpec: Record<string, string | number> = {
    machineType: options.machineType ?? (tpu ? 'cloud-tpu' : 'n1-standard-8'),
  };
  const acceleratorCount = options.acceleratorCount ?? (tpu ? 8 : typeof gpus === 'number' ? gpus : 0);
  if (acceleratorCount > 0) {
    machineSpec.acceleratorType = options.acceleratorType ?? (tpu ? 'TPU_V3' : 'NVIDIA_TESLA_V100');
    machineSpec.acceleratorCount = acceleratorCount;
  }
  const onVertex: TrainSpec = {
    ...spec,
    tpu: tpu ? 'local' : spec.tpu,
    configFiles: spec.configFiles.map((file) =>
      file.startsWith('official/') || file.includes('://') || file.startsWith('/')
        ? file
        : `official/nlp/${file}`,
    ),
  };
  const containerSpec = {
    imageUri: options.imageUri,
    command: ['python3', '-m', 'official.nlp.train'],
    args: specArgs(onVertex),
    ...(Object.keys(spec.env).filter((k) => k !== 'PYTHONPATH').length > 0
      ? {
          env: Object.entries(spec.env)
            .filter(([k]) => k !== 'PYTHONPATH')
            .map(([name, value]) => ({ name, value })),
        }
      : {}),
  };
  const replicas = Math.max(1, options.replicaCount ?? 1);
  const pools: object[] = [{ machineSpec, replicaCount: 1, containerSpec }];
  if (replicas > 1) pools.push({ machineSpec, replicaCount: replicas - 1, containerSpec });
  const name = options.displayName ?? `${spec.experiment.replace(/\//g, '-')}-${spec.mode}`;
  const header = `# gcloud ai custom-jobs create --region=REGION --display-name=${quoteBash(name)} --config=THIS_FILE\n`;
  const doc = new Document({ workerPoolSpecs: pools });
  // A tab or control character in a plain scalar is not YAML every reader accepts (PyYAML, which
  // gcloud uses, refuses the tab): such strings are double-quoted with escapes.
  visit(doc, {
    Scalar(_, node) {
      if (isScalar(node) && typeof node.value === 'string' && hasControlCharacter(node.value))
        node.type = 'QUOTE_DOUBLE';
    },
  });
  return header + doc.toString({ lineWidth: 0 });
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Cloud targets cannot read the local disk: model_dir, checkpoint and data must be gs:// (or similar). */
export function cloudPathProblems(spec: TrainSpec): Problem[] {
  const paths: [string, unknown][] = [['--model_dir', spec.modelDir]];
  for (const o of spec.overrides) {
    if (/(init_checkpoint|input_path|vocab_file|hub_module_url)$/.test(o.key)) paths.push([o.key, o.value]);
  }
  return paths
    .filter(
      ([, value]) => typeof value === 'string' && value !== '' && !/^[a-z][a-z0-9+.-]*:\/\//i.test(value),
    )
    .map(([name, value]) =>
      problem(
        'target-needs-cloud-paths',
        `${name}=${String(value)} is a local path; a Cloud TPU VM or Vertex AI job reads gs:// paths only.`,
      ),
    );
}
