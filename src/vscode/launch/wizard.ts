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
const BACK = Symbol('back');
type Answer<T> = T | typeof BACK | undefined;

type Item<T> = vscode.QuickPickItem & { value: T };

/** What a test sees of the open wizard question (and can do to it, as a user would). */
export interface WizardInputView {
  readonly kind: 'pick' | 'input';
  readonly title: string;
  readonly step: number | undefined;
  readonly totalSteps: number | undefined;
  /** Labels of a QuickPick's items, in order. */
  readonly items: readonly string[];
  /** The highlighted item's label. */
  readonly active: string | undefined;
  /** An input box's text. */
  readonly value: string;
  readonly hasBack: boolean;
  /** A QuickPick whose list is still being read (the experiment registry). */
  readonly busy: boolean;
  /** Highlights the item with this label (then accept it with workbench.action.acceptSelectedQuickOpenItem). */
  choose(label: string): void;
  /** Replaces an input box's text. */
  type(value: string): void;
}

let open:
  | { kind: 'pick'; input: vscode.QuickPick<Item<unknown>> }
  | { kind: 'input'; input: vscode.InputBox }
  | undefined;

/** The wizard question open now, if any (for the integration tests). */
export function wizardInput(): WizardInputView | undefined {
  const current = open;
  if (!current) return undefined;
  const input = current.input;
  return {
    kind: current.kind,
    title: input.title ?? '',
    step: input.step,
    totalSteps: input.totalSteps,
    items: current.kind === 'pick' ? current.input.items.map((i) => i.label) : [],
    active: current.kind === 'pick' ? current.input.activeItems[0]?.label : undefined,
    value: input.value,
    hasBack: input.buttons.includes(vscode.QuickInputButtons.Back),
    busy: input.busy,
    choose(label) {
      if (current.kind !== 'pick') throw new Error('not a QuickPick');
      const item = current.input.items.find((i) => i.label === label);
      if (!item) {
        throw new Error(`no item "${label}" in ${current.input.items.map((i) => i.label).join(', ')}`);
      }
      current.input.activeItems = [item];
    },
    type(value) {
      input.value = value;
    },
  };
}

/** Where the question stands: "step N of M" and whether Back is offered. */
interface Place {
  readonly step: number;
  readonly total: number;
  readonly back: boolean;
}

function showPick<T>(
  place: Place,
  title: string,
  items: Item<T>[],
  preferred: T | undefined,
  options: { later?: Promise<Item<T>[] | undefined> } = {},
): Promise<Answer<T>> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<Item<T>>();
    pick.title = title;
    pick.step = place.step;
    pick.totalSteps = place.total;
    pick.placeholder = title;
    pick.ignoreFocusOut = true;
    pick.matchOnDescription = true;
    pick.buttons = place.back ? [vscode.QuickInputButtons.Back] : [];
    const setItems = (list: Item<T>[]) => {
      const keep = pick.activeItems[0]?.value;
      const first = keep !== undefined && list.some((i) => i.value === keep) ? keep : preferred;
      const sorted =
        first === undefined
          ? list
          : [...list].sort((a, b) => Number(b.value === first) - Number(a.value === first));
      pick.items = sorted;
      const active = sorted.find((i) => i.value === first);
      if (active) pick.activeItems = [active];
    };
    setItems(items);
    let done = false;
    const finish = (value: Answer<T>) => {
      if (done) return;
      done = true;
      if (open?.input === pick) open = undefined;
      pick.dispose();
      resolve(value);
    };
    if (options.later) {
      // The list is replaced when it arrives (the registry of the user's Model Garden); usable meanwhile.
      pick.busy = true;
      void options.later.then(
        (list) => {
          if (done) return;
          pick.busy = false;
          if (list?.length) setItems(list);
        },
        () => {
          pick.busy = false;
        },
      );
    }
    pick.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) finish(BACK);
    });
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (item) finish(item.value);
    });
    pick.onDidHide(() => finish(undefined));
    open = { kind: 'pick', input: pick as unknown as vscode.QuickPick<Item<unknown>> };
    pick.show();
  });
}

