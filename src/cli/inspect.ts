import { parseArgs } from 'node:util';
import {
  CheckpointReader,
  describeCheckpoint,
  discoverModel,
  effectiveConfig,
  formatBytes,
  parameterReport,
  valuesToJson,
  type CheckpointDescription,
  type DiscoveredModel,
} from '../core/checkpoint';
import { printable, printableLines } from '../core/text/printable';
import { table, UsageError, type CliIo } from './io';

export const usage = 'model-garden inspect PATH [--json] [--values KEY] [--verify] [--num-layers N]';

/** The `--json` document; stable for scripts. */
export function inspectJson(reader: CheckpointReader, d: CheckpointDescription, found: DiscoveredModel) {
  return {
    prefix: reader.prefix,
    numShards: reader.numShards,
    tensors: reader.tensors.map((t) => ({
      key: t.key,
      dtype: t.dtypeName,
      shape: t.shape,
      shard: t.shard,
      offset: t.offset,
      size: t.size,
    })),
    detected: {
      family: d.family,
      naming: d.scheme,
      layers: d.layersKnown ? d.layers : null,
      sharedLayers: d.sharedLayers,
      hidden: d.hidden ?? null,
      embeddingSize: d.embeddingSize ?? null,
      heads: d.heads ?? null,
      vocabSize: d.vocabSize ?? null,
      headsPresent: d.headsPresent,
      optimizerSlots: d.optimizerSlots,
      step: d.step ?? null,
    },
    config: found.config
      ? { file: found.config.file, kind: found.config.kind, ...found.config.encoder }
      : null,
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      values: { type: 'string' },
      verify: { type: 'boolean', default: false },
      'num-layers': { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError(`Expected one PATH.\nUsage: ${usage}`);
  const found = await discoverModel(positionals[0]);
  const reader = await CheckpointReader.open(found.checkpoint!.prefix);
  try {
    if (values.values !== undefined) {
      const value = await reader.read(values.values);
      io.out(
        JSON.stringify({
          key: value.key,
          dtype: value.dtype,
          shape: value.shape,
          values: valuesToJson(value),
        }),
      );
      return 0;
    }
    if (values.verify) {
      try {
        const n = await reader.verifyAll();
        io.out(`OK: ${n} tensors in ${reader.prefix} match their checksums`);
        return 0;
      } catch (error) {
        io.err(printableLines(error instanceof Error ? error.message : String(error)));
        return 1;
      }
    }
    // A missing or short data shard is a broken checkpoint, not a description with gaps.
    await reader.checkShards();
    const numLayers = values['num-layers'] === undefined ? undefined : Number(values['num-layers']);
    if (numLayers !== undefined && (!Number.isInteger(numLayers) || numLayers < 1))
      throw new UsageError(`--num-layers must be a positive integer, got "${values['num-layers']}"`);
    const d = await describeCheckpoint(
      reader,
      effectiveConfig(found.config?.encoder, reader.prefix, { numLayers }),
    );
    if (values.json) {
      io.out(JSON.stringify(inspectJson(reader, d, found), null, 2));
      return 0;
    }
    const report = parameterReport(reader.tensors, d);
    io.out(
      [
        `Checkpoint: ${printable(reader.prefix)} (${reader.numShards} shard${reader.numShards === 1 ? '' : 's'}, ${reader.tensors.length} tensors, ${formatBytes(report.totalBytes)})`,
        `Detected:   ${d.family}, naming ${d.scheme}, L-${d.layersKnown ? d.layers : '?'}${d.sharedLayers ? ' (shared block)' : ''} H-${d.hidden ?? '?'} A-${d.heads ?? '?'}, vocab ${d.vocabSize ?? '?'}${d.step !== undefined ? `, step ${d.step}` : ''}`,
        `Heads:      ${d.headsPresent.join(', ') || 'none'}`,
        `Optimizer:  ${d.optimizerSlots.join(', ') || 'none'}`,
        `Config:     ${found.config ? printable(found.config.file) : 'none found'}`,
        `Vocab:      ${printable(found.vocab ?? found.sentencePiece ?? 'none found')}`,
        '',
        table(
          ['SCOPE', 'TENSORS', 'PARAMETERS', 'SIZE'],
          [
            ...report.scopes.map((s) => [
              s.scope,
              String(s.tensors),
              s.parameters.toLocaleString('en-US'),
              formatBytes(s.bytes),
            ]),
            [
              'total',
              String(reader.tensors.length),
              report.totalParameters.toLocaleString('en-US'),
              formatBytes(report.totalBytes),
            ],
          ],
        ),
        '',
        table(
          ['KEY', 'DTYPE', 'SHAPE', 'SHARD', 'OFFSET', 'SIZE'],
          reader.tensors.map((t) => [
            printable(t.key),
            t.slices.length ? `${t.dtypeName} (${t.slices.length} slices)` : t.dtypeName,
            `[${t.shape.join(',')}]`,
            String(t.shard),
            String(t.offset),
            String(t.size),
          ]),
        ),
      ].join('\n'),
    );
    return 0;
  } finally {
    await reader.close();
  }
}
