// Variable naming schemes (CHECKPOINT_FORMAT.md §7, MODEL_GARDEN.md §5): every key of a checkpoint
// is classified and, for encoder weights and heads, given one canonical name such as
// `layer_3/query/kernel`, plus how to reshape it to the canonical 2-D `[in, out]` layout.

export type NamingScheme =
  'tf1-bert' | 'tf1-albert' | 'tf1-electra' | 'tf2-encoder' | 'tf2-model' | 'keras-names' | 'unknown';

export type HeadName = 'maskedLm' | 'nextSentence' | 'classifier' | 'span' | 'tagging' | 'discriminator';

export type KeyKind = 'weight' | 'head' | 'optimizer' | 'step' | 'graph' | 'generator' | 'other';

/** How a stored tensor becomes its canonical shape. */
export type Transform = 'none' | 'transpose' | 'flatten-in' | 'flatten-out' | 'flatten';

export interface ClassifiedKey {
  readonly key: string;
  readonly kind: KeyKind;
  /** Canonical name for `weight` and `head` keys that the mapping understands. */
  readonly canonical?: string;
  readonly transform?: Transform;
  readonly head?: HeadName;
  /** For optimizer keys: the slot name (`adam_m`, `m`, `Adam_1`, ...) or `hyperparameter`. */
  readonly slot?: string;
  /** ALBERT's one shared transformer block. */
  readonly shared?: boolean;
}

const ATTRIBUTE_SUFFIX = '/.ATTRIBUTES/VARIABLE_VALUE';

/** A head's key with its canonical name `heads/<head>/<part>`. */
function headKey(key: string, head: HeadName, part: string, transform: Transform = 'none'): ClassifiedKey {
  return { key, kind: 'head', head, canonical: `heads/${head}/${part}`, transform };
}

const TF1_SLOT =
  /\/(adam_m|adam_v|Adam|Adam_1|Momentum|RMSProp|RMSProp_1|Adagrad|lamb_m|lamb_v|ExponentialMovingAverage)$/;

const LAYER_PART: Record<string, string> = {
  'attention/self/query': 'query',
  'attention/self/key': 'key',
  'attention/self/value': 'value',
  'attention/output/dense': 'attentionOutput',
  'attention/output/LayerNorm': 'attentionNorm',
  'intermediate/dense': 'intermediate',
  'output/dense': 'output',
  'output/LayerNorm': 'outputNorm',
};

const ALBERT_PART: Record<string, string> = {
  'attention_1/self/query': 'query',
  'attention_1/self/key': 'key',
  'attention_1/self/value': 'value',
  'attention_1/output/dense': 'attentionOutput',
  LayerNorm: 'attentionNorm',
  'ffn_1/intermediate/dense': 'intermediate',
  'ffn_1/intermediate/output/dense': 'output',
  LayerNorm_1: 'outputNorm',
};

const TF2_PART: Record<string, string> = {
  '_attention_layer/_query_dense': 'query',
  '_attention_layer/_key_dense': 'key',
  '_attention_layer/_value_dense': 'value',
  '_attention_layer/_output_dense': 'attentionOutput',
  _attention_output_dense: 'attentionOutput',
  _attention_layer_norm: 'attentionNorm',
  _intermediate_dense: 'intermediate',
  _output_dense: 'output',
  _output_layer_norm: 'outputNorm',
};

const KERAS_PART: Record<string, string> = {
  // EncoderScaffold with TalkingHeadsAttention and GatedFeedforward (the TF-Hub talking-heads GGeLU model).
  'self_attention/pre_softmax_weight': 'talkingHeads/pre',
  'self_attention/post_softmax_weight': 'talkingHeads/post',
  'gated_feedforward/intermediate_0': 'intermediate',
  'gated_feedforward/gate_0': 'gate',
  'gated_feedforward/output_0': 'output',
  'gated_feedforward/output_layer_norm_0': 'outputNorm',
  'self_attention/query': 'query',
  'self_attention/key': 'key',
  'self_attention/value': 'value',
  'self_attention/attention_output': 'attentionOutput',
  self_attention_layer_norm: 'attentionNorm',
  intermediate: 'intermediate',
  output: 'output',
  output_layer_norm: 'outputNorm',
};

