// Tokenizer benchmark: ours against Hugging Face `tokenizers` (Rust, napi) and `@huggingface/tokenizers`
// (pure JS) for WordPiece, and against SentencePiece compiled to wasm (@sctg/sentencepiece-js) for unigram,
// on >= 10 MB of generated English text in one process run: tokens/s, ratios, and whether the ids agree.
// Run: node out/bench/tokenize.js [MB] [--spm-only]   (vocab files from ../shared/fixtures/vocab or MODEL_GARDEN_FIXTURES)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as hf from 'tokenizers';
import {
  parseSpmModel,
  parseVocab,
  SentencePieceTokenizer,
  WordPieceTokenizer,
} from '../src/core/tokenizers';
import { fixturesDir } from '../test/fixtures';
import { generateEnglishLines } from '../test/tokenizerText';

interface JsTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[] };
}
interface SpmProcessor {
  loadFromB64StringModel(b64: string): Promise<void>;
  encodeIds(text: string): number[];
}
const importEsm = new Function('s', 'return import(s)') as (s: string) => Promise<{
  SentencePieceProcessor: new () => SpmProcessor;
}>;

interface Result {
  name: string;
  tokens: number;
  seconds: number;
  ids: number[][];
}

function time(name: string, inputs: string[], encode: (t: string) => number[]): Result {
  const t0 = process.hrtime.bigint();
  const ids = inputs.map(encode);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { name, tokens: ids.reduce((a, b) => a + b.length, 0), seconds, ids };
}

async function timeAsync(
  name: string,
  inputs: string[],
  encode: (t: string) => Promise<number[]>,
): Promise<Result> {
  const t0 = process.hrtime.bigint();
  const ids: number[][] = [];
  for (const input of inputs) ids.push(await encode(input));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { name, tokens: ids.reduce((a, b) => a + b.length, 0), seconds, ids };
}

