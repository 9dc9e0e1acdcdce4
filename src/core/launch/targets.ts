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

/** The tf-models-official release the extension is checked against (test/oracle/requirements.txt). */
export const TF_MODELS_OFFICIAL_VERSION: string = '2.20.0';

/** A Vertex AI prebuilt TensorFlow training container and the tf-models-official release made for its TensorFlow. */
export interface VertexImage {
  readonly imageUri: string;
  /** The TensorFlow minor version in the image. */
  readonly tensorflow: string;
  /** The tf-models-official release that requires `tensorflow~=<that version>` (so pip keeps the image's TensorFlow). */
  readonly tfModelsOfficial: string;
}

/**
 * The newest Vertex AI prebuilt TensorFlow training containers ("Prebuilt containers for custom
 * training", read 2026-11: 2.17 for CPU and GPU, 2.15 for TPU; none for TensorFlow 2.18 or later).
 * tf-models-official 2.20.0 requires tensorflow~=2.20.0, which pip would install over the image's
 * TensorFlow (and its CUDA build), so the job installs the release made for the image's TensorFlow
 * (tf-models-official 2.17.0 requires tensorflow~=2.17.0, 2.15.0 requires tensorflow~=2.15.0), and
 * the generated YAML says so.
 */
export const VERTEX_IMAGES = {
  cpu: {
    imageUri: 'us-docker.pkg.dev/vertex-ai/training/tf-cpu.2-17.py310:latest',
    tensorflow: '2.17',
    tfModelsOfficial: '2.17.0',
  },
  gpu: {
    imageUri: 'us-docker.pkg.dev/vertex-ai/training/tf-gpu.2-17.py310:latest',
    tensorflow: '2.17',
    tfModelsOfficial: '2.17.0',
  },
  tpu: {
    imageUri: 'us-docker.pkg.dev/vertex-ai/training/tf-tpu.2-15.cp310:latest',
    tensorflow: '2.15',
    tfModelsOfficial: '2.15.0',
  },
} as const satisfies Record<'cpu' | 'gpu' | 'tpu', VertexImage>;

/** The prebuilt image a job uses: TPU, GPU (when GPUs are used) or CPU. */
export function vertexImageFor(kind: { tpu: boolean; gpus: number }): VertexImage {
  return kind.tpu ? VERTEX_IMAGES.tpu : kind.gpus > 0 ? VERTEX_IMAGES.gpu : VERTEX_IMAGES.cpu;
}

/** Vertex AI machine and accelerator names (CustomJob machineSpec) the defaults use. */
export const VERTEX_MACHINES = {
  cpu: { machineType: 'n1-standard-8' },
  gpu: { machineType: 'n1-standard-8', acceleratorType: 'NVIDIA_TESLA_V100' },
  tpu: { machineType: 'cloud-tpu', acceleratorType: 'TPU_V3', acceleratorCount: 8 },
} as const;

export interface VertexOptions {
  readonly displayName?: string;
  /** The training image; defaults to the prebuilt TensorFlow container (GPU image when GPUs are used). */
  readonly imageUri?: string;
  readonly machineType?: string;
  readonly acceleratorType?: string;
  readonly acceleratorCount?: number;
  /** Total machines; more than one adds a worker pool (Vertex sets TF_CONFIG). */
  readonly replicaCount?: number;
  /**
   * tf-models-official version pip installs before the trainer starts; `null` installs nothing. The
   * default is the release for the prebuilt image's TensorFlow (the pinned version with a custom image).
   */
  readonly tfModelsOfficial?: string | null;
}

export interface VertexMachineSpec {
  machineType: string;
  acceleratorType?: string;
  acceleratorCount?: number;
}

export interface VertexWorkerPoolSpec {
  machineSpec: VertexMachineSpec;
  replicaCount: number;
  containerSpec: {
    imageUri: string;
    command: string[];
    args: string[];
    env?: { name: string; value: string }[];
  };
}

