// From a checkpoint's keys to a description (scheme, family, sizes, heads, optimizer slots, step)
// and to the canonical `EncoderWeights` of src/core/model/encoder.ts.
import type {
  DenseWeights,
  EncoderConfig,
  EncoderFamily,
  EncoderHeads,
  EncoderWeights,
  LayerNormWeights,
  Tensor,
  TransformerLayerWeights,
} from '../model/encoder';
import type { TensorEntry } from './bundle';
import type { PartialEncoderConfig } from './config';
import { CheckpointError } from './errors';
import { stepOfPrefix } from './locate';
import { classifyKeys, type ClassifiedKey, type HeadName, type NamingScheme, type Transform } from './naming';
import { objectGraphNames, OBJECT_GRAPH_KEY, parseObjectGraph } from './objectGraph';
import type { CheckpointReader } from './reader';

export interface CheckpointDescription {
  readonly prefix: string;
  readonly step: number | undefined;
  readonly scheme: NamingScheme;
  readonly family: EncoderFamily | 'unknown';
  readonly layers: number;
  readonly hidden: number | undefined;
  readonly heads: number | undefined;
  readonly intermediate: number | undefined;
  readonly embeddingSize: number | undefined;
  readonly vocabSize: number | undefined;
  readonly maxPositions: number | undefined;
  readonly typeVocabSize: number | undefined;
  readonly headsPresent: readonly HeadName[];
  /** Slot names (`adam_m`, `adam_v`, `m`, `v`, ...), without optimizer hyper-parameters. */
  readonly optimizerSlots: readonly string[];
  /** ALBERT-style: one transformer block shared by all layers. */
  readonly sharedLayers: boolean;
  /**
   * False for a shared block whose layer count no config gave: the checkpoint does not store it, and
   * `layers` is then only the number of stored blocks (1).
   */
  readonly layersKnown: boolean;
  readonly keys: ReadonlyMap<string, ClassifiedKey>;
  /** canonical name → key, for encoder weights and heads. */
  readonly canonical: ReadonlyMap<string, ClassifiedKey>;
  /** object key → TF1-style full name, from `_CHECKPOINTABLE_OBJECT_GRAPH` when readable. */
  readonly fullNames: ReadonlyMap<string, string>;
}

/** The canonical parts each head needs; a head is present only when all of them are. */
const HEAD_PARTS: Record<HeadName, readonly string[]> = {
  maskedLm: ['transform/kernel', 'transform/bias', 'norm/gamma', 'norm/beta', 'outputBias'],
  nextSentence: ['kernel', 'bias'],
  classifier: ['kernel', 'bias'],
  span: ['kernel', 'bias'],
  tagging: ['kernel', 'bias'],
  discriminator: ['dense/kernel', 'dense/bias', 'prediction/kernel', 'prediction/bias'],
};

/** The heads whose every part maps: what `loadEncoderWeights` loads. */
export function loadableHeads(canonical: ReadonlyMap<string, unknown>): HeadName[] {
  return (Object.keys(HEAD_PARTS) as HeadName[]).filter((h) =>
    HEAD_PARTS[h].every((part) => canonical.has(`heads/${h}/${part}`)),
  );
}

/** The canonical shape of a stored tensor after `transform`. */
export function canonicalShape(shape: readonly number[], transform: Transform | undefined): number[] {
  switch (transform) {
    case 'transpose':
      return shape.length === 2 ? [shape[1], shape[0]] : [...shape];
    case 'flatten-out': // [H, A, d] → [H, A*d]
      return shape.length === 3 ? [shape[0], shape[1] * shape[2]] : [...shape];
    case 'flatten-in': // [A, d, H] → [A*d, H]
      return shape.length === 3 ? [shape[0] * shape[1], shape[2]] : [...shape];
    case 'flatten':
      return [shape.reduce((a, b) => a * b, 1)];
    default:
      return [...shape];
  }
}

async function readFullNames(reader: CheckpointReader): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (!reader.has(OBJECT_GRAPH_KEY)) return names;
  try {
    const value = await reader.read(OBJECT_GRAPH_KEY);
    const bytes = (value.values as Uint8Array[])[0];
    if (!bytes) return names;
    for (const [key, name] of objectGraphNames(parseObjectGraph(bytes)))
      if (name.fullName) names.set(key, name.fullName);
  } catch {
    // Missing shard or a damaged graph: the description then relies on key names alone.
  }
  return names;
}

async function readStep(
  reader: CheckpointReader,
  keys: ReadonlyMap<string, ClassifiedKey>,
): Promise<number | undefined> {
  const candidates = [
    'global_step',
    'model/global_step/.ATTRIBUTES/VARIABLE_VALUE',
    'step/.ATTRIBUTES/VARIABLE_VALUE',
    'optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE',
  ];
  for (const key of [
    ...candidates,
    ...[...keys.values()].filter((k) => k.kind === 'step').map((k) => k.key),
  ]) {
    if (!reader.has(key)) continue;
    try {
      const value = await reader.read(key);
      const v = value.values;
      if (!Array.isArray(v) && v.length === 1) return Number(v[0]);
    } catch {
      // A missing shard: fall back to the prefix's number.
    }
  }
  return stepOfPrefix(reader.prefix);
}

