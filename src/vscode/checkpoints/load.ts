// Loads what the Local Checkpoints view shows about one checkpoint: index, description, report.
// Only the index and a few small tensors (object graph, step) are read, with async file handles.
import * as fs from 'node:fs';
import {
  CheckpointReader,
  describeCheckpoint,
  findFilesNear,
  groupByScope,
  parameterReport,
  type CheckpointDescription,
  type FoundConfig,
  type ParameterReport,
  type TensorEntry,
} from '../../core/checkpoint';

export interface LoadedCheckpoint {
  readonly prefix: string;
  readonly numShards: number;
  readonly tensors: readonly TensorEntry[];
  readonly description: CheckpointDescription;
  readonly report: ParameterReport;
  readonly scopes: ReadonlyMap<string, TensorEntry[]>;
  readonly config?: FoundConfig;
  readonly vocab?: string;
  /** Data shard files the index names but that are not on disk (an incomplete copy or download). */
  readonly missingShards: readonly string[];
}

export async function loadCheckpoint(prefix: string): Promise<LoadedCheckpoint> {
  const near = await findFilesNear(prefix);
  const reader = await CheckpointReader.open(prefix);
  try {
    const shardFiles = Array.from({ length: reader.numShards }, (_, i) => reader.shardFile(i));
    const present = await Promise.all(
      shardFiles.map((file) =>
        fs.promises.access(file).then(
          () => true,
          () => false,
        ),
      ),
    );
    const missingShards = shardFiles.filter((_, i) => !present[i]);
    const description = await describeCheckpoint(reader, near.config?.encoder);
    return {
      missingShards,
      prefix: reader.prefix,
      numShards: reader.numShards,
      tensors: reader.tensors,
      description,
      report: parameterReport(reader.tensors, description),
      scopes: groupByScope(reader.tensors, description),
      ...(near.config ? { config: near.config } : {}),
      ...(near.vocab ? { vocab: near.vocab } : {}),
    };
  } finally {
    await reader.close();
  }
}
