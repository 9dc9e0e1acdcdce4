// Checks an encoder config file (bert_config.json, albert_config.json, params.yaml) against the
// checkpoint it sits beside. The checkpoint's shapes decide; a config that disagrees, holds an invalid
// value or names an activation we do not implement is an error naming the file and both values,
// never silently ignored (a `num_hidden_layers: 1` on a 2-layer checkpoint would run one layer).
import type { FoundConfig, PartialEncoderConfig } from './config';
import type { CheckpointDescription } from './mapping';

/** A config that cannot be used with its checkpoint; `problems` lists every reason. */
export class EncoderConfigError extends Error {
  override readonly name = 'EncoderConfigError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      problems.length === 1
        ? `${file}: ${problems[0]}`
        : `${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** Activations the encoder implements, as config files spell them. */
export const SUPPORTED_ACTIVATIONS = ['gelu', 'gelu_new', 'gelu_exact', 'relu', 'tanh'] as const;

interface SizeField {
  readonly config: keyof PartialEncoderConfig;
  /** Spellings in config files (first = the one named in messages when none is present). */
  readonly names: readonly string[];
  readonly checkpoint: keyof CheckpointDescription;
  /** How the checkpoint's value is described: "has N <what>". */
  readonly what: string;
}

const SIZE_FIELDS: readonly SizeField[] = [
  { config: 'vocabSize', names: ['vocab_size'], checkpoint: 'vocabSize', what: 'word embeddings' },
  { config: 'hiddenSize', names: ['hidden_size'], checkpoint: 'hidden', what: 'as hidden size' },
  {
    config: 'numLayers',
    names: ['num_hidden_layers', 'num_layers'],
    checkpoint: 'layers',
    what: 'transformer layers',
  },
  { config: 'numHeads', names: ['num_attention_heads'], checkpoint: 'heads', what: 'attention heads' },
  {
    config: 'intermediateSize',
    names: ['intermediate_size', 'inner_dim'],
    checkpoint: 'intermediate',
    what: 'as intermediate size',
  },
  {
    config: 'embeddingSize',
    names: ['embedding_size', 'embedding_width'],
    checkpoint: 'embeddingSize',
    what: 'as embedding width',
  },
  {
    config: 'maxPositionEmbeddings',
    names: ['max_position_embeddings', 'max_sequence_length'],
    checkpoint: 'maxPositions',
    what: 'position embeddings',
  },
  { config: 'typeVocabSize', names: ['type_vocab_size'], checkpoint: 'typeVocabSize', what: 'token types' },
];

const show = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? text.slice(0, 40) + '…' : text;
};

function asPositiveInteger(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * Every problem of `config` against `checkpoint`, which must describe the checkpoint from its shapes
 * alone (`describeCheckpoint(reader)` without a config). Empty when they agree.
 */
export function configProblems(config: FoundConfig, checkpoint: CheckpointDescription): string[] {
  const raw = config.raw;
  const problems: string[] = [];
  const values = new Map<keyof PartialEncoderConfig, number>();
  for (const field of SIZE_FIELDS) {
    const name = field.names.find((n) => n in raw);
    if (name === undefined) continue;
    const value = asPositiveInteger(raw[name]);
    if (value === undefined) {
      problems.push(`${name} is ${show(raw[name])}, not a positive integer`);
      continue;
    }
    values.set(field.config, value);
    if (field.config === 'numLayers' && checkpoint.sharedLayers) continue; // ALBERT: the config repeats one block.
    const stored = checkpoint[field.checkpoint];
    if (typeof stored === 'number' && stored > 0 && stored !== value) {
      problems.push(
        field.what.startsWith('as ')
          ? `${name} is ${value}, but the checkpoint's ${field.what.slice(3)} is ${stored}`
          : `${name} is ${value}, but the checkpoint has ${stored} ${field.what}`,
      );
    }
  }
  const hidden = checkpoint.hidden ?? values.get('hiddenSize');
  const heads = checkpoint.heads ?? values.get('numHeads');
  if (hidden !== undefined && heads !== undefined && hidden % heads !== 0) {
    problems.push(`hidden size ${hidden} is not divisible by ${heads} attention heads`);
  }
  const actName = ['hidden_act', 'hidden_activation'].find((n) => n in raw);
  if (actName !== undefined) {
    const act = raw[actName];
    if (typeof act !== 'string' || !(SUPPORTED_ACTIVATIONS as readonly string[]).includes(act)) {
      problems.push(
        `${actName} ${show(act)} is not supported (supported: ${SUPPORTED_ACTIVATIONS.join(', ')})`,
      );
    }
  }
  const epsName = ['layer_norm_eps', 'norm_epsilon'].find((n) => n in raw);
  if (epsName !== undefined) {
    const eps = raw[epsName];
    const n = typeof eps === 'number' ? eps : typeof eps === 'string' ? Number(eps) : NaN;
    if (!(Number.isFinite(n) && n > 0 && n < 1))
      problems.push(`${epsName} is ${show(eps)}, not a small positive number`);
  }
  return problems;
}

/** Throws an EncoderConfigError when `config` disagrees with `checkpoint` (see `configProblems`). */
export function checkConfig(config: FoundConfig, checkpoint: CheckpointDescription): void {
  const problems = configProblems(config, checkpoint);
  if (problems.length > 0) throw new EncoderConfigError(config.file, problems);
}

/**
 * The config errors found by discovery that must stop a run: a config file that does not parse
 * (invalid JSON or YAML, nested too deeply, too large) always; one without an encoder section only
 * when no other config was found. Returns the message to report, or undefined.
 */
export function blockingConfigError(
  config: FoundConfig | undefined,
  configErrors: readonly string[],
): string | undefined {
  const unreadable = configErrors.find((e) => !/: no encoder section/.test(e));
  if (unreadable !== undefined) return unreadable;
  return config ? undefined : configErrors[0];
}
