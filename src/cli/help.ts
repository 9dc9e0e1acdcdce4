// `model-garden <command> --help`: what each command does and what each option means.

/** One command's description and options, printed under its usage line. */
interface CommandHelp {
  readonly summary: string;
  readonly options: readonly (readonly [flag: string, meaning: string])[];
  readonly more?: string;
}

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  catalog: {
    summary: "Lists the Model Garden's pre-trained NLP encoders.",
    options: [
      ['--json', 'print an array of model objects (null where a model has none)'],
      ['--family F', 'only bert, bert-variant, albert or electra'],
      ['--search TEXT', 'free text over id, name and facets (e.g. "large cased")'],
    ],
  },
  inspect: {
    summary:
      'Describes a checkpoint: variables, detected family and sizes, heads. PATH is a prefix, .index file, ' +
      'checkpoint or SavedModel folder, or an extracted tarball.',
    options: [
      ['--json', 'print {prefix, numShards, tensors, detected, config}'],
      ['--values KEY', "print one tensor's values as JSON"],
      ['--verify', 'check every CRC; exit 1 with the first failure'],
      ['--num-layers N', 'layer count of a shared ALBERT block when no config beside it gives it'],
    ],
  },
  download: {
    summary:
      "Downloads a catalog model's checkpoint, TF-Hub SavedModel or tokenizer into the cache (resumable).",
    options: [
      ['--what KIND', 'checkpoint (default), hub or tokenizer'],
      ['--cache DIR', 'cache folder (default: MODEL_GARDEN_CACHE, else ~/.cache/model-garden)'],
      ['--url URL', 'download from this URL (a mirror) instead of the catalog URL'],
      ['--sha256 HEX', "check the archive's digest"],
      ['--force', 'download again even when the cache has it'],
    ],
  },
  cache: {
    summary: 'Lists, removes or locates downloads in the model cache.',
    options: [
      ['list', 'the downloads with kind, size and state (default action)'],
      ['rm ID', "remove a model's downloads (--what KIND: only that kind)"],
      ['path', 'print the cache folder'],
      ['--cache DIR', 'cache folder (default: MODEL_GARDEN_CACHE, else ~/.cache/model-garden)'],
      ['--json', 'print JSON'],
    ],
  },
  tokenize: {
    summary: 'Tokenizes text the way the Model Garden does (WordPiece or SentencePiece).',
    options: [
      ['--model ID', "a catalog model's tokenizer (vocab.txt from the cache; ALBERT ships with the tool)"],
      ['--vocab FILE', 'a WordPiece vocab.txt (--lowercase / --no-lowercase to override casing)'],
      ['--spm FILE', 'a SentencePiece .model'],
      ['--text TEXT', 'the text to tokenize'],
      ['--file FILE', 'read the text from a file (--lines: one input per line)'],
      ['--pair TEXT', 'a second segment, packed as bert_pack_inputs does'],
      ['--seq-length N', 'packed sequence length (default 128)'],
      [
        '--flavor F',
        'tokenization.py (default: the data pipeline) or tf-text (the TF-Hub preprocessing models)',
      ],
      ['--cache DIR', 'model cache folder'],
      ['--json', 'print tokens with ids and offsets, inputIds, typeIds, inputMask'],
    ],
  },
  launch: {
    summary: 'Prints (or writes) an official/nlp/train.py command or configuration for a model.',
    options: [
      ['--model ID', 'catalog model (or omit it and give a local --checkpoint with its config)'],
      ['--source S', 'checkpoint or hub'],
      ['--checkpoint PATH', 'a local or gs:// checkpoint instead of the catalog one'],
      ['--hub URL', 'a TF-Hub handle instead of the catalog one'],
      ['--encoder-config F', 'bert_config.json / albert_config.json for a local checkpoint'],
      ['--experiment E', 'e.g. bert/sentence_prediction, bert/squad'],
      ['--mode M', 'train, eval, train_and_eval, continuous_eval, … (any train.py mode)'],
      ['--model-dir DIR', 'where train.py writes checkpoints and summaries'],
      ['--config-file F', 'an experiment YAML (repeatable)'],
      ['--override k=v', 'a params_override entry (repeatable; joined into one flag)'],
      ['--train-data P, --eval-data P', 'input data paths'],
      ['--vocab-file P', 'the vocabulary for the task'],
      ['--class-names A,B', 'label names for classification'],
      ['--num-classes N', 'task.model.num_classes for bert/sentence_prediction'],
      ['--experiment-config C', 'default (the dataset YAML the builder adds) or none'],
      ['--gpus N | --tpu NAME | --workers N', 'where to run (--worker-hosts, --task-index for workers)'],
      ['--repo DIR', 'a tensorflow/models checkout'],
      ['--layout L', 'program (official/nlp/train.py) or module (python3 -m official.nlp.train)'],
      ['--python P', 'the Python interpreter'],
      ['--target T', 'shell (default), powershell, cmd, launch, task, vertex or tpu'],
      ['--zone Z, --image I', 'Cloud TPU zone / Vertex AI container image'],
      ['--multiline', 'break the shell command over lines'],
      ['--json', 'print {argv, overrides, problems, text}'],
      ['--write DIR --name NAME', 'add the entry to DIR/.vscode/launch.json or tasks.json (--replace)'],
    ],
    more: 'Exits 1 when the configuration has errors.',
  },
  validate: {
    summary: 'Checks the train.py calls in launch.json, tasks.json or shell scripts and prints the problems.',
    options: [['--kind K', 'launch, tasks or shell when the file name does not tell']],
    more: 'Prints JSON with line and column; exits 1 when there are errors.',
  },
  resolve: {
    summary:
      "Prints the final experiment config of a train.py call (launch.json, tasks.json or shell script), built by your Python with the Model Garden's own code, as train.py builds it.",
    options: [
      ['--index N', 'which train.py call of the file (default 0, the first)'],
      ['--kind K', 'launch, tasks or shell when the file name does not tell'],
      ['--python P', 'the Python with tf-models-official (default python3)'],
      [
        '--get-configs',
        "download the Model Garden's configs/*.yaml for the installed version when the call names one a pip install lacks",
      ],
      [
        '--config-store DIR',
        'where those files are kept (default: model-garden-configs beside the model cache)',
      ],
      ['--config-base-url URL', 'a mirror of raw.githubusercontent.com/tensorflow/models'],
      ['--json', 'print {ok, yaml | stage, type, message, version, replaced, missing}'],
    ],
    more: 'Exits 1 when train.py would fail, naming the stage (experiment, config_file, params_override, …) and the error.',
  },
  infer: {
    summary: "Runs a checkpoint's encoder on text locally with TensorFlow.js.",
    options: [
      ['--checkpoint PATH', 'checkpoint folder, prefix or .index file'],
      ['--vocab FILE | --spm FILE', 'the vocabulary (default: found beside the checkpoint)'],
      ['--text TEXT', 'the input ([MASK] stays the mask token)'],
      ['--pair TEXT', 'a second segment (the context for squad)'],
      ['--task T', 'encode (default), fill-mask, classify, squad, tag or rtd'],
      ['--top-k K', 'fill-mask candidates per mask (default 5)'],
      ['--backend B', 'auto (default), tensorflow, wasm or cpu'],
      ['--num-layers N', 'layer count of a shared ALBERT block when no config beside it gives it'],
      ['--json', 'print backend, tokens, ids, pooled output and the task result'],
      ['--ids I,I,...', 'run exact token ids instead of --text (no tokenizer)'],
      ['--type-ids T,..., --input-mask M,...', 'segment ids and mask for --ids (default zeros, ones)'],
      ['--positions P,...', 'positions scored by the masked-LM head with --ids'],
      ['--outputs', 'with --ids: print every raw output (sequence, pooled, masked-LM, heads)'],
    ],
  },
  bench: {
    summary: "Times a random-weight encoder's forward pass (latency, GFLOP/s).",
    options: [
      ['--layers N, --hidden N, --heads N', 'encoder shape (default 12, 768, 12)'],
      ['--intermediate N', 'feed-forward size (default 4 × hidden)'],
      ['--seq N, --batch N', 'input shape (default 128, 1)'],
      ['--runs N', 'timed runs (default 5)'],
      ['--threads N', 'WebAssembly threads'],
      ['--backend B', 'auto (default), tensorflow, wasm or cpu'],
      ['--json', 'print JSON'],
    ],
  },
  runs: {
    summary:
      'Lists the training runs of a model_dir (train/, validation/): status, steps and latest scalars.',
    options: [['--json', 'print the runs with their steps and last scalars']],
  },
  scalars: {
    summary: "Prints one scalar tag's points from a model_dir's TensorFlow event files.",
    options: [
      ['--tag T', 'the scalar tag (e.g. training_loss)'],
      ['--run R', 'only this run (train, validation, ...)'],
      ['--csv', 'print run,step,wall_time,value rows'],
      ['--json', 'print the points as JSON'],
    ],
  },
};

/** True when the arguments ask for help: `--help` or `-h` before any `--`. */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}

/** The full help of one command. */
export function commandHelp(name: string, usage: string): string {
  const help = COMMAND_HELP[name];
  const lines = [`Usage: ${usage}`];
  if (!help) return lines.join('\n');
  lines.push('', help.summary, '', 'Options:');
  const width = Math.min(34, Math.max(...help.options.map(([flag]) => flag.length)));
  for (const [flag, meaning] of help.options) {
    lines.push(
      flag.length > width
        ? `  ${flag}\n  ${' '.repeat(width)}  ${meaning}`
        : `  ${flag.padEnd(width)}  ${meaning}`,
    );
  }
  lines.push(`  ${'-h, --help'.padEnd(width)}  print this help`);
  if (help.more) lines.push('', help.more);
  return lines.join('\n');
}
