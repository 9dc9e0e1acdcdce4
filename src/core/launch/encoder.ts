// `task.model.encoder` settings for a checkpoint: the shipped model YAML where one exists, else
// explicit `task.model.encoder.<type>.*` overrides from the catalog's dimensions (MODEL_GARDEN.md §3
// "Choosing the encoder"). Unknown dimensions are never guessed.
import type { CatalogModel } from '../catalog';
import type { Override } from './overrides';
import { problem, type Problem } from './problems';

export type EncoderType = 'bert' | 'albert';

/** Encoder fields as train.py names them (`num_layers`, `embedding_width`, ...). */
export interface EncoderConfig {
  readonly type: EncoderType;
  readonly fields: Readonly<Record<string, number | string>>;
}

export interface EncoderChoice {
  /** The shipped model YAML relative to official/nlp, e.g. `configs/models/albert_base.yaml`. */
  readonly configFile?: string;
  readonly overrides: Override[];
  readonly problems: Problem[];
}

/** The model YAML path as train.py's docs write it (relative to official/nlp). */
export function modelConfigFile(model: CatalogModel): string | undefined {
  return model.modelConfigYaml?.replace(/^official\/nlp\//, '');
}

/** Encoder fields from the catalog's dimensions; `num_attention_heads` is absent where unknown. */
export function catalogEncoder(model: CatalogModel): EncoderConfig | undefined {
  if (!model.encoderType) return undefined;
  const fields: Record<string, number> = { vocab_size: model.vocabSize };
  if (model.encoderType === 'albert') fields.embedding_width = model.embeddingSize;
  fields.hidden_size = model.hidden;
  fields.num_layers = model.layers;
  if (model.heads !== null) fields.num_attention_heads = model.heads;
  fields.intermediate_size = model.intermediateSize;
  fields.max_position_embeddings = model.maxPositionEmbeddings;
  fields.type_vocab_size = model.typeVocabSize;
  if (model.encoderType === 'bert' && model.embeddingSize !== model.hidden)
    fields.embedding_size = model.embeddingSize;
  return { type: model.encoderType, fields };
}

export function encoderOverrides(encoder: EncoderConfig): Override[] {
  return [
    { key: 'task.model.encoder.type', value: encoder.type },
    ...Object.entries(encoder.fields).map(([field, value]) => ({
      key: `task.model.encoder.${encoder.type}.${field}`,
      value,
    })),
  ];
}

/** How a catalog model's encoder is configured for fine-tuning from its checkpoint. */
export function encoderForCheckpoint(
  model: CatalogModel,
  options: { modelYaml?: boolean } = {},
): EncoderChoice {
  const yaml = options.modelYaml === false ? undefined : modelConfigFile(model);
  if (yaml) return { configFile: yaml, overrides: [], problems: [] };
  const encoder = catalogEncoder(model);
  if (!encoder) return { overrides: [], problems: [] };
  const problems: Problem[] = [];
  const config =
    model.family === 'albert'
      ? 'albert_config.json'
      : model.family === 'electra'
        ? 'params.yaml'
        : 'bert_config.json';
  if (model.heads === null) {
    problems.push(
      problem(
        'encoder-heads-unknown',
        `${model.name}: the number of attention heads is not established (sources disagree), so none is set. ` +
          `Read num_attention_heads from ${config} in ${model.checkpointUrl ?? 'the checkpoint tarball'} and add ` +
          `task.model.encoder.${encoder.type}.num_attention_heads=<n>.`,
      ),
    );
  }
  if (!model.sizesVerified) {
    problems.push(
      problem(
        'encoder-sizes-unverified',
        `${model.name}: the encoder sizes come from the paper, not from this release. Check them against ` +
          `${config} in ${model.checkpointUrl ?? 'the checkpoint tarball'} before a long run.`,
      ),
    );
  }
  return { overrides: encoderOverrides(encoder), problems };
}

/**
 * Encoder settings from a checkpoint's own config: `bert_config.json` / `albert_config.json`
 * (google-research names) as they ship beside TF1-converted checkpoints.
 */
export function encoderFromConfigJson(json: Record<string, unknown>): EncoderConfig {
  const number = (name: string): number | undefined =>
    typeof json[name] === 'number' ? (json[name] as number) : undefined;
  const hidden = number('hidden_size');
  const embedding = number('embedding_size');
  const type: EncoderType = embedding !== undefined && embedding !== hidden ? 'albert' : 'bert';
  const fields: Record<string, number | string> = {};
  const put = (target: string, value: number | string | undefined) => {
    if (value !== undefined) fields[target] = value;
  };
  put('vocab_size', number('vocab_size'));
  if (type === 'albert') put('embedding_width', embedding);
  put('hidden_size', hidden);
  put('num_layers', number('num_hidden_layers'));
  put('num_attention_heads', number('num_attention_heads'));
  put('intermediate_size', number('intermediate_size'));
  put('max_position_embeddings', number('max_position_embeddings'));
  put('type_vocab_size', number('type_vocab_size'));
  if (typeof json.hidden_act === 'string') put('hidden_activation', json.hidden_act);
  put('dropout_rate', number('hidden_dropout_prob'));
  put('attention_dropout_rate', number('attention_probs_dropout_prob'));
  put('initializer_range', number('initializer_range'));
  if (Object.keys(fields).length === 0)
    throw new Error('the config has none of the BERT/ALBERT encoder fields');
  return { type, fields };
}