/** Describes a checkpoint from its index (and, when readable, its object graph and step counter). */
export async function describeCheckpoint(
  reader: CheckpointReader,
  config?: PartialEncoderConfig,
): Promise<CheckpointDescription> {
  const fullNames = await readFullNames(reader);
  const { scheme, keys } = classifyKeys(reader.tensors, fullNames);
  return describeFrom(
    reader.prefix,
    reader.tensors,
    scheme,
    keys,
    fullNames,
    await readStep(reader, keys),
    config,
  );
}

/** The pure part of `describeCheckpoint`: no reads. */
export function describeFrom(
  prefix: string,
  tensors: readonly TensorEntry[],
  scheme: NamingScheme,
  keys: ReadonlyMap<string, ClassifiedKey>,
  fullNames: ReadonlyMap<string, string>,
  step: number | undefined,
  config?: PartialEncoderConfig,
): CheckpointDescription {
  const shapes = new Map(tensors.map((t) => [t.key, t.shape]));
  const canonical = new Map<string, ClassifiedKey>();
  for (const c of keys.values())
    if (c.canonical && !canonical.has(c.canonical)) canonical.set(c.canonical, c);
  const shapeOf = (name: string): number[] | undefined => {
    const c = canonical.get(name);
    return c ? canonicalShape(shapes.get(c.key) ?? [], c.transform) : undefined;
  };
  const layerIds = new Set<number>();
  for (const name of canonical.keys()) {
    const m = /^layer_(\d+)\//.exec(name);
    if (m) layerIds.add(Number(m[1]));
  }
  // A single stored block behind an embedding projection is ALBERT's shared block (TF2 checkpoints name
  // it like any block); a 1-layer model with a projection says so with num_layers 1 in its config.
  const oneBlockAfterProjection =
    layerIds.size === 1 && canonical.has('embeddings/projection/kernel') && !scheme.startsWith('tf1-');
  const sharedLayers =
    [...canonical.values()].some((c) => c.shared) ||
    scheme === 'tf1-albert' ||
    oneBlockAfterProjection ||
    (layerIds.size === 1 && (config?.numLayers ?? 1) > 1);
  const headsPresent = loadableHeads(canonical);
  const optimizerSlots = [
    ...new Set(
      [...keys.values()]
        .filter((c) => c.kind === 'optimizer' && c.slot && c.slot !== 'hyperparameter')
        .map((c) => c.slot!),
    ),
  ].sort();
  const word = shapeOf('embeddings/word');
  const q = shapeOf('layer_0/query/kernel');
  const qStored = canonical.get('layer_0/query/kernel');
  const stored3d = qStored ? shapes.get(qStored.key) : undefined;
  let family: EncoderFamily | 'unknown' = 'unknown';
  if (scheme === 'tf1-albert' || (sharedLayers && layerIds.size === 1)) family = 'albert';
  else if (scheme === 'tf1-electra' || headsPresent.includes('discriminator')) family = 'electra';
  else if (config?.family) family = config.family;
  else if (canonical.size > 0) family = 'bert';
  return {
    prefix,
    step,
    scheme,
    family,
    layers: sharedLayers ? (config?.numLayers ?? layerIds.size) : layerIds.size,
    layersKnown: !sharedLayers || config?.numLayers !== undefined,
    hidden: q?.[1] ?? shapeOf('pooler/kernel')?.[0] ?? config?.hiddenSize,
    heads: stored3d?.length === 3 ? stored3d[1] : config?.numHeads,
    intermediate: shapeOf('layer_0/intermediate/kernel')?.[1] ?? config?.intermediateSize,
    embeddingSize: word?.[1] ?? config?.embeddingSize,
    vocabSize: word?.[0] ?? config?.vocabSize,
    maxPositions: shapeOf('embeddings/position')?.[0] ?? config?.maxPositionEmbeddings,
    typeVocabSize: shapeOf('embeddings/type')?.[0] ?? config?.typeVocabSize,
    headsPresent,
    optimizerSlots,
    sharedLayers,
    keys,
    canonical,
    fullNames,
  };
}

function transformData(
  data: Float32Array,
  shape: readonly number[],
  transform: Transform | undefined,
): Float32Array {
  if (transform !== 'transpose' || shape.length !== 2) return data;
  const [r, c] = shape;
  const out = new Float32Array(data.length);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = data[i * c + j];
  return out;
}

/**
 * Reads the encoder (and every head it recognises) into the canonical weight set. Sizes missing
 * from `config` are taken from the tensor shapes; the head count must come from a 3-D attention
 * kernel or from `config`.
 */
