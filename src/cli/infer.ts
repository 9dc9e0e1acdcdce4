import * as os from 'node:os';
import { parseArgs } from 'node:util';
import {
  BACKEND_PREFERENCES,
  EncoderModel,
  bestSpan,
  classify,
  fillMask,
  initBackend,
  isBackendPreference,
  loadCheckpointWeights,
  prepareInput,
  replacedTokens,
  stopWasmThreads,
  tags,
} from '../core/inference';
import { nonFiniteMessage, nonFiniteOutputs } from '../core/inference/finite';
import { printable } from '../core/text/printable';
import { loadTokenizerFromPath } from '../core/tokenizers';
import { UsageError, type CliIo } from './io';

export const usage =
  'model-garden infer --checkpoint PATH [--vocab FILE|--spm FILE] --text TEXT [--pair TEXT] [--task encode|fill-mask|classify|squad|tag|rtd] [--top-k K] [--backend auto|tensorflow|wasm|cpu] [--json]';

const TASKS = ['encode', 'fill-mask', 'classify', 'squad', 'tag', 'rtd'] as const;
type Task = (typeof TASKS)[number];

const round = (v: number) => Number(v.toPrecision(7));

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkpoint: { type: 'string' },
      vocab: { type: 'string' },
      spm: { type: 'string' },
      text: { type: 'string' },
      pair: { type: 'string' },
      task: { type: 'string', default: 'encode' },
      'top-k': { type: 'string', default: '5' },
      backend: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.checkpoint) throw new UsageError(`--checkpoint is required.\nUsage: ${usage}`);
  if (values.text === undefined) throw new UsageError(`--text is required.\nUsage: ${usage}`);
  if (values.vocab && values.spm) throw new UsageError('Give --vocab or --spm, not both.');
  const task = values.task as Task;
  if (!TASKS.includes(task))
    throw new UsageError(`Unknown task "${values.task}". Use one of: ${TASKS.join(', ')}`);
  if (!isBackendPreference(values.backend!)) {
    throw new UsageError(
      `Unknown backend "${values.backend}". Use one of: ${BACKEND_PREFERENCES.join(', ')}`,
    );
  }
  const topK = Number(values['top-k']);
  if (!Number.isInteger(topK) || topK < 1)
    throw new UsageError(`--top-k must be a positive integer, got "${values['top-k']}"`);
  if (task === 'squad' && values.pair === undefined) {
    throw new UsageError('--task squad needs --text QUESTION and --pair CONTEXT.');
  }

  const backend = await initBackend(values.backend, { threads: Math.min(4, os.availableParallelism()) });
  const loaded = await loadCheckpointWeights(values.checkpoint, {});
  const tokenizerFile = values.vocab ?? values.spm ?? loaded.vocabFile ?? loaded.spmFile;
  if (!tokenizerFile) {
    throw new UsageError(
      `No vocab.txt or SentencePiece .model beside ${values.checkpoint}: give --vocab FILE or --spm FILE.`,
    );
  }
  const tokenizer = loadTokenizerFromPath(tokenizerFile);
  const model = new EncoderModel(loaded.weights);
  try {
    const heads = model.heads;
    const need: Partial<Record<Task, keyof typeof heads>> = {
      'fill-mask': 'maskedLm',
      classify: 'classifier',
      squad: 'span',
      tag: 'tagging',
      rtd: 'discriminator',
    };
    const head = need[task];
    if (head && !heads[head]) {
      const present = Object.entries(heads).flatMap(([k, v]) => (v ? [k] : []));
      throw new UsageError(
        `This checkpoint has no ${head} head for --task ${task} (heads present: ${present.join(', ') || 'none'}).`,
        1,
      );
    }
    const prepared = prepareInput(tokenizer, values.text, {
      pair: values.pair,
      maxLength: model.config.maxPositionEmbeddings,
    });
    if (task === 'fill-mask' && prepared.maskPositions.length === 0) {
      throw new UsageError(`--task fill-mask needs at least one ${'[MASK]'} in --text or --pair.`);
    }
    const result = await model.run(prepared.input, {
      maskedPositions: task === 'fill-mask' ? [[...prepared.maskPositions]] : undefined,
      heads: task !== 'encode' && task !== 'fill-mask',
    });
    const notFinite = nonFiniteOutputs(result);
    if (notFinite.length > 0) throw new UsageError(nonFiniteMessage(notFinite, loaded.nonFinite), 1);
    const H = result.hiddenSize;
    const out: Record<string, unknown> = {
      backend: backend.name,
      backendLabel: backend.label,
      task,
      tokens: prepared.tokens.map((t) => t.piece),
      ids: prepared.tokens.map((t) => t.id),
      truncated: prepared.truncated,
      pooled: result.pooled ? Array.from(result.pooled, round) : undefined,
      sequenceShape: [result.batch, result.seqLength, H],
    };
    const lines: string[] = [
      `backend: ${backend.label}`,
      `tokens (${prepared.tokens.length}): ${prepared.tokens.map((t) => t.piece).join(' ')}`,
      `sequence output: [${out.sequenceShape}]`,
    ];
    if (result.pooled) {
      const head = Array.from(result.pooled.subarray(0, 8), (v) => v.toFixed(4)).join(', ');
      lines.push(`pooled (${result.pooled.length}): [${head}${result.pooled.length > 8 ? ', …' : ''}]`);
    }
    if (task === 'fill-mask') {
      const answers = fillMask(result, tokenizer, topK);
      out.fillMask = answers.map((a) => ({
        position: a.position,
        candidates: a.candidates.map((c) => ({ token: c.token, id: c.id, prob: round(c.prob) })),
      }));
      for (const a of answers) {
        lines.push(
          `[MASK] at ${a.position}: ${a.candidates.map((c) => `${c.token} ${(c.prob * 100).toFixed(1)}%`).join(', ')}`,
        );
      }
    } else if (task === 'classify') {
      const probs = classify(result.classifierLogits!, model.labels.classifier);
      out.classify = probs.map((p) => ({ label: p.label, prob: round(p.prob) }));
      for (const p of probs) lines.push(`${p.label}: ${(p.prob * 100).toFixed(1)}%`);
    } else if (task === 'squad') {
      const span = bestSpan(result, prepared.tokens, values.pair!, { segment: 1 });
      out.squad = span
        ? { start: span.start, end: span.end, text: span.text, score: round(span.score) }
        : null;
      lines.push(
        span
          ? `answer: "${span.text}" (tokens ${span.start}–${span.end}, score ${span.score.toFixed(3)})`
          : 'no answer span',
      );
    } else if (task === 'tag') {
      const t = tags(result, prepared.tokens, model.labels.tagging);
      out.tags = t.map((x) => ({
        position: x.position,
        token: x.token,
        label: x.label,
        prob: round(x.prob),
      }));
      lines.push(t.map((x) => `${x.token}/${x.label}`).join(' '));
    } else if (task === 'rtd') {
      const r = replacedTokens(result, prepared.tokens);
      out.rtd = r.map((x) => ({ position: x.position, token: x.token, replaced: round(x.replaced) }));
      lines.push(r.map((x) => `${x.token}:${x.replaced.toFixed(2)}`).join(' '));
    }
    if (result.nextSentenceLogits && task !== 'encode' && task !== 'fill-mask') {
      const [isNext] = classify(result.nextSentenceLogits.subarray(0, 2));
      out.nextSentence = { isNext: round(isNext!.prob) };
    }
    // Tokens and labels come from files: each line printed with its control characters escaped.
    io.out(values.json ? JSON.stringify(out, null, 2) : lines.map(printable).join('\n'));
    return 0;
  } finally {
    model.dispose();
    stopWasmThreads();
  }
}
