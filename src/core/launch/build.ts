// Builds a TrainSpec from what the user chose: model (catalog or local checkpoint), source,
// experiment, mode, data paths, model_dir and distribution. Follows the Model Garden's documented
// commands (MODEL_GARDEN.md §3 "Exact example commands in the docs").
import type { CatalogModel } from '../catalog';
import { encoderForCheckpoint, encoderOverrides, modelConfigFile, type EncoderConfig } from './encoder';
import { findExperiment, modeEvaluates, modeTrains, type Experiment } from './experiments';
import type { Override, OverrideValue } from './overrides';
import { problem, type Problem } from './problems';
import type { Distribution, Launcher, Source, TrainSpec } from './spec';

/** A checkpoint on disk (or in a bucket) that is not from the catalog. */
export interface LocalCheckpoint {
  readonly kind: 'local';
  /** Checkpoint prefix (`…/bert_model.ckpt`) or folder. */
  readonly path: string;
  /** From the checkpoint's bert_config.json / albert_config.json, when known. */
  readonly encoder?: EncoderConfig;
}

/**
 * Where the Model Garden code lives: a tensorflow/models checkout (`root`, or the working folder with
 * the `program` layout), or, with the `module` layout and no root, the installed `tf-models-official`
 * package, which ships no YAML (official/nlp/configs holds Python only), so nothing under
 * configs/ is written and the encoder and dataset settings become overrides instead.
 */
export interface Repository {
  /** The tensorflow/models checkout root (may be a VS Code variable such as `${workspaceFolder}`). */
  readonly root?: string;
  /** `program` runs official/nlp/train.py from official/nlp as the docs do; `module` runs `-m official.nlp.train`. */
  readonly layout: 'program' | 'module';
}

/** Whether the shipped official/nlp/configs/*.yaml files exist for this repository choice. */
export function hasShippedConfigs(repository: Repository): boolean {
  return repository.layout === 'program' || repository.root !== undefined;
}

export interface BuildOptions {
  readonly model: CatalogModel | LocalCheckpoint;
  readonly source: Source;
  /** Checkpoint prefix or folder (local or gs://); defaults from the catalog. */
  readonly checkpoint?: string;
  /** TF-Hub handle or local SavedModel folder; defaults to the catalog's latest handle. */
  readonly hubHandle?: string;
  readonly experiment: string;
  readonly mode: string;
  readonly modelDir: string;
  readonly trainData?: string;
  readonly evalData?: string;
  /** Vocabulary (WordPiece vocab.txt or SentencePiece .model) for raw-text evaluation. */
  readonly vocabFile?: string;
  /** Label names for `bert/tagging`. */
  readonly classNames?: readonly string[];
  /** `task.model.num_classes` for sentence prediction (the experiment's default is 0). */
  readonly numClasses?: number;
  /**
   * Include the experiment's shipped dataset YAML (glue_mnli_matched.yaml, squad_v1.yaml, …); default
   * true where the repository has it. `false` leaves it out (a dataset of one's own).
   */
  readonly experimentConfig?: boolean;
  readonly distribution?: Distribution;
  /** Extra `--config_file`s, applied after the generated ones. */
  readonly configFiles?: readonly string[];
  /** Extra overrides, applied after (and replacing) the generated ones with the same key. */
  readonly extraOverrides?: readonly Override[];
  readonly repository?: Repository;
  readonly python?: string;
  /** `--gin_file` / `--gin_params`, passed through in order. */
  readonly ginFiles?: readonly string[];
  readonly ginParams?: readonly string[];
  /**
   * Experiments the user's Model Garden registers (read from its registry): one the built-in list does
   * not know is built as given (no dataset, vocabulary or hub settings).
   */
  readonly registeredExperiments?: readonly string[];
}

export interface BuildResult {
  readonly spec: TrainSpec;
  /** Advice about the choices (unknown sizes, placeholders); the validator adds the rule checks. */
  readonly problems: Problem[];
}