/** The CustomJobSpec (`workerPoolSpecs`) object for `gcloud ai custom-jobs create --config`. */
export function vertexJobSpec(
  spec: TrainSpec,
  options: VertexOptions = {},
): { workerPoolSpecs: VertexWorkerPoolSpec[] } {
  const distribution = spec.overrides.find((o) => o.key === 'runtime.distribution_strategy')?.value;
  const gpus = spec.overrides.find((o) => o.key === 'runtime.num_gpus')?.value;
  const tpu = distribution === 'tpu';
  const gpuCount = typeof gpus === 'number' ? gpus : 0;
  const defaults = tpu ? VERTEX_MACHINES.tpu : gpuCount > 0 ? VERTEX_MACHINES.gpu : VERTEX_MACHINES.cpu;
  const machineSpec: VertexMachineSpec = { machineType: options.machineType ?? defaults.machineType };
  const acceleratorCount =
    options.acceleratorCount ?? (tpu ? VERTEX_MACHINES.tpu.acceleratorCount : gpuCount);
  if (acceleratorCount > 0) {
    machineSpec.acceleratorType =
      options.acceleratorType ??
      (tpu ? VERTEX_MACHINES.tpu.acceleratorType : VERTEX_MACHINES.gpu.acceleratorType);
    machineSpec.acceleratorCount = acceleratorCount;
  }
  // The container has no models checkout: shipped YAML is addressed as in the package (absent) and
  // other config files must be readable there (gs://); the TPU named is kept as given.
  const onVertex: TrainSpec = {
    ...spec,
    configFiles: spec.configFiles.map((file) =>
      file.startsWith('official/') || file.includes('://') || file.startsWith('/')
        ? file
        : `official/nlp/${file}`,
    ),
  };
  const image = vertexImageFor({ tpu, gpus: gpuCount });
  const version =
    options.tfModelsOfficial !== undefined
      ? options.tfModelsOfficial
      : options.imageUri
        ? TF_MODELS_OFFICIAL_VERSION
        : image.tfModelsOfficial;
  const trainer = 'exec python3 -m official.nlp.train "$@"';
  const command = version
    ? ['bash', '-c', `pip install --quiet tf-models-official==${version} && ${trainer}`, 'official.nlp.train']
    : ['python3', '-m', 'official.nlp.train'];
  const env = Object.entries(spec.env)
    .filter(([k]) => k !== 'PYTHONPATH')
    .map(([name, value]) => ({ name, value }));
  const containerSpec: VertexWorkerPoolSpec['containerSpec'] = {
    imageUri: options.imageUri ?? image.imageUri,
    command,
    args: specArgs(onVertex),
    ...(env.length > 0 ? { env } : {}),
  };
  const replicas = Math.max(1, options.replicaCount ?? 1);
  const pools: VertexWorkerPoolSpec[] = [{ machineSpec, replicaCount: 1, containerSpec }];
  if (replicas > 1) pools.push({ machineSpec, replicaCount: replicas - 1, containerSpec });
  return { workerPoolSpecs: pools };
}

/** The CustomJobSpec as YAML, with the gcloud command that submits it. */
export function toVertexCustomJob(spec: TrainSpec, options: VertexOptions = {}): string {
  const name = options.displayName ?? `${spec.experiment.replace(/\//g, '-')}-${spec.mode}`;
  const job = vertexJobSpec(spec, options);
  let header = `# gcloud ai custom-jobs create --region=REGION --display-name=${quoteBash(name)} --config=THIS_FILE\n`;
  const image = Object.values(VERTEX_IMAGES).find(
    (i) => i.imageUri === job.workerPoolSpecs[0].containerSpec.imageUri,
  );
  const installs = /tf-models-official==(\S+)/.exec(
    job.workerPoolSpecs[0].containerSpec.command.join(' '),
  )?.[1];
  if (image && installs === image.tfModelsOfficial && installs !== TF_MODELS_OFFICIAL_VERSION) {
    header +=
      `# The newest prebuilt Vertex AI training image has TensorFlow ${image.tensorflow}, so the job installs ` +
      `tf-models-official==${installs} (made for TensorFlow ${image.tensorflow}), not ${TF_MODELS_OFFICIAL_VERSION}.\n`;
  }
  const doc = new Document(job);
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

/** Cloud targets cannot read the local disk: model_dir, checkpoint, data and config files must be gs:// (or similar). */
export function cloudPathProblems(spec: TrainSpec, options: { configFiles?: boolean } = {}): Problem[] {
  const paths: [string, unknown][] = [['--model_dir', spec.modelDir]];
  // A Vertex AI container has no models checkout; a Cloud TPU VM command runs inside one.
  if (options.configFiles) for (const file of spec.configFiles) paths.push(['--config_file', file]);
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
