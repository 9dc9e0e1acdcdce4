// The "Generate Launch Configuration…" questions as QuickPicks and input boxes. Every answer can be
// given up front (LaunchAnswers), which makes the command scriptable; the last answers are kept per
// workspace and offered again.
import * as vscode from 'vscode';
import { CATALOG, findModel, type CatalogModel } from '../../core/catalog';
import {
  availableSources,
  defaultCheckpoint,
  EXPERIMENTS,
  MODES,
  modeEvaluates,
  modeTrains,
  findExperiment,
  type Distribution,
  type Mode,
  type Source,
} from '../../core/launch';

export type LaunchTarget = 'launch' | 'task' | 'copy' | 'terminal' | 'vertex' | 'tpu';

/** Every question of the wizard; any subset may be given to skip those questions. */
export interface LaunchAnswers {
  model?: string;
  source?: Source;
  checkpoint?: string;
  hub?: string;
  experiment?: string;
  mode?: string;
  distribution?: Distribution;
  target?: LaunchTarget;
  modelDir?: string;
  trainData?: string;
  evalData?: string;
  vocabFile?: string;
  /** `task.model.num_classes` (sentence prediction). */
  numClasses?: number;
  /** false: leave the experiment's dataset YAML (glue_mnli_matched.yaml …) out. */
  experimentConfig?: boolean;
  /** Extra `--config_file`s and overrides (scripted use). */
  configFiles?: string[];
  overrides?: { key: string; value: string | number | boolean | null }[];
  name?: string;
  /** Workspace folder (name, path or URI string) for launch.json / tasks.json in a multi-root workspace. */
  folder?: string;
  /** Update an entry with the same name without asking. */
  replace?: boolean;
}

export const ANSWERS_KEY = 'modelGarden.launch.answers';

const SKIP = '';

/** The question counter shown in every title ("Model — step 3"); reset when the wizard starts. */
let step = 0;
function stepTitle(title: string): string {
  step++;
  return `${title} — step ${step}`;
}

async function pick<T>(
  title: string,
  items: (vscode.QuickPickItem & { value: T })[],
  remembered: T | undefined,
): Promise<T | undefined> {
  const sorted =
    remembered === undefined
      ? items
      : [...items].sort((a, b) => Number(b.value === remembered) - Number(a.value === remembered));
  return (
    await vscode.window.showQuickPick(sorted, {
      title: stepTitle(title),
      placeHolder: title,
      matchOnDescription: true,
      ignoreFocusOut: true,
    })
  )?.value;
}

/** A path: typed (local or gs://) or chosen with the file picker. `SKIP` when left out. */
async function askPath(
  title: string,
  remembered: string | undefined,
  options: { folders?: boolean; optional?: boolean; example: string },
): Promise<string | undefined> {
  const items: (vscode.QuickPickItem & { value: string })[] = [];
  if (remembered) items.push({ label: remembered, description: 'last used', value: remembered });
  items.push(
    { label: '$(folder-opened) Browse…', value: '\0browse' },
    { label: '$(edit) Type a path or gs:// URL…', value: '\0type' },
  );
  if (options.optional) items.push({ label: 'Leave out', value: SKIP });
  const choice = await vscode.window.showQuickPick(items, {
    title: stepTitle(title),
    placeHolder: title,
    ignoreFocusOut: true,
  });
  if (choice === undefined) return undefined;
  if (choice.value === '\0browse') {
    const uris = await vscode.window.showOpenDialog({
      title,
      canSelectFiles: !options.folders,
      canSelectFolders: !!options.folders,
      canSelectMany: false,
    });
    return uris?.[0]?.fsPath;
  }
  if (choice.value === '\0type') {
    return vscode.window.showInputBox({
      title,
      prompt: `e.g. ${options.example}`,
      value: remembered,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a path'),
    });
  }
  return choice.value;
}

