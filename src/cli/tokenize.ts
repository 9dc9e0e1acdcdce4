import { parseArgs } from 'node:util';
import { requireModel } from '../core/catalog';
import { defaultCacheDir } from '../core/download/cacheDir';
import { InputFileError, readInputFileSync } from '../core/files/readInput';
import {
  loadCatalogTokenizer,
  packInputs,
  sentencePieceFromFile,
  VocabNotFoundError,
  wordPieceFromFile,
  type Tokenizer,
} from '../core/tokenizers';
import { printable } from '../core/text/printable';
import { table, UsageError, type CliIo } from './io';

/** Largest --file accepted. */
export const MAX_TEXT_BYTES = 32 << 20;

export const usage =
  'model-garden tokenize (--model ID | --vocab FILE [--lowercase|--no-lowercase] | --spm FILE) (--text TEXT | --file FILE [--lines]) [--pair TEXT] [--seq-length N] [--flavor tokenization.py|tf-text] [--cache DIR] [--json]';

interface TokenJson {
  piece: string;
  id: number;
  start: number;
  end: number;
}

/** The `--json` object of one input; stable for scripts. */
export function tokenizeJson(
  tokenizer: Tokenizer,
  text: string,
  pair: string | undefined,
  seqLength: number,
) {
  const toJson = (t: string): TokenJson[] => {
    const e = tokenizer.encode(t);
    return e.ids.map((id, i) => ({ piece: tokenizer.idToPiece(id), id, start: e.starts[i], end: e.ends[i] }));
  };
  const tokens = toJson(text);
  const pairTokens = pair === undefined ? undefined : toJson(pair);
  const segments = [tokens.map((t) => t.id), ...(pairTokens ? [pairTokens.map((t) => t.id)] : [])];
  const packed = packInputs(tokenizer.specials, segments, seqLength);
  return {
    tokens,
    ...(pairTokens ? { pairTokens } : {}),
    inputIds: packed.inputIds,
    typeIds: packed.typeIds,
    inputMask: packed.inputMask,
    truncated: packed.truncated,
  };
}

function loadTokenizer(values: {
  model?: string;
  vocab?: string;
  spm?: string;
  lowercase?: boolean;
  'no-lowercase'?: boolean;
  flavor?: string;
  cache?: string;
}): Tokenizer {
  const flavor = values.flavor ?? 'tokenization.py';
  if (flavor !== 'tokenization.py' && flavor !== 'tf-text')
    throw new UsageError(
      `Unknown flavor "${flavor}": use tokenization.py (the data pipeline) or tf-text (TF-Hub preprocessing).`,
    );
  const sources = [values.model, values.vocab, values.spm].filter((v) => v !== undefined);
  if (sources.length !== 1)
    throw new UsageError(`Give exactly one of --model, --vocab or --spm.\nUsage: ${usage}`);
  if (values.lowercase && values['no-lowercase'])
    throw new UsageError('Give --lowercase or --no-lowercase, not both.');
  const lowerCase = values.lowercase ? true : values['no-lowercase'] ? false : undefined;
  if (values.model !== undefined) {
    let model;
    try {
      model = requireModel(values.model);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    try {
      return loadCatalogTokenizer(model, values.cache ?? defaultCacheDir());
    } catch (error) {
      if (error instanceof VocabNotFoundError) throw new UsageError(error.message, 1);
      throw error;
    }
  }
  if (values.vocab !== undefined) return wordPieceFromFile(values.vocab, { lowerCase, flavor });
  return sentencePieceFromFile(values.spm!, { lowerCase, flavor });
}

function humanReport(
  tokenizer: Tokenizer,
  text: string,
  result: ReturnType<typeof tokenizeJson>,
  seqLength: number,
): string {
  const used = result.inputMask.reduce((a, b) => a + b, 0);
  const header =
    `${tokenizer.label}: ${result.tokens.length} tokens` +
    (result.pairTokens ? ` + ${result.pairTokens.length} in the pair` : '') +
    `; ${used} of seq_length ${seqLength} used${result.truncated ? ' (TRUNCATED)' : ''}`;
  const rows = result.tokens.map((t, i) => [
    String(i + 1),
    printable(t.piece),
    String(t.id),
    `${t.start}-${t.end}`,
    JSON.stringify(text.slice(t.start, t.end)),
  ]);
  return [
    header,
    table(['#', 'PIECE', 'ID', 'OFFSETS', 'TEXT'], rows),
    `input_ids: ${result.inputIds.slice(0, used).join(' ')}`,
  ].join('\n');
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      vocab: { type: 'string' },
      spm: { type: 'string' },
      lowercase: { type: 'boolean' },
      'no-lowercase': { type: 'boolean' },
      flavor: { type: 'string' },
      text: { type: 'string' },
      file: { type: 'string' },
      lines: { type: 'boolean', default: false },
      pair: { type: 'string' },
      'seq-length': { type: 'string', default: '128' },
      cache: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if ((values.text === undefined) === (values.file === undefined)) {
    throw new UsageError(`Give exactly one of --text or --file.\nUsage: ${usage}`);
  }
  if (values.lines && values.file === undefined) throw new UsageError('--lines needs --file.');
  const seqLength = Number(values['seq-length']);
  if (
    !Number.isInteger(seqLength) ||
    seqLength < (values.pair === undefined ? 2 : 3) ||
    seqLength > 1_000_000
  ) {
    throw new UsageError(
      `--seq-length must be a whole number of at least ${values.pair === undefined ? 2 : 3}.`,
    );
  }
  const tokenizer = loadTokenizer(values);
  let inputs: string[];
  if (values.file !== undefined) {
    let content: string;
    try {
      content = readInputFileSync(values.file, { what: 'input text', maxBytes: MAX_TEXT_BYTES }).toString(
        'utf8',
      );
    } catch (error) {
      if (error instanceof InputFileError) throw new UsageError(error.message, 1);
      throw error;
    }
    if (values.lines) {
      inputs = content.split(/\r?\n/);
      if (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
    } else {
      inputs = [content];
    }
  } else {
    inputs = [values.text!];
  }
  inputs.forEach((text, i) => {
    const result = tokenizeJson(tokenizer, text, values.pair, seqLength);
    if (values.json) io.out(JSON.stringify(result));
    else
      io.out(
        (values.lines ? `line ${i + 1}: ` : '') + humanReport(tokenizer, text, result, seqLength) + '\n',
      );
  });
  return 0;
}
