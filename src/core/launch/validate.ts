// Checks the flags of one train.py invocation before a long start-up would: every rule of issue 3
// with a stable code, a severity, the argv element and character range, and quick fixes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CATALOG, findModel, type CatalogModel } from '../catalog';
import { parseFlags, withFlagValue, type FlagUse } from './args';
import {
  findExperiment,
  isMode,
  MISNAMED_CONFIG_FILES,
  MODES,
  EXPERIMENTS,
  OVERRIDE_ROOTS,
} from './experiments';
import { formatValue, isScalar, parseOverrides, type ParsedPair, type OverrideValue } from './overrides';
import { closestValue } from './closest';
import { shippedConfigPath } from './configFiles';
import { readParamsOverride } from './paramsOverride';
import { problem, type Fix, type Problem } from './problems';

/** What the validator may ask the file system; injectable for tests and remote files. */
export interface FileProbe {
  kind(file: string): 'file' | 'dir' | undefined;
  list(dir: string): string[];
}

export const nodeProbe: FileProbe = {
  kind(file) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    return stat ? (stat.isDirectory() ? 'dir' : 'file') : undefined;
  },
  list(dir) {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  },
};

export interface ValidationContext {
  /** Directory relative paths are resolved against; relative paths are not checked without it. */
  readonly cwd?: string;
  /** File-system access for local path checks; `null` turns those checks off. */
  readonly probe?: FileProbe | null;
  /** The catalog model the invocation was built for, when known. */
  readonly modelId?: string;
  /** Experiment names registered by the user's Model Garden, when read; else the built-in list. */
  readonly experiments?: readonly string[];
  /**
   * The downloaded copy of a Model Garden config file (`configs/…`) for the installed
   * tf-models-official, when there is one (src/core/launch/configFiles.ts).
   */
  readonly storedConfig?: (value: string) => string | undefined;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const CHECKPOINT_FILE = /\.(index|data-\d{5}-of-\d{5})$/;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/** The local file a value names, or undefined when it is remote, a pattern or unresolvable. */
export function localPath(value: string, cwd: string | undefined): string | undefined {
  if (!value || SCHEME.test(value) || /[$*?[\]{}~]/.test(value) || value.includes(',')) return undefined;
  if (path.isAbsolute(value) || WINDOWS_DRIVE.test(value)) return value;
  return cwd ? path.join(cwd, value) : undefined;
}

function withoutVersion(url: string): string {
  return url.replace(/\/+$/, '').replace(/\/\d+$/, '');
}

/** Guesses the catalog model from a hub handle or the folder names of a checkpoint path. */
export function identifyModel(values: Readonly<Record<string, unknown>>): CatalogModel | undefined {
  const hub = values['task.hub_module_url'];
  if (typeof hub === 'string' && hub) {
    const wanted = withoutVersion(hub);
    const byHub = CATALOG.find((m) => m.hubUrl && withoutVersion(m.hubUrl) === wanted);
    if (byHub) return byHub;
  }
  const checkpoint = values['task.init_checkpoint'];
  if (typeof checkpoint === 'string' && checkpoint) {
    const segments = checkpoint.split(/[\\/]+/);
    return CATALOG.find(
      (m) =>
        segments.includes(m.id) ||
        (m.family !== 'electra' && m.checkpointFolder !== null && segments.includes(m.checkpointFolder)) ||
        (m.family === 'electra' &&
          m.checkpointFolder !== null &&
          /(^|[\\/])electra[\\/]/.test(checkpoint) &&
          segments.includes(m.checkpointFolder)),
    );
  }
  return undefined;
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The params_override text with one pair removed (and its separating comma). */
export function removePair(text: string, pairs: readonly ParsedPair[], index: number): string {
  const pair = pairs[index];
  if (index + 1 < pairs.length) return text.slice(0, pair.start) + text.slice(pairs[index + 1].start);
  if (index > 0) return text.slice(0, pairs[index - 1].end) + text.slice(pair.end);
  return text.slice(0, pair.start) + text.slice(pair.end);
}

function replacePairValue(text: string, pair: ParsedPair, raw: string): string {
  return text.slice(0, pair.valueStart) + raw + text.slice(pair.end);
}

function last(flags: readonly FlagUse[], name: string): FlagUse | undefined {
  return flags.filter((f) => f.name === name).at(-1);
}

/** Checks train.py flags (the elements after `train.py`). */
export function validateArgs(args: readonly string[], context: ValidationContext = {}): Problem[] {
  const problems: Problem[] = [];
  const flags = parseFlags(args);
  const probe = context.probe === undefined ? nodeProbe : context.probe;
  const valueRange = (flag: FlagUse) => ({
    arg: flag.valueArg,
    start: flag.valueOffset,
    end: args[flag.valueArg].length,
  });

  const experimentFlag = last(flags, 'experiment');
  const experiment = experimentFlag?.value ? findExperiment(experimentFlag.value) : undefined;
  const knownExperiments = context.experiments ?? EXPERIMENTS.map((e) => e.name);
  const valueFix = (flag: FlagUse, value: string | undefined): Fix[] =>
    value
      ? [{ title: `Use ${value}`, edits: [{ arg: flag.valueArg, value: withFlagValue(args, flag, value) }] }]
      : [];
  if (!experimentFlag?.value) {
    problems.push(
      problem(
        'missing-experiment',
        'train.py requires --experiment, e.g. --experiment=bert/sentence_prediction.',
        {
          arg: experimentFlag?.arg,
        },
      ),
    );
  } else if (!knownExperiments.includes(experimentFlag.value)) {
    const closest = closestValue(experimentFlag.value, knownExperiments);
    problems.push(
      problem(
        'unknown-experiment',
        `"${experimentFlag.value}" is not an experiment registered for official/nlp/train.py` +
          `${context.experiments ? ' (read from your Model Garden)' : ''}. ` +
          (closest ? `Did you mean ${closest}? ` : '') +
          `Use one of: ${knownExperiments.join(', ')}.`,
        { ...valueRange(experimentFlag), fixes: valueFix(experimentFlag, closest) },
      ),
    );
  }
  const modeFlag = last(flags, 'mode');
  if (!modeFlag?.value) {
    problems.push(
      problem('missing-mode', `train.py requires --mode, one of: ${MODES.join(', ')}.`, {
        arg: modeFlag?.arg,
      }),
    );
  } else if (!isMode(modeFlag.value)) {
    const closest = closestValue(modeFlag.value, MODES);
    problems.push(
      problem(
        'unknown-mode',
        `"${modeFlag.value}" is not a mode.${closest ? ` Did you mean ${closest}?` : ''} Use one of: ${MODES.join(', ')}.`,
        { ...valueRange(modeFlag), fixes: valueFix(modeFlag, closest) },
      ),
    );
  }
  const modelDirFlag = last(flags, 'model_dir');
  if (!modelDirFlag?.value) {
    problems.push(
      problem(
        'missing-model-dir',
        'train.py requires --model_dir: the folder for checkpoints, summaries and params.yaml.',
        {
          arg: modelDirFlag?.arg,
        },
      ),
    );
  }

  const configFlags = flags.filter((f) => f.name === 'config_file' && f.value !== undefined);
  for (const flag of configFlags) {
    const value = flag.value!;
    const misnamed = Object.entries(MISNAMED_CONFIG_FILES).find(([wrong]) => value.endsWith(wrong));
    if (misnamed) {
      const fixed = value.slice(0, value.length - misnamed[0].length) + misnamed[1];
      problems.push(
        problem(
          'config-file-misnamed',
          `${misnamed[0]} does not exist in the Model Garden (train.md has a typo); the file is ${misnamed[1]}.`,
          {
            ...valueRange(flag),
            fixes: [
              {
                title: `Use ${misnamed[1]}`,
                edits: [{ arg: flag.valueArg, value: withFlagValue(args, flag, fixed) }],
              },
            ],
          },
        ),
      );
      continue;
    }
    const local = probe ? localPath(value, context.cwd) : undefined;
    const shipped = shippedConfigPath(value);
    if (shipped && local && probe && probe.kind(local) === undefined) {
      // The documented relative path of a pip user: the package has no YAML files.
      const where = context.cwd ? ` (relative to ${context.cwd})` : '';
      const stored = context.storedConfig?.(value);
      problems.push(
        stored
          ? problem(
              'path-not-found',
              `Config file ${value} does not exist${where}, so train.py fails on it; the Model Garden's file is downloaded at ${stored}.`,
              {
                ...valueRange(flag),
                fixes: [
                  {
                    title: 'Use the downloaded Model Garden file',
                    edits: [{ arg: flag.valueArg, value: withFlagValue(args, flag, stored) }],
                  },
                ],
              },
            )
          : problem(
              'path-not-found',
              `Config file ${value} does not exist${where}. The tf-models-official package ships no configs/*.yaml: ` +
                "get them with Model Garden: Get the Model Garden's Config Files (or point at a tensorflow/models checkout).",
              valueRange(flag),
            ),
      );
      continue;
    }
    checkExists(value, 'Config file', valueRange(flag));
  }

  const overrideFlags = flags.filter((f) => f.name === 'params_override');
  const parsed = overrideFlags.map((flag) => parseOverrides(flag.value ?? ''));
  if (overrideFlags.length > 1) {
    const lastFlag = overrideFlags.at(-1)!;
    const merged = overrideFlags
      .map((f) => f.value ?? '')
      .filter(Boolean)
      .join(',');
    const mergeable = parsed.every((p) => !p.error);
    // One fix object shared by every ignored flag: a fix lists all the flags, so one per problem
    // would make memory grow with the square of the number of flags.
    const merge: Fix | undefined = mergeable
      ? {
          title: 'Merge into one --params_override',
          edits: [
            ...overrideFlags.slice(0, -1).map((f) => ({ arg: f.arg, value: null })),
            ...(lastFlag.valueArg !== lastFlag.arg
              ? overrideFlags.slice(0, -1).map((f) => ({ arg: f.valueArg, value: null }))
              : []),
            { arg: lastFlag.valueArg, value: withFlagValue(args, lastFlag, merged) },
          ],
        }
      : undefined;
    for (const flag of overrideFlags.slice(0, -1)) {
      problems.push(
        problem(
          'multiple-params-override',
          'Only the last --params_override counts; this one is ignored. Put every override in one comma-separated --params_override.',
          { ...valueRange(flag), fixes: merge ? [merge] : undefined },
        ),
      );
    }
  }
  overrideFlags.forEach((flag, index) => {
    const error = parsed[index].error;
    if (!error) return;
    const text = flag.value ?? '';
    if (error.kind === 'grammar') {
      // train.py then reads the text as YAML, and a non-mapping as the path of a YAML file.
      const whole = readParamsOverride(text);
      if (whole.ok) return;
      const file = whole.via === 'file' && probe ? localPath(text, context.cwd) : undefined;
      if (file && probe?.kind(file) === 'file') return;
    }
    const fixes: Fix[] = [];
    const previous = parsed[index].pairs.at(-1);
    if (
      previous &&
      !previous.quoted &&
      text[error.offset - 1] !== '=' &&
      /^\s*[^=,]*(,|$)/.test(text.slice(error.offset))
    ) {
      // A comma inside a value: quote from the value start to the next `key=` (or the end).
      const rest = text.slice(error.offset);
      const nextKey = /,\s*[a-zA-Z][\w.]*\s*=/.exec(rest);
      const valueEnd = nextKey ? error.offset + nextKey.index : text.length;
      const raw = text.slice(previous.valueStart, valueEnd);
      fixes.push({
        title: `Quote the value of ${previous.key}`,
        edits: [
          {
            arg: flag.valueArg,
            value: withFlagValue(
              args,
              flag,
              text.slice(0, previous.valueStart) + `'${raw.replace(/'/g, "''")}'` + text.slice(valueEnd),
            ),
          },
        ],
      });
    }
    problems.push(
      problem(
        'params-override-syntax',
        `--params_override: ${error.message}. Values that contain commas must be quoted: key='a,b'.`,
        {
          arg: flag.valueArg,
          start: flag.valueOffset + error.offset,
          end: args[flag.valueArg].length,
          fixes,
        },
      ),
    );
  });

  const overrideFlag = overrideFlags.at(-1);
  const pairs = overrideFlag ? parsed.at(-1)!.pairs : [];
  const text = overrideFlag?.value ?? '';
  const values: Record<string, unknown> = {};
  for (const pair of pairs) values[pair.key] = pair.value;
  const pairRange = (pair: ParsedPair, part: 'pair' | 'value' = 'pair') => ({
    arg: overrideFlag!.valueArg,
    start: overrideFlag!.valueOffset + (part === 'pair' ? pair.start : pair.valueStart),
    end: overrideFlag!.valueOffset + pair.end,
  });
  const editOverride = (title: string, newText: string): Fix => ({
    title,
    edits: [{ arg: overrideFlag!.valueArg, value: withFlagValue(args, overrideFlag!, newText) }],
  });

  pairs.forEach((pair) => {
    const root = pair.key.split('.')[0];
    if (!OVERRIDE_ROOTS.includes(root)) {
      problems.push(
        problem(
          'override-unknown-root',
          `"${pair.key}" is outside the experiment config: keys start with ${OVERRIDE_ROOTS.map((r) => r + '.').join(', ')} ` +
            '(train.py fails with KeyError).',
          pairRange(pair),
        ),
      );
    }
    const value = pair.value;
    if (!isScalar(value) && !(Array.isArray(value) && value.every(isScalar))) {
      problems.push(
        problem(
          'override-non-scalar',
          `${pair.key}: --params_override only takes scalars (and flat lists); put nested values in a --config_file YAML.`,
          pairRange(pair, 'value'),
        ),
      );
    }
    if (!pair.quoted && !pair.autoQuoted && (WINDOWS_DRIVE.test(pair.raw) || / #/.test(pair.raw))) {
      problems.push(
        problem(
          'override-needs-quotes',
          `${pair.key}: quote this value (a drive letter or " #" is read by YAML otherwise).`,
          {
            ...pairRange(pair, 'value'),
            fixes: [
              editOverride(
                `Quote the value of ${pair.key}`,
                replacePairValue(text, pair, `'${pair.raw.replace(/'/g, "''")}'`),
              ),
            ],
          },
        ),
      );
    }
  });

  const lastIndex = (key: string) => pairs.map((p) => p.key).lastIndexOf(key);
  const initIndex = lastIndex('task.init_checkpoint');
  const hubIndex = lastIndex('task.hub_module_url');
  const model = (context.modelId ? findModel(context.modelId) : undefined) ?? identifyModel(values);
  if (
    initIndex >= 0 &&
    hubIndex >= 0 &&
    isSet(values['task.init_checkpoint']) &&
    isSet(values['task.hub_module_url'])
  ) {
    problems.push(
      problem(
        'init-and-hub',
        'Set task.init_checkpoint or task.hub_module_url, not both: the task raises "At most one of `hub_module_url` and ' +
          '`init_checkpoint` can be specified" only after start-up.',
        {
          ...pairRange(pairs[Math.max(initIndex, hubIndex)]),
          fixes: [
            editOverride(
              'Drop task.init_checkpoint (keep the TF-Hub handle)',
              removePair(text, pairs, initIndex),
            ),
            editOverride('Drop task.hub_module_url (keep the checkpoint)', removePair(text, pairs, hubIndex)),
          ],
        },
      ),
    );
  }

  if (
    initIndex >= 0 &&
    typeof values['task.init_checkpoint'] === 'string' &&
    values['task.init_checkpoint']
  ) {
    const pair = pairs[initIndex];
    const checkpoint = values['task.init_checkpoint'] as string;
    if (model && !model.encoderType && model.hubUrl) {
      problems.push(
        problem(
          'hub-only-with-checkpoint',
          `${model.name} is published only on TF-Hub; its encoder cannot be rebuilt from task.model.encoder. ` +
            `Use task.hub_module_url=${model.hubUrl}.`,
          {
            ...pairRange(pair),
            fixes: [
              editOverride(
                'Use the TF-Hub handle',
                text.slice(0, pair.start) +
                  `task.hub_module_url=${formatValue('task.hub_module_url', model.hubUrl)}` +
                  text.slice(pair.end),
              ),
            ],
          },
        ),
      );
    }
    const fileMatch = CHECKPOINT_FILE.exec(checkpoint);
    if (fileMatch) {
      const prefix = checkpoint.slice(0, fileMatch.index);
      problems.push(
        problem(
          'checkpoint-is-file',
          `task.init_checkpoint must be the checkpoint prefix (${path.basename(prefix)}), not its ${fileMatch[1].startsWith('data') ? 'data shard' : '.index file'}.`,
          {
            ...pairRange(pair, 'value'),
            fixes: [
              editOverride(
                `Use the prefix ${path.basename(prefix)}`,
                replacePairValue(text, pair, formatValue(pair.key, prefix)),
              ),
            ],
          },
        ),
      );
    } else {
      const local = probe ? localPath(checkpoint, context.cwd) : undefined;
      if (local && probe) {
        const kind = probe.kind(local);
        if (kind === 'dir') {
          const entries = probe.list(local);
          if (!entries.includes('checkpoint') && !entries.some((e) => e.endsWith('.index'))) {
            problems.push(
              problem(
                'checkpoint-folder-empty',
                `${checkpoint} is a folder without a checkpoint (no "checkpoint" file and no *.index). Point task.init_checkpoint at the checkpoint prefix, e.g. .../bert_model.ckpt.`,
                pairRange(pair, 'value'),
              ),
            );
          }
        } else if (kind === undefined && probe.kind(local + '.index') === undefined) {
          problems.push(
            problem(
              'path-not-found',
              `Checkpoint ${checkpoint} not found (neither a folder nor ${path.basename(local)}.index exists).`,
              pairRange(pair, 'value'),
            ),
          );
        }
      }
    }
  }
  if (hubIndex >= 0 && typeof values['task.hub_module_url'] === 'string')
    checkExists(pairs[hubIndex].value as string, 'SavedModel', pairRange(pairs[hubIndex], 'value'));
  for (const key of [
    'task.train_data.input_path',
    'task.validation_data.input_path',
    'task.train_data.vocab_file',
    'task.validation_data.vocab_file',
  ]) {
    const index = lastIndex(key);
    if (index < 0 || typeof values[key] !== 'string') continue;
    const value = values[key] as string;
    if (
      key.endsWith('input_path') &&
      !path.isAbsolute(value) &&
      !/\.[A-Za-z_]+\w*$/.test(path.basename(value))
    )
      continue;
    checkExists(
      pairs[index].value as string,
      key.endsWith('vocab_file') ? 'Vocabulary' : 'Input',
      pairRange(pairs[index], 'value'),
    );
  }

  // seq_length against max_position_embeddings.
  const encoderType =
    typeof values['task.model.encoder.type'] === 'string'
      ? (values['task.model.encoder.type'] as string)
      : (model?.encoderType ?? 'bert');
  const positionsValue = values[`task.model.encoder.${encoderType}.max_position_embeddings`];
  const positions =
    typeof positionsValue === 'number' ? positionsValue : (model?.maxPositionEmbeddings ?? 512);
  const experimentYamlGiven = experiment?.configFile
    ? configFlags.some((f) => f.value!.endsWith(experiment.configFile!))
    : false;
  for (const split of ['train_data', 'validation_data']) {
    const key = `task.${split}.seq_length`;
    const index = lastIndex(key);
    const seq = index >= 0 ? values[key] : experimentYamlGiven ? experiment!.yamlDefaults[key] : undefined;
    if (typeof seq === 'number' && seq > positions) {
      problems.push(
        problem(
          'seq-length-exceeds-positions',
          `${key}=${seq} exceeds max_position_embeddings=${positions}${model ? ` of ${model.name}` : ''}; the encoder has no position embedding beyond ${positions}.`,
          index >= 0
            ? pairRange(pairs[index], 'value')
            : { arg: overrideFlag?.valueArg ?? experimentFlag?.valueArg },
        ),
      );
    }
  }

  // Vocabulary casing against do_lower_case / lower_case.
  const casingKeys = pairs.map((p) => p.key).filter((k) => /\.(do_lower_case|lower_case)$/.test(k));
  if (experimentYamlGiven && experiment) {
    for (const key of Object.keys(experiment.yamlDefaults))
      if (/lower_case$/.test(key) && !casingKeys.includes(key)) casingKeys.push(key);
  }
  for (const key of new Set(casingKeys)) {
    const index = lastIndex(key);
    const lower = index >= 0 ? values[key] : experiment?.yamlDefaults[key];
    if (typeof lower !== 'boolean') continue;
    const split = key.split('.').slice(0, -1).join('.');
    const vocab = values[`${split}.vocab_file`];
    let expected: boolean | undefined = model?.doLowerCase;
    let reason = model ? `${model.name} is ${model.casing}` : '';
    if (expected === undefined && typeof vocab === 'string') {
      const name = vocab.toLowerCase();
      if (/uncased/.test(name)) expected = true;
      else if (/cased/.test(name)) expected = false;
      reason = `the vocabulary ${vocab} is ${expected ? 'uncased' : 'cased'}`;
    }
    if (expected === undefined || expected === lower) continue;
    const where =
      index >= 0
        ? pairRange(pairs[index], 'value')
        : { arg: overrideFlag?.valueArg ?? experimentFlag?.valueArg };
    const fixed =
      index >= 0
        ? replacePairValue(text, pairs[index], String(expected))
        : (text ? text + ',' : '') + `${key}=${expected}`;
    problems.push(
      problem(
        'lower-case-mismatch',
        `${key} is ${lower}${index >= 0 ? '' : ' (set by the experiment YAML)'} but ${reason}: set it to ${expected} or the tokens will not match the vocabulary.`,
        { ...where, fixes: overrideFlag ? [editOverride(`Set ${key}=${expected}`, fixed)] : undefined },
      ),
    );
  }
  return problems;

  function checkExists(value: string, what: string, range: ReturnType<typeof valueRange>): void {
    const local = probe ? localPath(value, context.cwd) : undefined;
    if (local && probe && probe.kind(local) === undefined) {
      problems.push(
        problem(
          'path-not-found',
          `${what} ${value} does not exist${context.cwd ? ` (relative to ${context.cwd})` : ''}.`,
          range,
        ),
      );
    }
  }
}

export type { OverrideValue };
