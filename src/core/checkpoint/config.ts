// Encoder configs found beside checkpoints: `bert_config.json` / `albert_config.json` (both key
// spellings of MODEL_GARDEN.md §2) and Model Garden `params.yaml` (task.model.encoder.<type>,
// or model.discriminator_encoder for ELECTRA).
import { parse as parseYaml } from 'yaml';
import type { EncoderConfig, EncoderFamily } from '../model/encoder';

export type ConfigKind = 'bert_config.json' | 'albert_config.json' | 'params.yaml';

/** What a config file says about the encoder; fields it does not set are absent. */
export type PartialEncoderConfig = { -readonly [K in keyof EncoderConfig]?: EncoderConfig[K] };

export interface FoundConfig {
  readonly file: string;
  readonly kind: ConfigKind;
  readonly encoder: PartialEncoderConfig;
  /** The raw encoder section (JSON object), for display. */
  readonly raw: Record<string, unknown>;
}

function num(raw: Record<string, unknown>, ...names: string[]): number | undefined {
  for (const n of names) {
    const v = raw[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return undefined;
}

function activation(raw: Record<string, unknown>): EncoderConfig['activation'] | undefined {
  const v = raw.hidden_act ?? raw.hidden_activation;
  if (typeof v !== 'string') return undefined;
  if (v === 'gelu' || v === 'relu' || v === 'tanh') return v;
  if (v === 'gelu_exact' || v === 'gelu_new') return v === 'gelu_exact' ? 'gelu_exact' : 'gelu';
  return undefined;
}

/** Reads the encoder fields of a BERT/ALBERT JSON or Model Garden YAML encoder section. */
export function encoderFromSection(
  raw: Record<string, unknown>,
  family?: EncoderFamily,
): PartialEncoderConfig {
  const out: PartialEncoderConfig = {};
  const set = <K extends keyof PartialEncoderConfig>(k: K, v: PartialEncoderConfig[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('family', family);
  set('vocabSize', num(raw, 'vocab_size'));
  set('hiddenSize', num(raw, 'hidden_size'));
  set('numLayers', num(raw, 'num_hidden_layers', 'num_layers'));
  set('numHeads', num(raw, 'num_attention_heads'));
  set('intermediateSize', num(raw, 'intermediate_size', 'inner_dim'));
  set(
    'embeddingSize',
    num(raw, 'embedding_size', 'embedding_width') ??
      (family === 'albert' ? undefined : num(raw, 'hidden_size')),
  );
  set('maxPositionEmbeddings', num(raw, 'max_position_embeddings', 'max_sequence_length'));
  set('typeVocabSize', num(raw, 'type_vocab_size'));
  set('activation', activation(raw));
  set('layerNormEpsilon', num(raw, 'layer_norm_eps', 'norm_epsilon') ?? 1e-12);
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deepest nesting a config may have; real ones have 1 or 2 levels. */
export const MAX_CONFIG_DEPTH = 64;

/** The deepest `[`/`{` nesting of JSON text (outside strings), stopping once past `limit`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** " at line L, column C" for JSON.parse's "at position N", else "". */
function jsonLocation(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return '';
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

/** Parses `bert_config.json` or `albert_config.json` text. Throws a plain Error on invalid JSON. */
export function parseJsonConfig(
  text: string,
  file: string,
  kind: 'bert_config.json' | 'albert_config.json',
): FoundConfig {
  if (jsonDepth(text, MAX_CONFIG_DEPTH) > MAX_CONFIG_DEPTH) {
    throw new Error(`${file}: invalid config: JSON nested deeper than ${MAX_CONFIG_DEPTH} levels`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(`${file}: invalid JSON${jsonLocation(text, message)} (${message})`);
  }
  if (!isObject(raw)) throw new Error(`${file}: expected a JSON object`);
  const family: EncoderFamily =
    kind === 'albert_config.json' || 'num_hidden_groups' in raw ? 'albert' : 'bert';
  return { file, kind, encoder: encoderFromSection(raw, family), raw };
}

/** Parses a Model Garden `params.yaml`. Throws a plain Error when it holds no encoder section. */
export function parseParamsYaml(text: string, file: string): FoundConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/Maximum call stack/.test(message)) throw new Error(`${file}: invalid YAML: nested too deeply`);
    throw new Error(`${file}: invalid YAML (${message.split('\n')[0]})`);
  }
  if (!isObject(doc)) throw new Error(`${file}: expected a YAML mapping`);
  const pick = (obj: unknown): { section: Record<string, unknown>; family: EncoderFamily } | undefined => {
    if (!isObject(obj)) return undefined;
    const type = typeof obj.type === 'string' ? obj.type : 'bert';
    const inner = obj[type];
    if (!isObject(inner)) return undefined;
    const family: EncoderFamily = type === 'albert' ? 'albert' : 'bert';
    return { section: inner, family };
  };
  const task = isObject(doc.task) ? doc.task : undefined;
  const taskModel = task && isObject(task.model) ? task.model : undefined;
  const model = isObject(doc.model) ? doc.model : undefined;
  const found =
    pick(taskModel?.encoder) ??
    (model && pick(model.discriminator_encoder)
      ? { ...pick(model.discriminator_encoder)!, family: 'electra' as const }
      : undefined) ??
    pick(model?.encoder);
  if (!found)
    throw new Error(`${file}: no encoder section (task.model.encoder or model.discriminator_encoder)`);
  return {
    file,
    kind: 'params.yaml',
    encoder: encoderFromSection(found.section, found.family),
    raw: found.section,
  };
}