const rate = (r: Result) => r.tokens / r.seconds;
const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(0)} K`);

function agree(a: Result, b: Result): string {
  const n = Math.min(a.ids.length, b.ids.length);
  let differ = 0;
  for (let i = 0; i < n; i++) if (a.ids[i].join() !== b.ids[i].join()) differ++;
  return differ === 0 ? `ids identical on ${n} inputs` : `ids DIFFER on ${differ} of ${n} inputs`;
}

function report(title: string, ours: Result, peers: Result[]): void {
  console.log(`\n${title}`);
  for (const r of [ours, ...peers]) {
    const ratio = r === ours ? '' : `  ours is ${(rate(ours) / rate(r)).toFixed(1)}x   ${agree(ours, r)}`;
    console.log(
      `  ${r.name.padEnd(44)} ${fmt(rate(r)).padStart(8)} tokens/s  (${r.tokens} tokens, ${r.seconds.toFixed(2)} s)${ratio}`,
    );
  }
}

function chunk(lines: string[], size: number): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let len = 0;
  for (const line of lines) {
    cur.push(line);
    len += line.length + 1;
    if (len >= size) {
      out.push(cur.join('\n'));
      cur = [];
      len = 0;
    }
  }
  if (cur.length) out.push(cur.join('\n'));
  return out;
}

async function main(): Promise<void> {
  const dir = fixturesDir();
  if (!dir) throw new Error('fixtures folder not found: set MODEL_GARDEN_FIXTURES');
  const mb = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10);
  const lines = generateEnglishLines(7, mb * 1_000_000);
  const chunks = chunk(lines, 65_536);
  const chars = lines.reduce((a, l) => a + l.length + 1, 0);
  console.log(
    `${(chars / 1e6).toFixed(1)} MB of generated English text: ${lines.length} lines, ${chunks.length} chunks; Node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`,
  );

  if (!process.argv.includes('--spm-only')) await wordPiece(dir, lines, chunks);
  await sentencePiece(dir, lines, chunks);
}

async function wordPiece(dir: string, lines: string[], chunks: string[]): Promise<void> {
  // WordPiece, BERT uncased vocab. The references are configured as the Model Garden (max 400 chars per word).
  const vocabFile = path.join(dir, 'vocab', 'bert_uncased_vocab.txt');
  const ours = new WordPieceTokenizer(parseVocab(fs.readFileSync(vocabFile, 'utf8')), { lowerCase: true });
  const rust = new hf.Tokenizer(
    await hf.WordPiece.fromFile(vocabFile, { unkToken: '[UNK]', maxInputCharsPerWord: 400 }),
  );
  rust.setNormalizer(
    hf.bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true }),
  );
  rust.setPreTokenizer(hf.bertPreTokenizer());
  const saved = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-')), 'tokenizer.json');
  rust.save(saved);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Tokenizer: JsTokenizerClass } = require('@huggingface/tokenizers') as {
    Tokenizer: new (json: object, config: object) => JsTokenizer;
  };
  const js = new JsTokenizerClass(JSON.parse(fs.readFileSync(saved, 'utf8')), {});
  fs.rmSync(path.dirname(saved), { recursive: true, force: true });

  const warm = lines.slice(0, 2000);
  warm.forEach((l) => (ours.encode(l), js.encode(l, { add_special_tokens: false })));
  const rustLines = lines.slice(0, 20_000); // each napi call costs ~180 µs: a subset keeps the run short
  const wpLines = time('ours, per line (with offsets)', lines, (t) => ours.encode(t).ids);
  const wpChunks = time('ours, 64 KB chunks (with offsets)', chunks, (t) => ours.encode(t).ids);
  const rustLine = await timeAsync(
    `tokenizers (Rust), per line (first ${rustLines.length})`,
    rustLines,
    async (t) => (await rust.encode(t, null, { addSpecialTokens: false })).getIds(),
  );
  const rustChunk = await timeAsync('tokenizers (Rust), 64 KB chunks', chunks, async (t) =>
    (await rust.encode(t, null, { addSpecialTokens: false })).getIds(),
  );
  const jsLine = time(
    '@huggingface/tokenizers (JS), per line',
    lines,
    (t) => js.encode(t, { add_special_tokens: false }).ids,
  );
  const jsChunk = time(
    '@huggingface/tokenizers (JS), 64 KB chunks',
    chunks,
    (t) => js.encode(t, { add_special_tokens: false }).ids,
  );
  report('WordPiece (BERT uncased vocab), per line', wpLines, [rustLine, jsLine]);
  report('WordPiece (BERT uncased vocab), chunks', wpChunks, [rustChunk, jsChunk]);
  console.log(
    `  target >= 3 M tokens/s on one thread: ${rate(wpLines) >= 3e6 ? 'met' : 'NOT met'} (${fmt(rate(wpLines))} per line, ${fmt(rate(wpChunks))} chunks)`,
  );
}

async function sentencePiece(dir: string, lines: string[], chunks: string[]): Promise<void> {
  const warm = lines.slice(0, 2000);
  // SentencePiece unigram (XLNet's model, raw SentencePiece) against SentencePiece itself.
  const spmBytes = fs.readFileSync(path.join(dir, 'vocab', 'xlnet_spiece.model'));
  const spmOurs = new SentencePieceTokenizer(parseSpmModel(spmBytes));
  const { SentencePieceProcessor } = await importEsm('@sctg/sentencepiece-js');
  const wasm = new SentencePieceProcessor();
  await wasm.loadFromB64StringModel(spmBytes.toString('base64'));
  warm.forEach((l) => (spmOurs.encode(l), wasm.encodeIds(l)));
  // The machine may be shared: ours and SentencePiece are timed in turns, three rounds, the median round reported.
  const median = (results: Result[]) => [...results].sort((a, b) => rate(a) - rate(b))[1]!;
  const rounds: Result[][] = [[], [], [], []];
  for (let round = 0; round < 3; round++) {
    rounds[0]!.push(time('ours, per line (with offsets)', lines, (t) => spmOurs.encode(t).ids));
    rounds[1]!.push(time('SentencePiece (wasm), per line', lines, (t) => wasm.encodeIds(t)));
    rounds[2]!.push(time('ours, 64 KB chunks (with offsets)', chunks, (t) => spmOurs.encode(t).ids));
    rounds[3]!.push(time('SentencePiece (wasm), 64 KB chunks', chunks, (t) => wasm.encodeIds(t)));
  }
  const [spLines, wasmLines, spChunks, wasmChunks] = rounds.map(median) as [Result, Result, Result, Result];
  report('SentencePiece unigram (XLNet spiece.model), per line (median of 3 rounds)', spLines, [wasmLines]);
  report('SentencePiece unigram (XLNet spiece.model), chunks (median of 3 rounds)', spChunks, [wasmChunks]);
  const perRound = (a: Result[], b: Result[]) =>
    a.map((r, i) => (rate(r) / rate(b[i]!)).toFixed(2) + 'x').join(', ');
  console.log(`  per round, ours vs SentencePiece (wasm): per line ${perRound(rounds[0]!, rounds[1]!)}`);
  console.log(`  per round, ours vs SentencePiece (wasm): chunks ${perRound(rounds[2]!, rounds[3]!)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