export async function loadEncoderWeights(
  reader: CheckpointReader,
  config: PartialEncoderConfig = {},
  options: { verify?: boolean; description?: CheckpointDescription } = {},
): Promise<EncoderWeights> {
  const d = options.description ?? (await describeCheckpoint(reader, config));
  const file = reader.indexFile;
  const missing = (what: string): never => {
    throw new CheckpointError('not-found', file, `no ${what} in this checkpoint (naming ${d.scheme})`);
  };
  const tensor = async (name: string): Promise<Tensor> => {
    const c = d.canonical.get(name) ?? missing(name);
    const entry = reader.entry(c.key);
    const data = await reader.readFloat32(entry, { verify: options.verify ?? true });
    return {
      shape: canonicalShape(entry.shape, c.transform),
      data: transformData(data, entry.shape, c.transform),
    };
  };
  const has = (name: string) => d.canonical.has(name);
  const dense = async (p: string): Promise<DenseWeights> => ({
    kernel: await tensor(`${p}/kernel`),
    bias: await tensor(`${p}/bias`),
  });
  const norm = async (p: string): Promise<LayerNormWeights> => ({
    gamma: await tensor(`${p}/gamma`),
    beta: await tensor(`${p}/beta`),
  });
  const family: EncoderFamily = config.family ?? (d.family === 'unknown' ? 'bert' : d.family);
  const numHeads =
    d.heads ?? config.numHeads ?? missing('attention head count (give a config with num_attention_heads)');
  if (!d.layersKnown) {
    throw new CheckpointError(
      'not-found',
      file,
      'this checkpoint stores one shared transformer block (ALBERT), and the layer count is not in it: ' +
        'put albert_config.json (num_hidden_layers) or params.yaml beside it, or pass --num-layers N ' +
        '(in VS Code: the setting modelGarden.inference.numLayers); the catalog says ALBERT base 12, large 24, ' +
        'xlarge 24, xxlarge 12',
    );
  }
  const resolved: EncoderConfig = {
    family,
    vocabSize: d.vocabSize ?? missing('word embeddings'),
    hiddenSize: d.hidden ?? missing('attention kernels'),
    numLayers: config.numLayers ?? d.layers,
    numHeads,
    intermediateSize: d.intermediate ?? missing('intermediate dense layer'),
    embeddingSize: d.embeddingSize ?? missing('word embeddings'),
    maxPositionEmbeddings: d.maxPositions ?? missing('position embeddings'),
    typeVocabSize: d.typeVocabSize ?? missing('token type embeddings'),
    activation: config.activation ?? 'gelu',
    layerNormEpsilon: config.layerNormEpsilon ?? 1e-12,
  };
  const readLayer = async (i: number): Promise<TransformerLayerWeights> => ({
    query: await dense(`layer_${i}/query`),
    key: await dense(`layer_${i}/key`),
    value: await dense(`layer_${i}/value`),
    attentionOutput: await dense(`layer_${i}/attentionOutput`),
    attentionNorm: await norm(`layer_${i}/attentionNorm`),
    intermediate: await dense(`layer_${i}/intermediate`),
    output: await dense(`layer_${i}/output`),
    outputNorm: await norm(`layer_${i}/outputNorm`),
    ...(has(`layer_${i}/gate/kernel`) ? { gate: await dense(`layer_${i}/gate`) } : {}),
    ...(has(`layer_${i}/talkingHeads/pre`)
      ? {
          talkingHeads: {
            pre: await tensor(`layer_${i}/talkingHeads/pre`),
            post: await tensor(`layer_${i}/talkingHeads/post`),
          },
        }
      : {}),
  });
  const layers: TransformerLayerWeights[] = [];
  if (d.sharedLayers) {
    const shared = await readLayer(0);
    for (let i = 0; i < resolved.numLayers; i++) layers.push(shared);
  } else {
    for (let i = 0; i < resolved.numLayers; i++) layers.push(await readLayer(i));
  }
  const heads: { -readonly [K in keyof EncoderHeads]: EncoderHeads[K] } = {};
  if (
    ['transform/kernel', 'transform/bias', 'norm/gamma', 'norm/beta', 'outputBias'].every((s) =>
      has(`heads/maskedLm/${s}`),
    )
  ) {
    heads.maskedLm = {
      transform: await dense('heads/maskedLm/transform'),
      norm: await norm('heads/maskedLm/norm'),
      outputBias: await tensor('heads/maskedLm/outputBias'),
    };
  }
  for (const h of ['nextSentence', 'classifier', 'span', 'tagging'] as const) {
    if (has(`heads/${h}/kernel`) && has(`heads/${h}/bias`)) heads[h] = await dense(`heads/${h}`);
  }
  if (
    ['dense/kernel', 'dense/bias', 'prediction/kernel', 'prediction/bias'].every((s) =>
      has(`heads/discriminator/${s}`),
    )
  ) {
    heads.discriminator = {
      dense: await dense('heads/discriminator/dense'),
      prediction: await dense('heads/discriminator/prediction'),
    };
  }
  return {
    config: resolved,
    wordEmbeddings: await tensor('embeddings/word'),
    positionEmbeddings: await tensor('embeddings/position'),
    typeEmbeddings: await tensor('embeddings/type'),
    embeddingNorm: await norm('embeddings/norm'),
    ...(has('embeddings/projection/kernel')
      ? { embeddingProjection: await dense('embeddings/projection') }
      : {}),
    layers,
    ...(has('pooler/kernel') ? { pooler: await dense('pooler') } : {}),
    heads,
  };
}
