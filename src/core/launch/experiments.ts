// What official/nlp/train.py knows: modes, registered experiments and the YAML files shipped under
// official/nlp/configs/ (shared/reference/MODEL_GARDEN.md §3).

export const MODES = [
  'train',
  'eval',
  'train_and_eval',
  'continuous_eval',
  'continuous_train_and_eval',
  'train_and_validate',
  'train_and_post_eval',
] as const;
export type Mode = (typeof MODES)[number];

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}

/** Modes that read `task.validation_data`. */
export function modeEvaluates(mode: Mode): boolean {
  return mode !== 'train';
}

/** Modes that read `task.train_data`. */
export function modeTrains(mode: Mode): boolean {
  return mode !== 'eval' && mode !== 'continuous_eval';
}

export type TaskKind =
  'sentence_prediction' | 'sentence_prediction_text' | 'squad' | 'tagging' | 'pretraining' | 'other';

export interface Experiment {
  readonly name: string;
  readonly task: TaskKind;
  /** The four fine-tuning experiments accept `task.init_checkpoint` or `task.hub_module_url`. */
  readonly fineTuning: boolean;
  /** The shipped `configs/experiments/*.yaml` documented with this experiment, relative to official/nlp. */
  readonly configFile: string | null;
  /** Values the experiment's shipped YAML sets that the validator checks against. */
  readonly yamlDefaults: Readonly<Record<string, string | number | boolean>>;
  readonly description: string;
}

/**
 * The NLP experiments tf-models-official 2.20 registers (test/oracle/launch-registry.test.ts checks
 * this list against the installed registry). The teams/* experiments of older releases are gone:
 * official.projects.teams is no longer imported by experiment_configs.
 */
export const EXPERIMENTS: readonly Experiment[] = [
  {
    name: 'bert/sentence_prediction',
    task: 'sentence_prediction',
    fineTuning: true,
    configFile: 'configs/experiments/glue_mnli_matched.yaml',
    yamlDefaults: { 'task.train_data.seq_length': 128, 'task.validation_data.seq_length': 128 },
    description: 'Sentence(-pair) classification from TFRecords (GLUE)',
  },
  {
    name: 'bert/sentence_prediction_text',
    task: 'sentence_prediction_text',
    fineTuning: true,
    configFile: 'configs/experiments/glue_mnli_text.yaml',
    yamlDefaults: { 'task.train_data.lower_case': true, 'task.validation_data.lower_case': true },
    description: 'Sentence(-pair) classification from raw text or TFDS',
  },
  {
    name: 'bert/squad',
    task: 'squad',
    fineTuning: true,
    configFile: 'configs/experiments/squad_v1.yaml',
    yamlDefaults: {
      'task.train_data.seq_length': 384,
      'task.validation_data.seq_length': 384,
      'task.validation_data.do_lower_case': true,
    },
    description: 'Extractive question answering (SQuAD)',
  },
  {
    name: 'bert/tagging',
    task: 'tagging',
    fineTuning: true,
    configFile: null,
    yamlDefaults: {},
    description: 'Token classification (needs task.class_names)',
  },
  {
    name: 'bert/pretraining',
    task: 'pretraining',
    fineTuning: false,
    configFile: 'configs/experiments/wiki_books_pretrain.yaml',
    yamlDefaults: { 'task.train_data.seq_length': 512, 'task.validation_data.seq_length': 512 },
    description: 'BERT masked-LM pretraining',
  },
  {
    name: 'bert/pretraining_dynamic',
    task: 'pretraining',
    fineTuning: false,
    configFile: null,
    yamlDefaults: {},
    description: 'BERT pretraining with dynamic sequence length',
  },
  {
    name: 'bert/text_wiki_pretraining',
    task: 'pretraining',
    fineTuning: false,
    configFile: 'configs/experiments/wiki_tfds_pretrain.yaml',
    yamlDefaults: {},
    description: 'BERT pretraining on TFDS wikipedia (raw text)',
  },
  {
    name: 'electra/pretraining',
    task: 'pretraining',
    fineTuning: false,
    configFile: null,
    yamlDefaults: {},
    description: 'ELECTRA pretraining',
  },
  {
    name: 'wmt_transformer/large',
    task: 'other',
    fineTuning: false,
    configFile: null,
    yamlDefaults: {},
    description: 'WMT Transformer (needs task.sentencepiece_model_path)',
  },
];

export const FINE_TUNING_EXPERIMENTS: readonly string[] = EXPERIMENTS.filter((e) => e.fineTuning).map(
  (e) => e.name,
);

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((experiment) => experiment.name === name);
}

/** Every YAML shipped under official/nlp/configs/, relative to official/nlp. */
export const SHIPPED_CONFIG_FILES: readonly string[] = [
  'configs/experiments/glue_mnli_matched.yaml',
  'configs/experiments/glue_mnli_text.yaml',
  'configs/experiments/squad_v1.yaml',
  'configs/experiments/wiki_books_pretrain.yaml',
  'configs/experiments/wiki_tfds_pretrain.yaml',
  'configs/models/bert_en_uncased_base.yaml',
  'configs/models/albert_base.yaml',
];

/** Names the docs use that do not exist, with the file that does. */
export const MISNAMED_CONFIG_FILES: Readonly<Record<string, string>> = {
  'configs/experiments/squad_v1.1.yaml': 'configs/experiments/squad_v1.yaml',
};

/** Override roots train.py accepts (ExperimentConfig fields). */
export const OVERRIDE_ROOTS: readonly string[] = ['task', 'runtime', 'trainer'];

/** Fields that take a list in `--params_override`. */
export const LIST_KEYS: readonly string[] = [
  'task.class_names',
  'task.train_data.text_fields',
  'task.validation_data.text_fields',
];

export const DISTRIBUTION_STRATEGIES: readonly string[] = [
  'off',
  'one_device',
  'mirrored',
  'parameter_server',
  'multi_worker_mirrored',
  'tpu',
];