function tf2Transform(part: string, leaf: string): Transform {
  if (part === 'query' || part === 'key' || part === 'value')
    return leaf === 'kernel' ? 'flatten-out' : 'flatten';
  if (part === 'attentionOutput' && leaf === 'kernel') return 'flatten-in';
  return 'none';
}

function optimizerOf(key: string): ClassifiedKey | undefined {
  const slot = TF1_SLOT.exec(key);
  if (slot) return { key, kind: 'optimizer', slot: slot[1] };
  const objectSlot = /\/\.OPTIMIZER_SLOT\/.*\/([^/]+)\/\.ATTRIBUTES\//.exec(key);
  if (objectSlot) return { key, kind: 'optimizer', slot: objectSlot[1] };
  if (/^(model\/)?optimizer\/|\/optimizer\//.test(key))
    return { key, kind: 'optimizer', slot: 'hyperparameter' };
  return undefined;
}

/** Classifies a TF1 name-based key (`bert/...`, `electra/...`, `cls/...`). */
export function classifyTf1(key: string): ClassifiedKey {
  const opt = optimizerOf(key);
  if (opt) return opt;
  if (key === 'global_step') return { key, kind: 'step' };
  let m = /^(bert|electra)\/embeddings\/(word_embeddings|position_embeddings|token_type_embeddings)$/.exec(
    key,
  );
  if (m) {
    const which = { word_embeddings: 'word', position_embeddings: 'position', token_type_embeddings: 'type' }[
      m[2]
    ]!;
    return { key, kind: 'weight', canonical: `embeddings/${which}`, transform: 'none' };
  }
  m = /^(bert|electra)\/embeddings\/LayerNorm\/(gamma|beta)$/.exec(key);
  if (m) return { key, kind: 'weight', canonical: `embeddings/norm/${m[2]}`, transform: 'none' };
  m = /^(?:electra\/embeddings_project|bert\/encoder\/embedding_hidden_mapping_in)\/(kernel|bias)$/.exec(key);
  if (m) return { key, kind: 'weight', canonical: `embeddings/projection/${m[1]}`, transform: 'none' };
  m = /^(bert|electra)\/encoder\/layer_(\d+)\/(.+)\/(kernel|bias|gamma|beta)$/.exec(key);
  if (m && LAYER_PART[m[3]]) {
    return {
      key,
      kind: 'weight',
      canonical: `layer_${Number(m[2])}/${LAYER_PART[m[3]]}/${m[4]}`,
      transform: 'none',
    };
  }
  m = /^bert\/encoder\/transformer\/group_0\/inner_group_0\/(.+)\/(kernel|bias|gamma|beta)$/.exec(key);
  if (m && ALBERT_PART[m[1]]) {
    return {
      key,
      kind: 'weight',
      canonical: `layer_0/${ALBERT_PART[m[1]]}/${m[2]}`,
      transform: 'none',
      shared: true,
    };
  }
  m = /^(bert|electra)\/pooler\/dense\/(kernel|bias)$/.exec(key);
  if (m) return { key, kind: 'weight', canonical: `pooler/${m[2]}`, transform: 'none' };
  // google-research/bert's masked-LM head: the names BertPretrainerV2 kept (`cls/predictions/...`).
  if (key.startsWith('cls/predictions/')) {
    const mlm = maskedLmByName(key, key);
    if (mlm) return mlm;
  }
  m = /^cls\/seq_relationship\/output_(weights|bias)$/.exec(key);
  if (m) {
    const leaf = m[1] === 'weights' ? 'kernel' : 'bias';
    return headKey(key, 'nextSentence', leaf, leaf === 'kernel' ? 'transpose' : 'none');
  }
  m = /^(?:cls\/squad\/)output_(weights|bias)$/.exec(key);
  if (m) {
    const leaf = m[1] === 'weights' ? 'kernel' : 'bias';
    return headKey(key, 'span', leaf, leaf === 'kernel' ? 'transpose' : 'none');
  }
  m = /^output_(weights|bias)$/.exec(key);
  if (m) {
    const leaf = m[1] === 'weights' ? 'kernel' : 'bias';
    return headKey(key, 'classifier', leaf, leaf === 'kernel' ? 'transpose' : 'none');
  }
  m = /^discriminator_predictions\/(dense|dense_1)\/(kernel|bias)$/.exec(key);
  if (m) {
    const part = m[1] === 'dense' ? 'dense' : 'prediction';
    return headKey(key, 'discriminator', `${part}/${m[2]}`);
  }
  if (/^generator(_predictions)?\//.test(key)) return { key, kind: 'generator' };
  return { key, kind: 'other' };
}

/**
 * Classifies Keras variable names as the Model Garden's encoders create them (`word_embeddings/embeddings`,
 * `transformer/layer_3/self_attention/query/kernel`, ...): the `full_name`s of a TF2 object graph
 * and SavedModel variables.
 */
export function classifyKerasName(key: string, name: string): ClassifiedKey {
  const n = name.replace(/:0$/, '');
  let m = /(?:^|\/)(word_embeddings|position_embedding|type_embeddings)\/embeddings$/.exec(n);
  if (m) {
    const which = { word_embeddings: 'word', position_embedding: 'position', type_embeddings: 'type' }[m[1]]!;
    return { key, kind: 'weight', canonical: `embeddings/${which}`, transform: 'none' };
  }
  m = /(?:^|\/)embeddings\/layer_norm\/(gamma|beta)$/.exec(n);
  if (m) return { key, kind: 'weight', canonical: `embeddings/norm/${m[1]}`, transform: 'none' };
  m = /(?:^|\/)embedding_projection\/(kernel|bias)$/.exec(n);
  if (m) return { key, kind: 'weight', canonical: `embeddings/projection/${m[1]}`, transform: 'none' };
  m = /(?:^|\/)transformer(?:\/layer_(\d+))?\/(.+)\/(kernel|bias|gamma|beta)$/.exec(n);
  if (m && KERAS_PART[m[2]]) {
    const part = KERAS_PART[m[2]];
    return {
      key,
      kind: 'weight',
      canonical: `layer_${m[1] === undefined ? 0 : Number(m[1])}/${part}/${m[3]}`,
      transform: tf2Transform(part, m[3]),
      ...(m[1] === undefined ? { shared: true } : {}),
    };
  }
  // TransformerScaffold blocks are numbered by Keras (`transformer_scaffold`, `_1`, ...): the suffix
  // orders them; classifyKeys ranks the numbers into layer indices.
  m =
    /(?:^|\/)transformer_scaffold(?:_(\d+))?\/(.+)\/(kernel|bias|gamma|beta|pre_softmax_weight|post_softmax_weight)$/.exec(
      n,
    );
  if (m) {
    const talking = m[3] === 'pre_softmax_weight' || m[3] === 'post_softmax_weight';
    const part = KERAS_PART[talking ? `${m[2]}/${m[3]}` : m[2]];
    if (part) {
      return {
        key,
        kind: 'weight',
        canonical: `layer_${m[1] === undefined ? 0 : Number(m[1])}/${part}${talking ? '' : `/${m[3]}`}`,
        transform: talking ? 'none' : tf2Transform(part, m[3]),
      };
    }
  }
  m = /(?:^|\/)(?:pooler_transform|cls_transform)\/(kernel|bias)$/.exec(n);
  if (m) return { key, kind: 'weight', canonical: `pooler/${m[1]}`, transform: 'none' };
  return maskedLmByName(key, n) ?? { key, kind: 'other' };
}

/** The masked-LM head as BertPretrainerV2 names it (`cls/predictions/...`, the TF-Hub `mlm` object). */
function maskedLmByName(key: string, name: string): ClassifiedKey | undefined {
  let m = /(?:^|\/)cls\/predictions\/transform\/(dense|LayerNorm)\/(kernel|bias|gamma|beta)$/.exec(name);
  if (m) {
    const part = m[1] === 'dense' ? 'transform' : 'norm';
    return headKey(key, 'maskedLm', `${part}/${m[2]}`);
  }
  m = /(?:^|\/)cls\/predictions\/output_bias(?:\/bias)?$/.exec(name);
  if (m) return headKey(key, 'maskedLm', 'outputBias');
  // BertClassifier's ClassificationHead (`sentence_prediction`, no inner dense with the encoder's pooler).
  m = /(?:^|\/)sentence_prediction\/logits\/(kernel|bias)$/.exec(name);
  if (m) return headKey(key, 'classifier', m[1]!);
  return undefined;
}

/** Strips the attribute suffix and `model/` root of a TF2 object-based key. */
function objectPath(key: string): { root: string; path: string } | undefined {
  if (!key.endsWith(ATTRIBUTE_SUFFIX)) return undefined;
  const path = key.slice(0, -ATTRIBUTE_SUFFIX.length);
  const m = /^(model\/)?(encoder|discriminator_network)\/(.+)$/.exec(path);
  return m ? { root: (m[1] ?? '') + m[2], path: m[3] } : undefined;
}

/**
 * Classifies the `encoder/layer_with_weights-N/...` keys of a TF2 Model Garden checkpoint. The
 * role of each N (embedding, norm, projection, transformer block, pooler) is found from what the
 * group holds, since the numbering depends on the encoder's layer count.
 */
export function classifyTf2(
  keys: readonly string[],
  shapes: ReadonlyMap<string, readonly number[]>,
): Map<string, ClassifiedKey> {
  const groups = new Map<number, { key: string; sub: string }[]>();
  const result = new Map<string, ClassifiedKey>();
  for (const key of keys) {
    const p = objectPath(key);
    const m = p && /^layer_with_weights-(\d+)\/(.+)$/.exec(p.path);
    if (!m) continue;
    const n = Number(m[1]);
    if (!groups.has(n)) groups.set(n, []);
    groups.get(n)!.push({ key, sub: m[2] });
  }
  const order = [...groups.keys()].sort((a, b) => a - b);
  let embeddingsSeen = 0;
  let layer = 0;
  let transformersSeen = false;
  for (const n of order) {
    const members = groups.get(n)!;
    const subs = new Set(members.map((x) => x.sub));
    if (subs.has('embeddings')) {
      const which = ['word', 'position', 'type'][embeddingsSeen++];
      const { key } = members.find((x) => x.sub === 'embeddings')!;
      if (which)
        result.set(key, { key, kind: 'weight', canonical: `embeddings/${which}`, transform: 'none' });
    } else if (
      members.some((x) => x.sub.startsWith('_attention_layer') || x.sub.startsWith('_intermediate_dense'))
    ) {
      transformersSeen = true;
      for (const { key, sub } of members) {
        const mm = /^(.+)\/(kernel|bias|gamma|beta)$/.exec(sub);
        const part = mm && TF2_PART[mm[1]];
        if (mm && part) {
          result.set(key, {
            key,
            kind: 'weight',
            canonical: `layer_${layer}/${part}/${mm[2]}`,
            transform: tf2Transform(part, mm[2]),
          });
        }
      }
      layer++;
    } else if (subs.has('gamma') && subs.has('beta') && !transformersSeen) {
      for (const { key, sub } of members) {
        if (sub === 'gamma' || sub === 'beta')
          result.set(key, { key, kind: 'weight', canonical: `embeddings/norm/${sub}`, transform: 'none' });
      }
    } else if (subs.has('kernel')) {
      const target = transformersSeen ? 'pooler' : 'embeddings/projection';
      for (const { key, sub } of members) {
        if (sub !== 'kernel' && sub !== 'bias') continue;
        const shape = shapes.get(key) ?? [];
        // EinsumDense projections may store a 3-D kernel; flatten like the attention output.
        result.set(key, {
          key,
          kind: 'weight',
          canonical: `${target}/${sub}`,
          transform: shape.length > 2 ? 'flatten-in' : 'none',
        });
      }
    }
  }
  return result;
}

/**
 * Classifies TF2 keys outside `layer_with_weights-N`: optimizer, counters, heads, object graph.
 * `fullName` (from the object graph) names the heads of the Model Garden's fine-tuning models:
 * BertSpanLabeler and BertTokenClassifier both call their dense layer `predictions/transform/logits`;
 * the span labeler nests it in a SpanLabeling layer (`…/layer_with_weights-1/layer_with_weights-0/`),
 * the token classifier holds it directly (`…/layer_with_weights-1/`).
 */
export function classifyObjectKey(key: string, fullName?: string): ClassifiedKey {
  const opt = optimizerOf(key);
  if (opt) return opt;
  if (key === '_CHECKPOINTABLE_OBJECT_GRAPH') return { key, kind: 'graph' };
  if (
    /^(save_counter|step|global_step|model\/global_step)\/\.ATTRIBUTES\//.test(key) ||
    key === 'global_step'
  )
    return { key, kind: 'step' };
  // BERT-base uncased v3 keeps its pooler beside the encoder, where export_tfhub_lib's
  // copy_pooler_dense_to_encoder reads it: an encoder weight, not a next-sentence head.
  const pooler = /^next_sentence\.\.pooler_dense\/(kernel|bias)\/\.ATTRIBUTES\/VARIABLE_VALUE$/.exec(key);
  if (pooler) return { key, kind: 'weight', canonical: `pooler/${pooler[1]}`, transform: 'none' };
  // ElectraPretrainer's replaced-token detection: a dense [H, H] with the activation, then [H, 1].
  const rtd = /(?:^|\/)discriminator_(projection|head)\/(kernel|bias)\/\.ATTRIBUTES\/VARIABLE_VALUE$/.exec(
    key,
  );
  if (rtd) {
    const part = rtd[1] === 'projection' ? 'dense' : 'prediction';
    return headKey(key, 'discriminator', `${part}/${rtd[2]}`);
  }
  if (/^(model\/)?masked_lm\//.test(key)) return { key, kind: 'head', head: 'maskedLm' };
  if (/next_sentence/.test(key)) return { key, kind: 'head', head: 'nextSentence' };
  if (/discriminator_(projection|head|predictions)/.test(key))
    return { key, kind: 'head', head: 'discriminator' };
  if (/classif|sentence_prediction/.test(key)) return { key, kind: 'head', head: 'classifier' };
  if (/span_labeling|squad/.test(key)) return { key, kind: 'head', head: 'span' };
  if (/tagging/.test(key)) return { key, kind: 'head', head: 'tagging' };
  // BertSpanLabeler's [H, 2] start/end logits and BertTokenClassifier's [H, C] logits, both dense on the
  // sequence output as the engine's span and tagging heads are.
  const logits = fullName && /^predictions\/transform\/logits\/(kernel|bias)$/.exec(fullName);
  if (logits) {
    const nested = (key.match(/layer_with_weights-\d+\//g) ?? []).length >= 2;
    return headKey(key, nested ? 'span' : 'tagging', logits[1]!);
  }
  if (/generator/.test(key)) return { key, kind: 'generator' };
  return { key, kind: 'other' };
}

/**
 * Keys of an ELECTRA generator in an object-based checkpoint: anything under a `generator…` object, and
 * the `masked_lm` head beside it (ElectraPretrainer's masked-LM head reads the generator's output). The
 * generator's Keras names look like the discriminator's, so names alone must never place them.
 */
export function generatorKeys(keys: readonly string[]): Set<string> {
  const out = new Set<string>();
  const parents = new Set<string>();
  for (const key of keys) {
    const parts = key.split('/');
    const at = parts.findIndex((p) => p.startsWith('generator'));
    if (at < 0) continue;
    out.add(key);
    parents.add(parts.slice(0, at).join('/'));
  }
  // Beside a generator (ElectraPretrainer), only the discriminator's own children belong to the discriminator:
  // `masked_lm` and `classification` read the generator's output.
  for (const key of keys) {
    for (const parent of parents) {
      const rest = parent ? (key.startsWith(`${parent}/`) ? key.slice(parent.length + 1) : undefined) : key;
      if (rest === undefined || rest.startsWith('discriminator') || rest.startsWith('encoder/')) continue;
      if (/^(masked_lm|classification)\//.test(rest)) out.add(key);
    }
  }
  return out;
}

/** Renumbers `layer_N` of Keras-name classifications densely in N's order (Keras suffixes may skip). */
function rankLayers(list: (ClassifiedKey | undefined)[]): (ClassifiedKey | undefined)[] {
  const seen = new Set<number>();
  for (const c of list) {
    const m = c?.canonical && /^layer_(\d+)\//.exec(c.canonical);
    if (m) seen.add(Number(m[1]));
  }
  const rank = new Map([...seen].sort((a, b) => a - b).map((n, i) => [n, i]));
  if ([...rank].every(([n, i]) => n === i)) return list;
  return list.map((c) => {
    const m = c?.canonical && /^layer_(\d+)(\/.*)$/.exec(c.canonical);
    return m ? { ...c!, canonical: `layer_${rank.get(Number(m[1]))}${m[2]}` } : c;
  });
}

export interface KeySource {
  readonly key: string;
  readonly shape: readonly number[];
}

/**
 * Classifies every key and names the scheme. `fullNames` (object key → TF1-style full name, from
 * the object graph) lets SavedModels and unusual TF2 layouts map through their Keras names.
 */
export function classifyKeys(
  entries: readonly KeySource[],
  fullNames?: ReadonlyMap<string, string>,
): { scheme: NamingScheme; keys: Map<string, ClassifiedKey> } {
  const keys = new Map<string, ClassifiedKey>();
  const tf1 = entries.map((e) => classifyTf1(e.key));
  const tf1Weights = tf1.filter((c) => c.kind === 'weight').length;
  const shapes = new Map(entries.map((e) => [e.key, e.shape]));
  const tf2 = classifyTf2(
    entries.map((e) => e.key),
    shapes,
  );
  const generator = generatorKeys(entries.map((e) => e.key));
  const keras = fullNames
    ? rankLayers(
        entries.map((e) => {
          const name = fullNames.get(e.key);
          return name && !generator.has(e.key) ? classifyKerasName(e.key, name) : undefined;
        }),
      )
    : [];
  const kerasWeights = keras.filter((c) => c?.kind === 'weight').length;
  let scheme: NamingScheme = 'unknown';
  if (tf1Weights > 0 && tf1Weights >= tf2.size && tf1Weights >= kerasWeights) {
    tf1.forEach((c) => keys.set(c.key, c));
    if (tf1.some((c) => c.shared)) scheme = 'tf1-albert';
    else if (entries.some((e) => e.key.startsWith('electra/'))) scheme = 'tf1-electra';
    else scheme = 'tf1-bert';
    return { scheme, keys };
  }
  entries.forEach((e, i) => {
    if (generator.has(e.key)) {
      keys.set(e.key, { key: e.key, kind: 'generator' });
      return;
    }
    const fromTf2 = tf2.get(e.key);
    const k = keras[i]; // keras[i] classifies entries[i]: no search per key (was quadratic)
    const fromKeras = k && k.canonical !== undefined ? k : undefined;
    const byObject = classifyObjectKey(e.key, fullNames?.get(e.key));
    keys.set(
      e.key,
      (tf2.size >= kerasWeights ? fromTf2 : fromKeras) ??
        fromTf2 ??
        (byObject.canonical ? byObject : undefined) ??
        fromKeras ??
        byObject,
    );
  });
  if (tf2.size > 0 && tf2.size >= kerasWeights) {
    scheme = entries.some((e) => e.key.startsWith('model/encoder/')) ? 'tf2-model' : 'tf2-encoder';
  } else if (kerasWeights > 0) scheme = 'keras-names';
  // ALBERT in TF2: one transformer block for all layers is recognisable only with a config.
  return { scheme, keys };
}