/** Fills in every missing answer by asking; undefined when the user cancels. */
export async function askMissing(
  given: LaunchAnswers,
  remembered: LaunchAnswers,
  downloadedCheckpoint: (modelId: string) => Promise<string | undefined> = async () => undefined,
): Promise<LaunchAnswers | undefined> {
  const a: LaunchAnswers = { ...given };
  step = 0;
  if (!a.model) {
    const items = CATALOG.map((m) => ({
      label: m.name,
      description: m.id,
      detail: availableSources(m).join(' · '),
      value: m.id,
    }));
    a.model = await pick('Model', items, remembered.model);
    if (!a.model) return undefined;
  }
  const model = findModel(a.model);
  if (!model) throw new Error(`Unknown catalog model "${a.model}"`);
  if (!a.source) {
    const sources = availableSources(model);
    a.source =
      sources.length === 1
        ? sources[0]
        : await pick(
            'Initialize from',
            sources.map((s) => ({
              label: s === 'hub' ? 'TF-Hub handle' : 'Checkpoint',
              description: s === 'hub' ? (model.hubUrl ?? '') : (model.checkpointUrl ?? ''),
              value: s,
            })),
            remembered.source,
          );
    if (!a.source) return undefined;
  }
  if (a.source === 'checkpoint' && a.checkpoint === undefined) {
    const fallback = defaultCheckpoint(model);
    // A checkpoint downloaded into the model cache is the first suggestion: it is local and complete.
    const downloaded = await downloadedCheckpoint(model.id);
    a.checkpoint = await askPath(
      'Checkpoint prefix (…/bert_model.ckpt) or folder',
      downloaded ??
        (remembered.model === model.id
          ? remembered.checkpoint
          : fallback.placeholder
            ? undefined
            : fallback.path),
      { example: fallback.path },
    );
    if (a.checkpoint === undefined) return undefined;
  }
  if (!a.experiment) {
    a.experiment = await pick(
      'Experiment',
      EXPERIMENTS.filter((e) => e.fineTuning || e.task === 'pretraining').map((e) => ({
        label: e.name,
        description: e.description,
        value: e.name,
      })),
      remembered.experiment,
    );
    if (!a.experiment) return undefined;
  }
  if (
    findExperiment(a.experiment)?.task === 'sentence_prediction' &&
    a.numClasses === undefined &&
    a.experimentConfig === undefined
  ) {
    const dataset = await pick(
      'Dataset settings',
      [
        {
          label: 'My own dataset',
          description: 'no dataset YAML; give the number of classes',
          value: 'own' as const,
        },
        {
          label: 'MNLI (glue_mnli_matched.yaml)',
          description: '3 classes, seq_length 128; the YAML needs a tensorflow/models checkout',
          value: 'mnli' as const,
        },
      ],
      remembered.experimentConfig === undefined ? undefined : remembered.experimentConfig ? 'mnli' : 'own',
    );
    if (!dataset) return undefined;
    if (dataset === 'mnli') {
      a.experimentConfig = true;
      a.numClasses = 3;
    } else {
      a.experimentConfig = false;
      const classes = await vscode.window.showInputBox({
        title: 'Number of classes (task.model.num_classes)',
        value: String(remembered.numClasses ?? 2),
        ignoreFocusOut: true,
        validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'A whole number (1 for regression)'),
      });
      if (!classes) return undefined;
      a.numClasses = Number(classes);
    }
  }
  if (!a.mode) {
    a.mode = await pick(
      'Mode',
      MODES.filter((m) => m !== 'train_and_validate').map((m) => ({ label: m, value: m as string })),
      remembered.mode ?? 'train_and_eval',
    );
    if (!a.mode) return undefined;
  }
  if (!a.distribution) {
    a.distribution = await askDistribution(remembered.distribution);
    if (!a.distribution) return undefined;
  }
  if (!a.target) {
    a.target = await pick<LaunchTarget>(
      'Launch from',
      [
        { label: '$(debug-alt) launch.json', description: 'debugpy configuration', value: 'launch' },
        { label: '$(tools) tasks.json', description: 'shell task', value: 'task' },
        { label: '$(copy) Copy command', description: 'for this terminal', value: 'copy' },
        { label: '$(terminal) Run in terminal', value: 'terminal' },
        {
          label: '$(cloud) Vertex AI CustomJob',
          description: 'YAML for gcloud ai custom-jobs create',
          value: 'vertex',
        },
        { label: '$(server) Cloud TPU VM', description: 'gcloud … tpu-vm ssh command', value: 'tpu' },
      ],
      remembered.target,
    );
    if (!a.target) return undefined;
  }
  if (!a.modelDir) {
    a.modelDir = await askPath('model_dir (checkpoints, summaries, params.yaml)', remembered.modelDir, {
      folders: true,
      example: '/tmp/model_dir or gs://bucket/run1',
    });
    if (!a.modelDir) return undefined;
  }
  const experiment = findExperiment(a.experiment);
  const mode = a.mode as Mode;
  if (a.trainData === undefined && modeTrains(mode)) {
    a.trainData = await askPath('Training data (task.train_data.input_path)', remembered.trainData, {
      optional: true,
      example: '/data/train.tf_record',
    });
    if (a.trainData === undefined) return undefined;
  }
  if (a.evalData === undefined && modeEvaluates(mode)) {
    a.evalData = await askPath('Evaluation data (task.validation_data.input_path)', remembered.evalData, {
      optional: true,
      example: '/data/eval.tf_record',
    });
    if (a.evalData === undefined) return undefined;
  }
  if (
    a.vocabFile === undefined &&
    (experiment?.task === 'squad' || experiment?.task === 'sentence_prediction_text')
  ) {
    a.vocabFile = await askPath('Vocabulary (vocab.txt or SentencePiece .model)', remembered.vocabFile, {
      optional: true,
      example: '/ckpt/vocab.txt',
    });
    if (a.vocabFile === undefined) return undefined;
  }
  if (!a.name && (a.target === 'launch' || a.target === 'task')) {
    a.name = await vscode.window.showInputBox({
      title: 'Configuration name',
      value: defaultName(model, a.experiment),
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
    });
    if (!a.name) return undefined;
  }
  return a;
}