function showInput(
  place: Place,
  title: string,
  value: string | undefined,
  validate: (value: string) => string | undefined,
  prompt?: string,
): Promise<Answer<string>> {
  return new Promise((resolve) => {
    const box = vscode.window.createInputBox();
    box.title = title;
    box.step = place.step;
    box.totalSteps = place.total;
    box.value = value ?? '';
    box.prompt = prompt;
    box.ignoreFocusOut = true;
    box.buttons = place.back ? [vscode.QuickInputButtons.Back] : [];
    let done = false;
    const finish = (answer: Answer<string>) => {
      if (done) return;
      done = true;
      if (open?.input === box) open = undefined;
      box.dispose();
      resolve(answer);
    };
    box.onDidChangeValue((v) => {
      box.validationMessage = validate(v);
    });
    box.onDidTriggerButton((button) => {
      if (button === vscode.QuickInputButtons.Back) finish(BACK);
    });
    box.onDidAccept(() => {
      const message = validate(box.value);
      box.validationMessage = message;
      if (!message) finish(box.value);
    });
    box.onDidHide(() => finish(undefined));
    open = { kind: 'input', input: box };
    box.show();
  });
}

const wholeNumber = (message: string) => (v: string) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : message);

/**
 * A path: typed (local or gs://) or chosen with the file picker; `SKIP` when left out. Back on the
 * typed path returns to this list, as does a cancelled file picker.
 */
async function askPath(
  place: Place,
  title: string,
  current: string | undefined,
  remembered: string | undefined,
  options: { folders?: boolean; optional?: boolean; example: string },
): Promise<Answer<string>> {
  for (;;) {
    const items: Item<string>[] = [];
    const known = current || remembered;
    if (known) {
      items.push({ label: known, description: current ? 'current answer' : 'last used', value: known });
    }
    items.push(
      { label: '$(folder-opened) Browse…', value: '\0browse' },
      { label: '$(edit) Type a path or gs:// URL…', value: '\0type' },
    );
    if (options.optional) items.push({ label: 'Leave out', value: SKIP });
    const choice = await showPick(place, title, items, current === SKIP ? SKIP : known);
    if (choice === undefined || choice === BACK) return choice;
    if (choice === '\0browse') {
      const uris = await vscode.window.showOpenDialog({
        title,
        canSelectFiles: !options.folders,
        canSelectFolders: !!options.folders,
        canSelectMany: false,
      });
      if (uris?.[0]) return uris[0].fsPath;
      continue;
    }
    if (choice === '\0type') {
      const typed = await showInput(
        { ...place, back: true },
        title,
        known,
        (v) => (v.trim() ? undefined : 'Enter a path'),
        `e.g. ${options.example}`,
      );
      if (typed === BACK) continue;
      return typed;
    }
    return choice;
  }
}

type Outcome = 'next' | typeof BACK | undefined;

/** One question of the wizard. */
interface Step {
  readonly id: string;
  /** The answers this question sets (dropped at the end when it no longer applies). */
  readonly keys: readonly (keyof LaunchAnswers)[];
  /** Whether it is asked, given what is answered so far (an unknown answer counts as likely). */
  applies(a: LaunchAnswers): boolean;
  /** Asks; sets the answers in `a` and returns 'next', or BACK, or undefined (cancelled). */
  ask(a: LaunchAnswers, place: Place): Promise<Outcome>;
}

/** Experiments the wizard offers: the installed Model Garden's registry, else the built-in list. */
export function experimentItems(registry: readonly string[] | undefined): Item<string>[] {
  if (!registry?.length) {
    return EXPERIMENTS.filter((e) => e.fineTuning || e.task === 'pretraining').map((e) => ({
      label: e.name,
      description: e.description,
      value: e.name,
    }));
  }
  return registry
    .filter((name) => {
      const known = findExperiment(name);
      return !known || known.fineTuning || known.task === 'pretraining';
    })
    .map((name) => ({
      label: name,
      description: findExperiment(name)?.description ?? 'registered by your Model Garden',
      value: name,
    }));
}

function picked<T>(answer: Answer<T>, set: (value: T) => void): Outcome {
  if (answer === BACK) return BACK;
  if (answer === undefined) return undefined;
  set(answer);
  return 'next';
}

interface Registry {
  /** Read before the wizard started. */
  readonly now?: readonly string[];
  /** Being read; replaces the list when it arrives. */
  readonly later?: Promise<readonly string[] | undefined>;
}