/** Thrown for a combination that cannot produce a run (hub-only model from a checkpoint, ...). */
export class LaunchBuildError extends Error {
  constructor(
    readonly code: 'hub-only-with-checkpoint' | 'no-hub-handle' | 'unknown-experiment' | 'hub-not-supported',
    message: string,
  ) {
    super(message);
    this.name = 'LaunchBuildError';
  }
}

/** The documented unpacked GCS checkpoint (MODEL_GARDEN.md §1a); the other models' paths are unverified. */
const VERIFIED_GCS_CHECKPOINTS: Readonly<Record<string, string>> = {
  'bert_en_uncased_L-12_H-768_A-12': 'gs://tf_model_garden/nlp/bert/uncased_L-12_H-768_A-12/bert_model.ckpt',
};

function isCatalogModel(model: CatalogModel | LocalCheckpoint): model is CatalogModel {
  return !('kind' in model);
}

/** Sources a catalog model can be fine-tuned from. */
export function availableSources(model: CatalogModel): Source[] {
  const sources: Source[] = [];
  if (model.checkpointUrl && model.encoderType) sources.push('checkpoint');
  if (model.hubUrl) sources.push('hub');
  return sources;
}

/** The default `task.init_checkpoint` of a catalog model, and whether it is a placeholder. */
export function defaultCheckpoint(model: CatalogModel): { path: string; placeholder: boolean } {
  const verified = VERIFIED_GCS_CHECKPOINTS[model.id];
  if (verified) return { path: verified, placeholder: false };
  const folder = model.checkpointFolder ?? model.id;
  return { path: model.checkpointPrefix ? `${folder}/${model.checkpointPrefix}` : folder, placeholder: true };
}

function joinPath(root: string | undefined, relative: string): string {
  if (!root) return relative;
  // A trailing backslash is a separator only in a Windows path; elsewhere it is part of the name.
  const windows = /^[A-Za-z]:[\\/]|^\\\\/.test(root) || (root.includes('\\') && !root.includes('/'));
  return root.replace(windows ? /[\\/]+$/ : /\/+$/, '') + '/' + relative;
}

function launcherFor(repository: Repository): {
  launcher: Launcher;
  cwd?: string;
  configBase: string;
  env: Record<string, string>;
} {
  const env: Record<string, string> = repository.root ? { PYTHONPATH: repository.root } : {};
  if (repository.layout === 'program') {
    return {
      launcher: {
        kind: 'program',
        program: repository.root ? joinPath(repository.root, 'official/nlp/train.py') : 'train.py',
      },
      cwd: repository.root ? joinPath(repository.root, 'official/nlp') : undefined,
      configBase: '',
      env,
    };
  }
  return {
    launcher: { kind: 'module', module: 'official.nlp.train' },
    cwd: repository.root,
    configBase: 'official/nlp/',
    env,
  };
}

function distributionOverrides(distribution: Distribution): Override[] {
  switch (distribution.kind) {
    case 'cpu':
      return [
        { key: 'runtime.distribution_strategy', value: 'one_device' },
        { key: 'runtime.num_gpus', value: 0 },
      ];
    case 'gpu':
      return [
        { key: 'runtime.distribution_strategy', value: 'mirrored' },
        { key: 'runtime.num_gpus', value: distribution.count },
      ];
    case 'tpu':
      return [{ key: 'runtime.distribution_strategy', value: 'tpu' }];
    case 'multi-worker': {
      const overrides: Override[] = [
        { key: 'runtime.distribution_strategy', value: 'multi_worker_mirrored' },
        { key: 'runtime.num_gpus', value: distribution.gpusPerWorker },
      ];
      if (distribution.workerHosts?.length) {
        overrides.push({ key: 'runtime.worker_hosts', value: distribution.workerHosts.join(',') });
        overrides.push({ key: 'runtime.task_index', value: distribution.taskIndex ?? 0 });
      }
      return overrides;
    }
  }
}

