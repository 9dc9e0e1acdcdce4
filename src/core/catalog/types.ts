/** The four sections of the Model Garden's pretrained_models.md. */
export type Family = 'bert' | 'bert-variant' | 'albert' | 'electra';

export type TokenizerKind = 'wordpiece' | 'sentencepiece';

export type Casing = 'uncased' | 'cased';

/**
 * One pre-trained encoder of the Model Garden catalog.
 * `null` means the source documents do not establish the value; it is shown as unknown, never guessed.
 */
export interface CatalogModel {
  /** TF-Hub model name (e.g. `bert_en_uncased_L-12_H-768_A-12`), or `electra_small` / `electra_base`. */
  readonly id: string;
  readonly family: Family;
  /** Display name exactly as in the Model Garden document. */
  readonly name: string;
  /** The document's Configuration column (e.g. `uncased_L-12_H-768_A-12`); null where the section has none. */
  readonly config: string | null;
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number | null;
  readonly intermediateSize: number;
  readonly embeddingSize: number;
  readonly vocabSize: number;
  readonly maxPositionEmbeddings: number;
  readonly typeVocabSize: number;
  readonly casing: Casing;
  readonly doLowerCase: boolean;
  readonly language: string;
  /** Training data as the document's table gives it. */
  readonly trainingData: string;
  /** Training data as the TF-Hub page gives it, where known. */
  readonly trainingDataOnHub: string | null;
  /** The checkpoint tarball; null for TF-Hub-only models. */
  readonly checkpointUrl: string | null;
  /** Folder name after extraction, per the Model Garden notebook. */
  readonly checkpointFolder: string | null;
  /** Checkpoint prefix inside that folder (`task.init_checkpoint`); null where unverified. */
  readonly checkpointPrefix: string | null;
  /** Root object key of the TF2 checkpoint (`encoder`). */
  readonly checkpointRootKey: string | null;
  /** TF-Hub URL exactly as linked in the document (often without a version). */
  readonly hubUrlInDoc: string | null;
  /** Latest versioned TF-Hub handle. */
  readonly hubUrl: string | null;
  readonly hubVersion: number | null;
  /** The TF-Hub preprocessing model that carries the tokenizer assets. */
  readonly preprocessUrl: string | null;
  /** Whether the preprocessing handle was read on this model's own TF-Hub page (else by analogy). */
  readonly preprocessVerified: boolean;
  readonly tokenizer: TokenizerKind;
  /** Vocab or SentencePiece file name inside the checkpoint tarball; null where unverified. */
  readonly vocabFile: string | null;
  /** Another catalog model whose vocabulary this model uses, where the document says so. */
  readonly vocabSameAs: string | null;
  /** Value for `task.model.encoder.type` when building from a checkpoint; null for hub-only models. */
  readonly encoderType: 'bert' | 'albert' | null;
  /** Whether the TF-Hub SavedModel has the `.mlm` subobject. */
  readonly hasHubMlm: boolean;
  /** The shipped `configs/models/*.yaml`, if any. */
  readonly modelConfigYaml: string | null;
  /** False where the layer sizes come from a paper rather than this release. */
  readonly sizesVerified: boolean;
  /** The document's Comment column (variants only). */
  readonly comment: string | null;
  readonly notes: string;
}

export const FAMILY_LABELS: Readonly<Record<Family, string>> = {
  bert: 'BERT',
  'bert-variant': 'BERT variants',
  albert: 'ALBERT',
  electra: 'ELECTRA',
};

export const FAMILIES: readonly Family[] = ['bert', 'bert-variant', 'albert', 'electra'];

export const MODEL_GARDEN_DOCS_URL =
  'https://github.com/tensorflow/models/blob/master/official/nlp/docs/pretrained_models.md';
