// Builds a tokenizer from what the user has: a vocab.txt or .model file, a checkpoint folder, a TF-Hub
// preprocessing SavedModel folder (its assets/), or a catalog model (bundled ALBERT model, or the vocab
// found in the local model cache).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findModel, type CatalogModel } from '../catalog';
import { InputFileError, readInputFileSync } from '../files/readInput';
import { readAlbertModel } from './albertAsset';
import { SentencePieceTokenizer } from './sentencepiece';
import { parseSpmModel } from './spmModel';
import { TokenizerAssetError, type Tokenizer } from './types';
import { parseVocab, type Vocab } from './vocab';
import type { TokenizerFlavor } from './tfText';
import { WordPieceTokenizer } from './wordpiece';

/** Largest vocab.txt accepted (real ones are 0.2–1 MB). */
export const MAX_VOCAB_BYTES = 64 << 20;
/** Largest SentencePiece .model accepted (ALBERT's is 0.7 MB). */
export const MAX_SPM_BYTES = 64 << 20;

/** Reads a tokenizer file through `readInputFileSync`, as a TokenizerAssetError when it cannot be used. */
function readAsset(file: string, what: string, maxBytes: number): Buffer {
  try {
    return readInputFileSync(file, { what, maxBytes });
  } catch (error) {
    if (error instanceof InputFileError) throw new TokenizerAssetError(error.file, error.reason);
    throw error;
  }
}

export interface LoadOptions {
  /** WordPiece casing; when omitted it is inferred from the vocabulary (see `looksUncased`). */
  readonly lowerCase?: boolean;
  readonly label?: string;
  /** WordPiece splitting rules: tokenization.py (default) or tensorflow_text (TF-Hub preprocessing models). */
  readonly flavor?: TokenizerFlavor;
}

/** Raised when a catalog model's vocabulary is not on this machine; the message says how to get it. */
export class VocabNotFoundError extends Error {
  constructor(
    readonly modelId: string,
    message: string,
  ) {
    super(message);
    this.name = 'VocabNotFoundError';
  }
}

/** An uncased vocabulary has no entry with an upper-case letter apart from bracketed specials like [UNK]. */
export function looksUncased(vocab: Vocab): boolean {
  let upper = 0;
  for (const piece of vocab.pieces) {
    if (piece.startsWith('[') && piece.endsWith(']')) continue;
    if (/\p{Lu}/u.test(piece) && ++upper > 10) return false;
  }
  return true;
}

export function wordPieceFromFile(file: string, options: LoadOptions = {}): WordPieceTokenizer {
  const text = readText(file);
  const vocab = parseVocab(text, options.flavor === 'tf-text');
  if (vocab.pieces.length === 0) throw new TokenizerAssetError(file, 'the vocabulary file is empty');
  const lowerCase = options.lowerCase ?? looksUncased(vocab);
  return new WordPieceTokenizer(vocab, {
    lowerCase,
    label: options.label ?? `${path.basename(file)} (${lowerCase ? 'uncased' : 'cased'})`,
    source: file,
    flavor: options.flavor,
  });
}

/** A SentencePiece tokenizer with ALBERT's preprocessing (the only SentencePiece models of the Model Garden). */
export function sentencePieceFromBytes(
  bytes: Uint8Array,
  source: string,
  options: LoadOptions = {},
): SentencePieceTokenizer {
  return new SentencePieceTokenizer(parseSpmModel(bytes, source), {
    albert: { lowerCase: options.lowerCase ?? true, flavor: options.flavor },
    label: options.label ?? path.basename(source),
    source,
  });
}

export function sentencePieceFromFile(file: string, options: LoadOptions = {}): SentencePieceTokenizer {
  return sentencePieceFromBytes(readAsset(file, 'SentencePiece model', MAX_SPM_BYTES), file, options);
}

function readText(file: string): string {
  const bytes = readAsset(file, 'vocabulary', MAX_VOCAB_BYTES);
  if (bytes.includes(0)) throw new TokenizerAssetError(file, 'not a text vocabulary (it contains NUL bytes)');
  return bytes.toString('utf8');
}

/** Tokenizer files under a folder: vocab.txt or *.model, preferring assets/ (TF-Hub SavedModel). */
export function findTokenizerFiles(folder: string, maxDepth = 4): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) =>
      a.name === 'assets' ? -1 : b.name === 'assets' ? 1 : a.name.localeCompare(b.name),
    );
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < maxDepth && entry.name !== 'variables') walk(full, depth + 1);
      } else if (entry.name === 'vocab.txt' || entry.name.endsWith('.model')) {
        found.push(full);
      }
    }
  };
  walk(folder, 0);
  return found;
}

/** A tokenizer from a vocab.txt, a .model, a checkpoint folder or a TF-Hub preprocessing SavedModel folder. */
export function loadTokenizerFromPath(target: string, options: LoadOptions = {}): Tokenizer {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(target);
  } catch {
    throw new TokenizerAssetError(target, 'no such file or folder');
  }
  if (stat.isDirectory()) {
    const files = findTokenizerFiles(target);
    if (files.length === 0) {
      throw new TokenizerAssetError(
        target,
        'no vocab.txt or SentencePiece .model file in this folder (or its assets/)',
      );
    }
    return loadTokenizerFromPath(files[0], options);
  }
  return target.endsWith('.model')
    ? sentencePieceFromFile(target, options)
    : wordPieceFromFile(target, options);
}

/** The model cache folder: `--cache`, else MODEL_GARDEN_CACHE. */
export function cacheDir(explicit?: string): string | undefined {
  return explicit ?? (process.env.MODEL_GARDEN_CACHE || undefined);
}

/**
 * A catalog model's tokenizer. ALBERT uses the bundled 30k-clean.model; WordPiece models look for vocab.txt
 * under `<cache>/<modelId>/` (tokenizer/ and checkpoint/ as the downloader stores them), also under the
 * model whose vocabulary this one shares (ELECTRA -> BERT uncased).
 */
export function loadCatalogTokenizer(model: CatalogModel, cache?: string): Tokenizer {
  const label = model.name;
  if (model.tokenizer === 'sentencepiece') {
    const { bytes, source } = readAlbertModel();
    return sentencePieceFromBytes(bytes, source, { lowerCase: model.doLowerCase, label });
  }
  const ids = [model.id, ...(model.vocabSameAs ? [model.vocabSameAs] : [])];
  const searched: string[] = [];
  if (cache) {
    for (const id of ids) {
      const dir = path.join(cache, id);
      searched.push(dir);
      const vocab = findTokenizerFiles(dir, 6).find(
        (f) => path.basename(f) === (model.vocabFile ?? 'vocab.txt'),
      );
      if (vocab) return wordPieceFromFile(vocab, { lowerCase: model.doLowerCase, label });
    }
  }
  const source = model.vocabSameAs ? findModel(model.vocabSameAs) : undefined;
  const where = [model.checkpointUrl ?? source?.checkpointUrl, model.preprocessUrl].filter(Boolean);
  throw new VocabNotFoundError(
    model.id,
    `The vocabulary of ${model.id} (vocab.txt) is not on this machine` +
      (searched.length ? ` (searched ${searched.join(', ')})` : ' (no model cache given)') +
      `. Get it with \`model-garden download ${model.vocabSameAs ?? model.id} --what tokenizer\`` +
      (where.length ? ` (from ${where.join(' or ')})` : '') +
      ', or pass a vocab.txt with --vocab FILE.',
  );
}
