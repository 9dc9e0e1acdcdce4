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
  'model-garden infer --checkpoint PATH [--vocab FILE|--spm FILE] --text TEXT [--pair TEXT] [--task encode|fill-mask|classify|squad|tag|rtd] [--top-k K] [--backend auto|tensorflow|wasm|cpu] [--num-layers N] [--json]\n' +
  '       model-garden infer --checkpoint PATH --ids I,I,... [--type-ids T,...] [--input-mask M,...] [--positions P,...] [--outputs] [--json]';

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
      ids: { type: 'string' },
      'type-ids': { type: 'string' },
      'input-mask': { type: 'string' },
      positions: { type: 'string' },
      outputs: { type: 'boolean', default: false },
      'num-layers': { type: 'string' },
    },
    strict: true,
  });
  if (!values.checkpoint) throw new UsageError(`--checkpoint is required.\nUsage: ${usage}`);
  const numLayers = values['num-layers'] === undefined ? undefined : Number(values['num-layers']);
  if (numLayers !== undefined && (!Number.isInteger(numLayers) || numLayers < 1))
    throw new UsageError(`--num-layers must be a positive integer, got "${values['num-layers']}"`);
  if (values.ids !== undefined) {
    if (values.text !== undefined) throw new UsageError('Give --text or --ids, not both.');
    if (!isBackendPreference(values.backend!)) {
      throw new UsageError(
        `Unknown backend "${values.backend}". Use one of: ${BACKEND_PREFERENCES.join(', ')}`,
      );
    }
    return runIds(values as IdsArgs, numLayers, io);
  }
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
  if (backend.warning) io.err(`model-garden infer: warning: ${backend.warning}`);
  try {
    return await runText(values as TextArgs, task, topK, numLayers, backend, io);
  } finally {
    // The threaded wasm build's workers keep the process alive: stop them on every path, errors included.
    stopWasmThreads();
  }
}

interface TextArgs {
  readonly checkpoint: string;
  readonly vocab?: string;
  readonly spm?: string;
  readonly text: string;
  readonly pair?: string;
  readonly json: boolean;
}

async function runText(
  values: TextArgs,
  task: Task,
  topK: number,
  numLayers: number | undefined,
  backend: Awaited<ReturnType<typeof initBackend>>,
  io: CliIo,
): Promise<number> {
  const loaded = await loadCheckpointWeights(values.checkpoint, {}, { numLayers });
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
      backendWarning: backend.warning,
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
  }
}

interface IdsArgs {
  readonly checkpoint: string;
  readonly ids: string;
  readonly 'type-ids'?: string;
  readonly 'input-mask'?: string;
  readonly positions?: string;
  readonly backend: string;
  readonly outputs: boolean;
  readonly json: boolean;
}

function intList(flag: string, text: string): Int32Array {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^-?\d+$/.test(p)))
    throw new UsageError(`--${flag} must be comma-separated integers.`);
  return Int32Array.from(parts, Number);
}

/** `--ids`: the encoder on exact token ids (no tokenizer), printing the raw outputs with `--outputs`. */
async function runIds(values: IdsArgs, numLayers: number | undefined, io: CliIo): Promise<number> {
  const inputIds = intList('ids', values.ids);
  const S = inputIds.length;
  const typeIds = values['type-ids'] ? intList('type-ids', values['type-ids']) : new Int32Array(S);
  const mask = values['input-mask'] ? intList('input-mask', values['input-mask']) : new Int32Array(S).fill(1);
  if (typeIds.length !== S || mask.length !== S)
    throw new UsageError(`--type-ids and --input-mask need ${S} values, like --ids.`);
  const positions = values.positions ? [...intList('positions', values.positions)] : undefined;
  const backend = await initBackend(values.backend as never, {
    threads: Math.min(4, os.availableParallelism()),
  });
  try {
    return await runOnIds(values, numLayers, { inputIds, typeIds, mask, positions }, backend, io);
  } finally {
    stopWasmThreads();
  }
}

async function runOnIds(
  values: IdsArgs,
  numLayers: number | undefined,
  given: { inputIds: Int32Array; typeIds: Int32Array; mask: Int32Array; positions: number[] | undefined },
  backend: Awaited<ReturnType<typeof initBackend>>,
  io: CliIo,
): Promise<number> {
  const { inputIds, typeIds, mask, positions } = given;
  const S = inputIds.length;
  const loaded = await loadCheckpointWeights(values.checkpoint, {}, { numLayers });
  const model = new EncoderModel(loaded.weights);
  try {
    const result = await model.run(
      { batch: 1, seqLength: S, inputIds, typeIds, mask },
      { maskedPositions: positions && model.heads.maskedLm ? [positions] : undefined, heads: true },
    );
    const list = (a: Float32Array | undefined) => (a ? Array.from(a) : undefined);
    const out = {
      backend: backend.name,
      ids: [...inputIds],
      sequenceShape: [1, S, result.hiddenSize],
      pooled: list(result.pooled),
      heads: Object.entries(model.heads).flatMap(([k, v]) => (v ? [k] : [])),
      ...(values.outputs
        ? {
            outputs: {
              sequence: list(result.sequence),
              pooled: list(result.pooled),
              maskedLmLogits: list(result.maskedLmLogits),
              nextSentenceLogits: list(result.nextSentenceLogits),
              classifierLogits: list(result.classifierLogits),
              spanStartLogits: list(result.spanStartLogits),
              spanEndLogits: list(result.spanEndLogits),
              taggingLogits: list(result.taggingLogits),
              discriminatorLogits: list(result.discriminatorLogits),
            },
          }
        : {}),
    };
    io.out(
      values.json
        ? JSON.stringify(out)
        : [
            `backend: ${backend.label}`,
            `sequence output: [${out.sequenceShape}]`,
            `heads: ${out.heads.join(', ') || 'none'}`,
          ].join('\n'),
    );
    return 0;
  } finally {
    model.dispose();
  }
}