function wizardSteps(
  given: LaunchAnswers,
  remembered: LaunchAnswers,
  downloadedCheckpoint: (modelId: string) => Promise<string | undefined>,
  registry: Registry,
): Step[] {
  const model = (a: LaunchAnswers) => (a.model ? findModel(a.model) : undefined);
  const task = (a: LaunchAnswers) => (a.experiment ? findExperiment(a.experiment)?.task : undefined);
  const mode = (a: LaunchAnswers) => a.mode as Mode | undefined;
  const datasetAsked = given.numClasses === undefined && given.experimentConfig === undefined;
  const distributionStep = (
    id: string,
    kind: Distribution['kind'],
    title: string,
    read: (d: Distribution) => string,
    write: (d: Distribution, value: number | string) => Distribution,
    validate: (v: string) => string | undefined,
  ): Step => ({
    id,
    keys: ['distribution'],
    applies: (a) => !given.distribution && a.distribution?.kind === kind,
    ask: async (a, place) =>
      picked(await showInput(place, title, read(a.distribution!), validate), (value) => {
        const text = value.trim();
        a.distribution = write(a.distribution!, /^\d+$/.test(text) && kind !== 'tpu' ? Number(text) : text);
      }),
  });
  const pathStep = (
    id: 'trainData' | 'evalData' | 'vocabFile',
    title: string,
    example: string,
    applies: (a: LaunchAnswers) => boolean,
  ): Step => ({
    id,
    keys: [id],
    applies: (a) => given[id] === undefined && applies(a),
    ask: async (a, place) =>
      picked(await askPath(place, title, a[id], remembered[id], { optional: true, example }), (value) => {
        a[id] = value;
      }),
  });
  return [
    {
      id: 'model',
      keys: ['model'],
      applies: () => !given.model,
      ask: async (a, place) => {
        const items = CATALOG.map((m) => ({
          label: m.name,
          description: m.id,
          detail: availableSources(m).join(' · '),
          value: m.id,
        }));
        return picked(await showPick(place, 'Model', items, a.model ?? remembered.model), (value) => {
          if (value !== a.model) {
            // Another model: its source and checkpoint are asked afresh.
            if (!given.source) delete a.source;
            if (given.checkpoint === undefined) delete a.checkpoint;
          }
          a.model = value;
        });
      },
    },
    {
      id: 'source',
      keys: ['source'],
      applies: (a) => !given.source && (model(a) ? availableSources(model(a)!).length > 1 : true),
      ask: async (a, place) => {
        const m = model(a)!;
        const items = availableSources(m).map((s) => ({
          label: s === 'hub' ? 'TF-Hub handle' : 'Checkpoint',
          description: s === 'hub' ? (m.hubUrl ?? '') : (m.checkpointUrl ?? ''),
          value: s,
        }));
        return picked(
          await showPick(place, 'Initialize from', items, a.source ?? remembered.source),
          (value) => {
            a.source = value;
          },
        );
      },
    },
    {
      id: 'checkpoint',
      keys: ['checkpoint'],
      applies: (a) => given.checkpoint === undefined && a.source === 'checkpoint',
      ask: async (a, place) => {
        const m = model(a)!;
        const fallback = defaultCheckpoint(m);
        // A checkpoint downloaded into the model cache is the first suggestion: it is local and complete.
        const downloaded = await downloadedCheckpoint(m.id);
        const suggestion =
          downloaded ??
          (remembered.model === m.id
            ? remembered.checkpoint
            : fallback.placeholder
              ? undefined
              : fallback.path);
        const answer = await askPath(
          place,
          'Checkpoint prefix (…/bert_model.ckpt) or folder',
          a.checkpoint,
          suggestion,
          { example: fallback.path },
        );
        return picked(answer, (value) => {
          a.checkpoint = value;
        });
      },
    },
    {
      id: 'experiment',
      keys: ['experiment'],
      applies: () => !given.experiment,
      ask: async (a, place) => {
        const later = registry.later?.then((list) => (list?.length ? experimentItems(list) : undefined));
        const answer = await showPick(
          place,
          'Experiment',
          experimentItems(registry.now),
          a.experiment ?? remembered.experiment,
          { later },
        );
        return picked(answer, (value) => {
          if (value !== a.experiment && datasetAsked) {
            delete a.experimentConfig;
            delete a.numClasses;
          }
          a.experiment = value;
        });
      },
    },
    {
      id: 'dataset',
      keys: ['experimentConfig', 'numClasses'],
      applies: (a) => datasetAsked && task(a) === 'sentence_prediction',
      ask: async (a, place) => {
        const current = a.experimentConfig ?? remembered.experimentConfig;
        const choice = await showPick(
          place,
          'Dataset settings',
          [
            {
              label: 'My own dataset',
              description: 'no dataset YAML; give the number of classes',
              value: 'own' as const,
            },
            {
              label: 'MNLI (glue_mnli_matched.yaml)',
              description: '3 classes, seq_length 128 (the Model Garden’s YAML file)',
              value: 'mnli' as const,
            },
          ],
          current === undefined ? undefined : current ? 'mnli' : 'own',
        );
        return picked(choice, (value) => {
          if (value === 'mnli') a.numClasses = 3;
          else if (a.experimentConfig === true) delete a.numClasses;
          a.experimentConfig = value === 'mnli';
        });
      },
    },
    {
      id: 'numClasses',
      keys: ['numClasses'],
      applies: (a) => datasetAsked && task(a) === 'sentence_prediction' && a.experimentConfig === false,
      ask: async (a, place) =>
        picked(
          await showInput(
            place,
            'Number of classes (task.model.num_classes)',
            String(a.numClasses ?? remembered.numClasses ?? 2),
            wholeNumber('A whole number (1 for regression)'),
          ),
          (value) => {
            a.numClasses = Number(value.trim());
          },
        ),
    },
    {
      id: 'mode',
      keys: ['mode'],
      applies: () => !given.mode,
      ask: async (a, place) =>
        picked(
          await showPick(
            place,
            'Mode',
            MODES.filter((m) => m !== 'train_and_validate').map((m) => ({ label: m, value: m as string })),
            a.mode ?? remembered.mode ?? 'train_and_eval',
          ),
          (value) => {
            a.mode = value;
          },
        ),
    },
    {
      id: 'runOn',
      keys: ['distribution'],
      applies: () => !given.distribution,
      ask: async (a, place) => {
        const before = a.distribution ?? remembered.distribution;
        const kind = await showPick(
          place,
          'Run on',
          [
            { label: 'Local CPU', value: 'cpu' as const },
            {
              label: 'GPUs on this machine',
              description: 'runtime.distribution_strategy=mirrored',
              value: 'gpu' as const,
            },
            {
              label: 'Cloud TPU',
              description: '--tpu, runtime.distribution_strategy=tpu',
              value: 'tpu' as const,
            },
            {
              label: 'Several machines',
              description: 'multi_worker_mirrored',
              value: 'multi-worker' as const,
            },
          ],
          before?.kind,
        );
        return picked(kind, (value) => {
          if (before?.kind === value) a.distribution = before;
          else if (value === 'cpu') a.distribution = { kind: value };
          else if (value === 'gpu') a.distribution = { kind: value, count: 1 };
          else if (value === 'tpu') a.distribution = { kind: value, name: '' };
          else a.distribution = { kind: value, workers: 2, gpusPerWorker: 1 };
        });
      },
    },
    distributionStep(
      'gpus',
      'gpu',
      'Number of GPUs',
      (d) => String(d.kind === 'gpu' ? d.count : 1),
      (_, v) => ({ kind: 'gpu', count: Number(v) }),
      wholeNumber('A whole number'),
    ),
    distributionStep(
      'tpu',
      'tpu',
      'TPU name or grpc://ip:8470',
      (d) => (d.kind === 'tpu' ? d.name : ''),
      (_, v) => ({ kind: 'tpu', name: String(v) }),
      (v) => (v.trim() ? undefined : 'Enter a name'),
    ),
    distributionStep(
      'workers',
      'multi-worker',
      'Number of machines',
      (d) => String(d.kind === 'multi-worker' ? d.workers : 2),
      (d, v) => ({
        kind: 'multi-worker',
        workers: Number(v),
        gpusPerWorker: d.kind === 'multi-worker' ? d.gpusPerWorker : 1,
      }),
      wholeNumber('A whole number'),
    ),
    distributionStep(
      'gpusPerWorker',
      'multi-worker',
      'GPUs per machine',
      (d) => String(d.kind === 'multi-worker' ? d.gpusPerWorker : 1),
      (d, v) => ({
        kind: 'multi-worker',
        workers: d.kind === 'multi-worker' ? d.workers : 2,
        gpusPerWorker: Number(v),
      }),
      wholeNumber('A whole number'),
    ),
    {
      id: 'target',
      keys: ['target'],
      applies: () => !given.target,
      ask: async (a, place) =>
        picked(
          await showPick<LaunchTarget>(
            place,
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
            a.target ?? remembered.target,
          ),
          (value) => {
            a.target = value;
          },
        ),
    },
    {
      id: 'modelDir',
      keys: ['modelDir'],
      applies: () => !given.modelDir,
      ask: async (a, place) =>
        picked(
          await askPath(
            place,
            'model_dir (checkpoints, summaries, params.yaml)',
            a.modelDir,
            remembered.modelDir,
            { folders: true, example: '/tmp/model_dir or gs://bucket/run1' },
          ),
          (value) => {
            a.modelDir = value;
          },
        ),
    },
    pathStep(
      'trainData',
      'Training data (task.train_data.input_path)',
      '/data/train.tf_record',
      (a) => !mode(a) || modeTrains(mode(a)!),
    ),
    pathStep(
      'evalData',
      'Evaluation data (task.validation_data.input_path)',
      '/data/eval.tf_record',
      (a) => !mode(a) || modeEvaluates(mode(a)!),
    ),
    pathStep(
      'vocabFile',
      'Vocabulary (vocab.txt or SentencePiece .model)',
      '/ckpt/vocab.txt',
      (a) => task(a) === 'squad' || task(a) === 'sentence_prediction_text',
    ),
    {
      id: 'name',
      keys: ['name'],
      applies: (a) => !given.name && (!a.target || a.target === 'launch' || a.target === 'task'),
      ask: async (a, place) =>
        picked(
          await showInput(
            place,
            'Configuration name',
            a.name ?? defaultName(model(a)!, a.experiment!),
            (v) => (v.trim() ? undefined : 'Enter a name'),
          ),
          (value) => {
            a.name = value;
          },
        ),
    },
  ];
}

