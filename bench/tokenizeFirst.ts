// The first tokenization of a large document, as the editor meets it: a fresh tokenize worker
// (dist/tokenizeWorker.js), the default tokenizer (ALBERT's bundled SentencePiece model) or the BERT
// uncased vocab, and an 88 K-character document. "cold": the document is the worker's first request
// (worker start + tokenizer load + first encode); "warmed": the extension's start-up load and its warm-up
// (core/tokenizers/warmup.ts) ran first, as they do at activation, so only the encode remains.
// Bound: warmed < 200 ms in the worker. Two documents: generated English (test/tokenizerText.ts) and
// real prose the warm-up never saw (the README.md files of the installed npm packages).
// Wall-clock figures: on a shared, loaded machine they vary; the load average is printed with them, and the
// process's CPU time during the request (less sensitive to other processes' load).
// Run: npm run build && npm run compile-tests && node out/bench/tokenizeFirst.js [runs]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { fixturesDir, repoRoot } from '../test/fixtures';
import { generateEnglishLines } from '../test/tokenizerText';
import type { WorkerRequest, WorkerResponse } from '../src/vscode/tokenize/protocol';
import type { TokenizerSpec } from '../src/core/tokenizers/spec';

const WORKER = path.join(repoRoot, 'dist', 'tokenizeWorker.js');

const BOUND_MS = 200;
const SIZE = 88_000;

function session() {
  const worker = new Worker(WORKER);
  let next = 1;
  const waiting = new Map<number, (m: WorkerResponse) => void>();
  let warmed: ((m: Extract<WorkerResponse, { type: 'warmed' }>) => void) | undefined;
  worker.on('message', (m: WorkerResponse) => {
    if (m.type === 'warmed') return warmed?.(m);
    waiting.get(m.id)?.(m);
    waiting.delete(m.id);
  });
  type Ask =
    | { type: 'load'; spec: TokenizerSpec; warm?: boolean }
    | { type: 'tokenize'; spec: TokenizerSpec; text: string };
  const ask = (request: Ask) =>
    new Promise<WorkerResponse>((resolve) => {
      const id = next++;
      waiting.set(id, resolve);
      worker.postMessage({ ...request, id } satisfies WorkerRequest);
    });
  /** Loads with warm-up and resolves when the warm-up has ended. */
  const warm = (spec: TokenizerSpec) =>
    new Promise<Extract<WorkerResponse, { type: 'warmed' }>>((resolve) => {
      warmed = resolve;
      void ask({ type: 'load', spec, warm: true });
    });
  return { ask, warm, stop: () => worker.terminate() };
}

interface Run {
  total: number;
  worker: number;
  /** CPU time of the whole process (the worker, V8's compiler and GC threads) during the request. */
  cpu: number;
  warmUp?: number;
  /** In the worker, the same text asked again in that session. */
  again: number;
  againCpu: number;
}

type Mode = 'cold' | 'loaded' | 'warmed';

async function measure(spec: TokenizerSpec, text: string, mode: Mode): Promise<Run> {
  const s = session();
  try {
    let warmUp: number | undefined;
    if (mode === 'warmed') {
      const w = await s.warm(spec);
      if (!w.complete) throw new Error('the warm-up was cut short');
      warmUp = w.ms;
    } else if (mode === 'loaded') {
      await s.ask({ type: 'load', spec });
    }
    const ask = async () => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      const answer = await s.ask({ type: 'tokenize', spec, text });
      const total = performance.now() - t0;
      const c1 = process.cpuUsage(c0);
      if (answer.type !== 'result') throw new Error(`unexpected ${answer.type}: ${JSON.stringify(answer)}`);
      return { total, worker: answer.workerMs, cpu: (c1.user + c1.system) / 1000 };
    };
    const first = await ask();
    // The same request again: the steady state, the floor for a first call.
    const again = await ask();
    return { ...first, warmUp, again: again.worker, againCpu: again.cpu };
  } finally {
    await s.stop();
  }
}

/** Generated English prose (the tokenizer parity tests' corpus), SIZE characters. */
function generatedEnglish(): string {
  let text = '';
  for (const line of generateEnglishLines(7, SIZE + 1000)) {
    if (text.length >= SIZE) break;
    text += line + '\n';
  }
  return text.slice(0, SIZE);
}

/** Real prose the warm-up never saw: the installed packages' README.md files, in name order. */
function packageReadmes(): string | undefined {
  const modules = path.join(repoRoot, 'node_modules');
  let text = '';
  for (const name of fs.readdirSync(modules).sort()) {
    const file = path.join(modules, name, 'README.md');
    if (!fs.existsSync(file)) continue;
    text += fs.readFileSync(file, 'utf8') + '\n';
    if (text.length >= SIZE) return text.slice(0, SIZE);
  }
  return undefined;
}

async function main(): Promise<void> {
  const texts: [string, string][] = [['generated English', generatedEnglish()]];
  const readmes = packageReadmes();
  if (readmes) texts.push(['package READMEs', readmes]);
  const specs: [string, TokenizerSpec][] = [
    ['ALBERT (default)', { kind: 'catalog', modelId: 'albert_en_base' }],
  ];
  const fixtures = fixturesDir();
  if (fixtures)
    specs.push([
      'BERT uncased',
      { kind: 'file', path: path.join(fixtures, 'vocab', 'bert_uncased_vocab.txt') },
    ]);
  const runs = Number(process.argv[2] ?? 5);
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `${SIZE} characters, median of ${runs} fresh workers each; bound ${BOUND_MS} ms (warmed, in the worker); ` +
      `${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)} at start`,
  );
  const modes: [Mode, string][] = [
    ['cold', 'cold (worker start + load)'],
    ['loaded', 'loaded, no warm-up'],
    ['warmed', 'loaded + warm-up'],
  ];
  for (const [textName, text] of texts) {
    for (const [name, spec] of specs) {
      for (const [mode, modeName] of modes) {
        const runsOf: Run[] = [];
        for (let i = 0; i < runs; i++) runsOf.push(await measure(spec, text, mode));
        const of = (f: (r: Run) => number) => median(runsOf.map(f));
        const inWorker = of((r) => r.worker);
        const ms = (f: (r: Run) => number, width = 5) => of(f).toFixed(0).padStart(width);
        const fields = [
          `${textName.padEnd(17)} ${name.padEnd(16)} ${modeName.padEnd(26)}`,
          `in the worker ${ms((r) => r.worker)} ms (${(inWorker / BOUND_MS).toFixed(2)}× the bound)`,
          `round trip ${ms((r) => r.total)} ms`,
          `process CPU ${ms((r) => r.cpu)} ms`,
          `asked again ${ms((r) => r.again)} ms (CPU ${ms((r) => r.againCpu, 3)} ms)`,
        ];
        if (mode === 'warmed') fields.push(`warm-up ${of((r) => r.warmUp ?? 0).toFixed(0)} ms`);
        console.log(fields.join(', ') + ` (load average ${os.loadavg()[0].toFixed(1)})`);
      }
    }
  }
}

void main();
