// Worker for the SentencePiece memory test: encodes a large generated text with the ALBERT tokenizer
// under the heap limit the parent sets (resourceLimits), and reports what came out.
import { parentPort, workerData } from 'node:worker_threads';
import { requireModel } from '../../src/core/catalog';
import { loadCatalogTokenizer } from '../../src/core/tokenizers';
import { rng } from './random';

export interface SpmEncodeJob {
  readonly length: number;
  readonly seed: number;
  readonly alphabet: string;
}

const job = workerData as SpmEncodeJob;
const rand = rng(job.seed);
const units = new Uint16Array(job.length);
for (let i = 0; i < units.length; i++)
  units[i] = job.alphabet.charCodeAt(Math.floor(rand() * job.alphabet.length));
let text = '';
for (let i = 0; i < units.length; i += 8192)
  text += String.fromCharCode.apply(null, units.subarray(i, i + 8192) as unknown as number[]);
const tokenizer = loadCatalogTokenizer(requireModel('albert_en_base'));
const encoded = tokenizer.encode(text);
let ordered = true;
for (let i = 1; i < encoded.ends.length; i++) if (encoded.starts[i] < encoded.ends[i - 1]) ordered = false;
parentPort!.postMessage({
  tokens: encoded.ids.length,
  lastEnd: encoded.ends[encoded.ends.length - 1],
  ordered,
  textLength: text.length,
});
