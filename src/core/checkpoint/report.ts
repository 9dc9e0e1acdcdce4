// Parameter counts per scope, and the comparison of a checkpoint with the encoder a catalog model
// (or a config file) expects: missing, unexpected and shape-mismatched variables.
import type { CatalogModel } from '../catalog';
import type { EncoderConfig } from '../model/encoder';
import type { TensorEntry } from './bundle';
import type { PartialEncoderConfig } from './config';
import { canonicalShape, type CheckpointDescription } from './mapping';
import type { ClassifiedKey } from './naming';
import { numElements } from './values';

export interface ScopeStats {
  readonly scope: string;
  readonly tensors: number;
  readonly parameters: number;
  readonly bytes: number;
}

export interface ParameterReport {
  readonly scopes: readonly ScopeStats[];
  /** Encoder weights and heads (what inference loads). */
  readonly modelParameters: number;
  readonly optimizerParameters: number;
  readonly totalParameters: number;
  readonly totalBytes: number;
}

/** The display group of a key: embeddings, `layer 3`, pooler, `head: maskedLm`, optimizer, ... */
export function scopeOf(c: ClassifiedKey | undefined, key: string): string {
  if (!c) return 'other';
  if (c.kind === 'optimizer') return 'optimizer';
  if (c.kind === 'step' || c.kind === 'graph') return 'bookkeeping';
  if (c.kind === 'generator') return 'generator';
  if (c.kind === 'head') return `head: ${c.head}`;
  if (c.canonical) {
    const m = /^layer_(\d+)\//.exec(c.canonical);
    if (m) return c.shared ? 'layer (shared)' : `layer ${m[1]}`;
    return c.canonical.split('/')[0];
  }
  const top = key.split('/')[0];
  return top && top !== key ? `other: ${top}` : 'other';
}

function scopeRank(scope: string): [number, number, string] {
  if (scope === 'embeddings') return [0, 0, scope];
  const layer = /^layer (\d+)$/.exec(scope);
  if (layer) return [1, Number(layer[1]), scope];
  if (scope === 'layer (shared)') return [1, -1, scope];
  if (scope === 'pooler') return [2, 0, scope];
  if (scope.startsWith('head:')) return [3, 0, scope];
  if (scope === 'generator') return [4, 0, scope];
  if (scope.startsWith('other')) return [5, 0, scope];
  if (scope === 'optimizer') return [6, 0, scope];
  return [7, 0, scope];
}