/**
 * Fills in every missing answer by asking, one question per step ("step N of M" on each, Back to
 * the previous question with its answer kept); undefined when the user cancels. The experiment list
 * is the registry of the user's Model Garden when it is read, else the built-in one.
 */
export async function askMissing(
  given: LaunchAnswers,
  remembered: LaunchAnswers,
  downloadedCheckpoint: (modelId: string) => Promise<string | undefined> = async () => undefined,
  registry: Registry = {},
): Promise<LaunchAnswers | undefined> {
  const a: LaunchAnswers = { ...given };
  if (a.model && !findModel(a.model)) throw new Error(`Unknown catalog model "${a.model}"`);
  const steps = wizardSteps(given, remembered, downloadedCheckpoint, registry);
  const history: number[] = [];
  let index = 0;
  for (;;) {
    // A model with one source needs no question.
    const chosen = a.model ? findModel(a.model) : undefined;
    if (chosen && !given.source && availableSources(chosen).length === 1) {
      a.source = availableSources(chosen)[0];
    }
    while (index < steps.length && !steps[index].applies(a)) index++;
    if (index >= steps.length) break;
    const applicable = steps.filter((s) => s.applies(a));
    const place: Place = {
      step: applicable.indexOf(steps[index]) + 1,
      total: applicable.length,
      back: history.length > 0,
    };
    const outcome = await steps[index].ask(a, place);
    if (outcome === undefined) return undefined;
    if (outcome === BACK) {
      index = history.pop() ?? index;
      continue;
    }
    history.push(index);
    index++;
  }
  // Answers to questions that no longer apply (changed on the way back) are dropped.
  const live = new Set(steps.filter((s) => s.applies(a)).flatMap((s) => s.keys));
  for (const step of steps) {
    for (const key of step.keys) if (!live.has(key) && given[key] === undefined) delete a[key];
  }
  return a;
}

export function defaultName(model: CatalogModel, experiment: string): string {
  return `${model.name}: ${experiment}`;
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
