// Tokenizers of the Model Garden's encoders: WordPiece (BERT, ELECTRA) and SentencePiece unigram (ALBERT).
export * from './types';
export { parseVocab, type Vocab } from './vocab';
export { WordPieceTokenizer, type WordPieceOptions } from './wordpiece';
export { parseSpmModel, PieceType, type SpmModel, type SpmPiece } from './spmModel';
export { SentencePieceTokenizer, type SentencePieceOptions } from './sentencepiece';
export { albertPreprocess } from './albert';
export { packInputs, roundRobinQuotas, type Packed } from './pack';
export { readAlbertModel, ALBERT_MODEL_FILE, ALBERT_MODEL_SHA256 } from './albertAsset';
export * from './load';
export * from './spec';
export { tfTextPrenormalize, type TokenizerFlavor } from './tfText';
export { encodeKeepingMask, LITERAL_SPECIALS, MASK_TEXT } from './maskText';