/** Data, vocabulary and casing overrides for an experiment. */
function dataOverrides(
  experiment: Experiment,
  options: BuildOptions,
  doLowerCase: boolean | undefined,
): Override[] {
  const mode = options.mode as Parameters<typeof modeTrains>[0];
  const overrides: Override[] = [];
  if (options.trainData && modeTrains(mode))
    overrides.push({ key: 'task.train_data.input_path', value: options.trainData });
  if (options.evalData && modeEvaluates(mode)) {
    overrides.push({ key: 'task.validation_data.input_path', value: options.evalData });
  }
  const sentencePiece = options.vocabFile?.endsWith('.model') ?? false;
  if (experiment.task === 'squad' && modeEvaluates(mode)) {
    if (options.vocabFile)
      overrides.push({ key: 'task.validation_data.vocab_file', value: options.vocabFile });
    if (sentencePiece) overrides.push({ key: 'task.validation_data.tokenization', value: 'SentencePiece' });
    if (
      doLowerCase !== undefined &&
      doLowerCase !== experiment.yamlDefaults['task.validation_data.do_lower_case']
    ) {
      overrides.push({ key: 'task.validation_data.do_lower_case', value: doLowerCase });
    }
  }
  if (experiment.task === 'sentence_prediction_text') {
    for (const split of ['train_data', 'validation_data']) {
      if (split === 'train_data' ? !modeTrains(mode) : !modeEvaluates(mode)) continue;
      if (options.vocabFile) overrides.push({ key: `task.${split}.vocab_file`, value: options.vocabFile });
      if (sentencePiece) overrides.push({ key: `task.${split}.tokenization`, value: 'SentencePiece' });
      if (doLowerCase !== undefined && doLowerCase !== experiment.yamlDefaults[`task.${split}.lower_case`]) {
        overrides.push({ key: `task.${split}.lower_case`, value: doLowerCase });
      }
    }
  }
  if (experiment.task === 'tagging' && options.classNames?.length) {
    overrides.push({ key: 'task.class_names', value: [...options.classNames] as OverrideValue });
  }
  return overrides;
}