export function defaultName(model: CatalogModel, experiment: string): string {
  return `${model.name}: ${experiment}`;
}

async function askDistribution(remembered: Distribution | undefined): Promise<Distribution | undefined> {
  const kind = await pick(
    'Run on',
    [
      { label: 'Local CPU', value: 'cpu' as const },
      {
        label: 'GPUs on this machine',
        description: 'runtime.distribution_strategy=mirrored',
        value: 'gpu' as const,
      },
      { label: 'Cloud TPU', description: '--tpu, runtime.distribution_strategy=tpu', value: 'tpu' as const },
      { label: 'Several machines', description: 'multi_worker_mirrored', value: 'multi-worker' as const },
    ],
    remembered?.kind,
  );
  if (!kind) return undefined;
  if (kind === 'cpu') return { kind };
  const number = (title: string, value: string) =>
    vscode.window.showInputBox({
      title,
      value,
      ignoreFocusOut: true,
      validateInput: (v) => (/^[1-9]\d*$/.test(v) ? undefined : 'A whole number'),
    });
  if (kind === 'gpu') {
    const count = await number('Number of GPUs', String(remembered?.kind === 'gpu' ? remembered.count : 1));
    return count ? { kind, count: Number(count) } : undefined;
  }
  if (kind === 'tpu') {
    const name = await vscode.window.showInputBox({
      title: 'TPU name or grpc://ip:8470',
      value: remembered?.kind === 'tpu' ? remembered.name : '',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'Enter a name'),
    });
    return name ? { kind, name } : undefined;
  }
  const workers = await number(
    'Number of machines',
    String(remembered?.kind === 'multi-worker' ? remembered.workers : 2),
  );
  if (!workers) return undefined;
  const gpus = await number(
    'GPUs per machine',
    String(remembered?.kind === 'multi-worker' ? remembered.gpusPerWorker : 1),
  );
  return gpus ? { kind, workers: Number(workers), gpusPerWorker: Number(gpus) } : undefined;
}

/** Reads the remembered answers of this workspace. */
export function rememberedAnswers(state: vscode.Memento): LaunchAnswers {
  return state.get<LaunchAnswers>(ANSWERS_KEY) ?? {};
}

export function normalizeSkips(a: LaunchAnswers): LaunchAnswers {
  return {
    ...a,
    trainData: a.trainData || undefined,
    evalData: a.evalData || undefined,
    vocabFile: a.vocabFile || undefined,
  };
}