export function compareScopes(a: string, b: string): number {
  const [x, y] = [scopeRank(a), scopeRank(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
}

/** Groups entries by scope, in display order. */
export function groupByScope(
  tensors: readonly TensorEntry[],
  description: CheckpointDescription,
): Map<string, TensorEntry[]> {
  const groups = new Map<string, TensorEntry[]>();
  for (const t of tensors) {
    const scope = scopeOf(description.keys.get(t.key), t.key);
    if (!groups.has(scope)) groups.set(scope, []);
    groups.get(scope)!.push(t);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => compareScopes(a, b)));
}

export function parameterReport(
  tensors: readonly TensorEntry[],
  description: CheckpointDescription,
): ParameterReport {
  const scopes: ScopeStats[] = [];
  let model = 0;
  let optimizer = 0;
  let total = 0;
  let bytes = 0;
  for (const [scope, entries] of groupByScope(tensors, description)) {
    const numeric = entries.filter((e) => e.dtypeName !== 'string' && e.dtypeName !== 'variant');
    const parameters = numeric.reduce((n, e) => n + numElements(e.shape), 0);
    const size = entries.reduce((n, e) => n + e.size, 0);
    scopes.push({ scope, tensors: entries.length, parameters, bytes: size });
    total += parameters;
    bytes += size;
    if (scope === 'optimizer') optimizer += parameters;
    else if (
      scope === 'embeddings' ||
      scope.startsWith('layer') ||
      scope === 'pooler' ||
      scope.startsWith('head:')
    )
      model += parameters;
  }
  return {
    scopes,
    modelParameters: model,
    optimizerParameters: optimizer,
    totalParameters: total,
    totalBytes: bytes,
  };
}

/** The encoder config a catalog model describes. */
export function catalogEncoderConfig(model: CatalogModel): EncoderConfig {
  return {
    family: model.family === 'albert' ? 'albert' : model.family === 'electra' ? 'electra' : 'bert',
    vocabSize: model.vocabSize,
    hiddenSize: model.hidden,
    numLayers: model.layers,
    numHeads: model.heads ?? Math.max(1, Math.round(model.hidden / 64)),
    intermediateSize: model.intermediateSize,
    embeddingSize: model.embeddingSize,
    maxPositionEmbeddings: model.maxPositionEmbeddings,
    typeVocabSize: model.typeVocabSize,
    activation: 'gelu',
    layerNormEpsilon: 1e-12,
  };
}

/** canonical name → shape for the encoder (embeddings, layers, pooler) that `config` describes. */
export function expectedEncoderShapes(
  config: PartialEncoderConfig & { hiddenSize: number },
): Map<string, number[]> {
  const H = config.hiddenSize;
  const E = config.embeddingSize ?? H;
  const I = config.intermediateSize ?? 4 * H;
  const shared = config.family === 'albert';
  const shapes = new Map<string, number[]>();
  if (config.vocabSize !== undefined) shapes.set('embeddings/word', [config.vocabSize, E]);
  shapes.set('embeddings/position', [config.maxPositionEmbeddings ?? 512, E]);
  shapes.set('embeddings/type', [config.typeVocabSize ?? 2, E]);
  shapes.set('embeddings/norm/gamma', [E]);
  shapes.set('embeddings/norm/beta', [E]);
  if (E !== H) {
    shapes.set('embeddings/projection/kernel', [E, H]);
    shapes.set('embeddings/projection/bias', [H]);
  }
  const layers = shared ? 1 : (config.numLayers ?? 0);
  for (let i = 0; i < layers; i++) {
    const p = `layer_${i}`;
    for (const n of ['query', 'key', 'value', 'attentionOutput']) {
      shapes.set(`${p}/${n}/kernel`, [H, H]);
      shapes.set(`${p}/${n}/bias`, [H]);
    }
    shapes.set(`${p}/intermediate/kernel`, [H, I]);
    shapes.set(`${p}/intermediate/bias`, [I]);
    shapes.set(`${p}/output/kernel`, [I, H]);
    shapes.set(`${p}/output/bias`, [H]);
    for (const n of ['attentionNorm', 'outputNorm']) {
      shapes.set(`${p}/${n}/gamma`, [H]);
      shapes.set(`${p}/${n}/beta`, [H]);
    }
  }
  shapes.set('pooler/kernel', [H, H]);
  shapes.set('pooler/bias', [H]);
  return shapes;
}

export interface Comparison {
  /** Expected by the config, absent from the checkpoint. */
  readonly missing: readonly { readonly name: string; readonly expected: readonly number[] }[];
  /** Encoder-like variables of the checkpoint the config does not expect. */
  readonly unexpected: readonly {
    readonly name: string;
    readonly key: string;
    readonly shape: readonly number[];
  }[];
  readonly mismatched: readonly {
    readonly name: string;
    readonly key: string;
    readonly expected: readonly number[];
    readonly actual: readonly number[];
  }[];
  readonly matched: number;
  /** True when nothing is missing, unexpected or mismatched. */
  readonly compatible: boolean;
}

/** Compares the checkpoint's encoder variables with what `config` expects (heads and optimizer are not compared). */
export function compareWithConfig(
  tensors: readonly TensorEntry[],
  description: CheckpointDescription,
  config: PartialEncoderConfig & { hiddenSize: number },
): Comparison {
  const expected = expectedEncoderShapes(config);
  const shapes = new Map(tensors.map((t) => [t.key, t.shape]));
  const missing: { name: string; expected: number[] }[] = [];
  const mismatched: { name: string; key: string; expected: number[]; actual: number[] }[] = [];
  let matched = 0;
  for (const [name, want] of expected) {
    const c = description.canonical.get(name);
    if (!c) {
      missing.push({ name, expected: want });
      continue;
    }
    const actual = canonicalShape(shapes.get(c.key) ?? [], c.transform);
    if (actual.length !== want.length || actual.some((d, i) => d !== want[i]))
      mismatched.push({ name, key: c.key, expected: want, actual });
    else matched++;
  }
  const unexpected: { name: string; key: string; shape: readonly number[] }[] = [];
  for (const c of description.keys.values()) {
    const isEncoder = c.kind === 'weight' || c.kind === 'other';
    if (!isEncoder) continue;
    if (c.canonical && expected.has(c.canonical)) continue;
    if (c.kind === 'other' && (shapes.get(c.key)?.length ?? 0) === 0) continue;
    unexpected.push({ name: c.canonical ?? c.key, key: c.key, shape: shapes.get(c.key) ?? [] });
  }
  return {
    missing,
    unexpected,
    mismatched,
    matched,
    compatible: !missing.length && !unexpected.length && !mismatched.length,
  };
}