function normalized(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** Whether two config paths name the same file under official/nlp/configs (one may be a suffix of the other). */
function sameShippedFile(a: string, b: string): boolean {
  const [x, y] = [normalized(a), normalized(b)];
  if (x === y) return true;
  const [short, long] = x.length < y.length ? [x, y] : [y, x];
  return short.startsWith('configs/') && long.endsWith('/' + short) && long.includes('nlp/');
}

/** A relative path into the shipped configs (`configs/…` or `official/nlp/configs/…`). */
function namesShippedConfig(file: string): boolean {
  return /^(official\/nlp\/)?configs\//.test(normalized(file));
}

/** An experiment the installed Model Garden registers that the built-in list does not describe. */
function registeredOnly(name: string): Experiment {
  return {
    name,
    task: 'other',
    fineTuning: false,
    configFile: null,
    yamlDefaults: {},
    description: 'registered by your Model Garden',
  };
}

/** Builds the spec; throws LaunchBuildError for combinations train.py cannot run. */
export function buildSpec(options: BuildOptions): BuildResult {
  const experiment =
    findExperiment(options.experiment) ??
    (options.registeredExperiments?.includes(options.experiment)
      ? registeredOnly(options.experiment)
      : undefined);
  if (!experiment) {
    throw new LaunchBuildError(
      'unknown-experiment',
      `"${options.experiment}" is not a registered experiment`,
    );
  }
  const problems: Problem[] = [];
  const repository = options.repository ?? { layout: 'program' };
  const { launcher, cwd, configBase, env } = launcherFor(repository);
  const shipped = hasShippedConfigs(repository);
  const configFiles: string[] = [];
  const overrides: Override[] = [];
  const catalog = isCatalogModel(options.model) ? options.model : undefined;
  let doLowerCase: boolean | undefined = catalog?.doLowerCase;

  if (options.source === 'hub') {
    if (!experiment.fineTuning) {
      throw new LaunchBuildError(
        'hub-not-supported',
        `${experiment.name} does not take task.hub_module_url; use a checkpoint`,
      );
    }
    const handle = options.hubHandle ?? catalog?.hubUrl;
    if (!handle) {
      throw new LaunchBuildError(
        'no-hub-handle',
        `${catalog ? catalog.name : 'This checkpoint'} has no TF-Hub handle; choose the checkpoint source`,
      );
    }
    // The docs keep the model YAML next to a hub handle (the classifier head reads its initializer range).
    const yaml = catalog && shipped && modelConfigFile(catalog);
    if (yaml) configFiles.push(configBase + yaml);
    overrides.push({ key: 'task.hub_module_url', value: handle });
  } else if (catalog) {
    if (!catalog.encoderType || !catalog.checkpointUrl) {
      throw new LaunchBuildError(
        'hub-only-with-checkpoint',
        `${catalog.name} is published only on TF-Hub (its encoder cannot be built from task.model.encoder); use the hub source`,
      );
    }
    const choice = encoderForCheckpoint(catalog, { modelYaml: shipped });
    if (choice.configFile) configFiles.push(configBase + choice.configFile);
    overrides.push(...choice.overrides);
    problems.push(...choice.problems);
    let checkpoint = options.checkpoint;
    if (!checkpoint) {
      const fallback = defaultCheckpoint(catalog);
      checkpoint = fallback.path;
      if (fallback.placeholder) {
        problems.push(
          problem(
            'checkpoint-path-unset',
            `Download and extract ${catalog.checkpointUrl}, then point task.init_checkpoint at the checkpoint prefix ` +
              `(now the placeholder "${checkpoint}").`,
          ),
        );
      }
    }
    overrides.push({ key: 'task.init_checkpoint', value: checkpoint });
  } else {
    const local = options.model as LocalCheckpoint;
    if (local.encoder) overrides.push(...encoderOverrides(local.encoder));
    overrides.push({ key: 'task.init_checkpoint', value: options.checkpoint ?? local.path });
  }
  const experimentYaml = shipped && options.experimentConfig !== false ? experiment.configFile : null;
  if (experimentYaml) configFiles.push(configBase + experimentYaml);
  if (!catalog) doLowerCase = undefined;
  overrides.push(...dataOverrides(experiment, options, doLowerCase));
  if (experiment.task === 'sentence_prediction' || experiment.task === 'sentence_prediction_text') {
    if (options.numClasses !== undefined) {
      overrides.push({ key: 'task.model.num_classes', value: options.numClasses });
    } else if (!experimentYaml) {
      problems.push(
        problem(
          'num-classes-unset',
          `${experiment.name} defaults to task.model.num_classes=0 and no dataset YAML sets it; ` +
            'give the number of classes (task.model.num_classes=<n>).',
        ),
      );
    }
  }

  const distribution = options.distribution ?? { kind: 'cpu' };
  overrides.push(...distributionOverrides(distribution));
  for (const extra of options.extraOverrides ?? []) {
    const index = overrides.findIndex((o) => o.key === extra.key);
    if (index >= 0) overrides.splice(index, 1, extra);
    else overrides.push(extra);
  }
  // A shipped file the user names too (`configs/experiments/glue_mnli_matched.yaml`) is written once.
  const generated = [...configFiles];
  for (const file of options.configFiles ?? []) {
    if (!generated.some((g) => sameShippedFile(g, file)) && !configFiles.includes(file))
      configFiles.push(file);
  }
  if (!shipped && configFiles.some(namesShippedConfig)) {
    problems.push(
      problem(
        'config-files-need-repository',
        'official/nlp/configs/*.yaml exist only in a tensorflow/models checkout (the tf-models-official package ' +
          'ships none); set the models repository path (modelGarden.launch.modelsRepository or --repo) so that they resolve.',
      ),
    );
  }
  const tpu = distribution.kind === 'tpu' ? distribution.name : undefined;
  const spec: TrainSpec = {
    experiment: experiment.name,
    mode: options.mode,
    modelDir: options.modelDir,
    configFiles,
    overrides,
    tpu,
    tfhubCacheDir: tpu && options.source === 'hub' ? joinPath(options.modelDir, 'hub_cache') : undefined,
    ginFiles: [...(options.ginFiles ?? [])],
    ginParams: [...(options.ginParams ?? [])],
    launcher,
    python: options.python ?? 'python3',
    cwd,
    env,
    modelId: catalog?.id,
    source: options.source,
  };
  return { spec, problems };
}
