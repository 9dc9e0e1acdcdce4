import { CATALOG } from './models';
import { FAMILY_LABELS, type CatalogModel, type Family } from './types';

export type SizeClass = 'small' | 'base' | 'large' | 'xlarge' | 'xxlarge';

/** A catalog filter: free text plus facets. An empty filter matches every model. */
export interface CatalogFilter {
  readonly text?: string;
  readonly family?: Family;
  readonly size?: SizeClass;
  readonly casing?: 'cased' | 'uncased';
  /** Matches the model's language as a prefix (`en`, `zh`, `multilingual`). */
  readonly language?: string;
}

export function findModel(id: string): CatalogModel | undefined {
  return CATALOG.find((model) => model.id === id);
}

/** Looks a model up by id, or throws an error that lists the valid ids. */
export function requireModel(id: string): CatalogModel {
  const model = findModel(id);
  if (!model) {
    throw new Error(`Unknown model "${id}". Known models: ${CATALOG.map((m) => m.id).join(', ')}`);
  }
  return model;
}

/** L/H/A of a configuration string such as `wwm_uncased_L-24_H-1024_A-16`. */
export function parseConfigString(
  config: string,
): { layers: number; hidden: number; heads: number } | undefined {
  const match = /_L-(\d+)_H-(\d+)_A-(\d+)$/.exec(config);
  if (!match) return undefined;
  return { layers: Number(match[1]), hidden: Number(match[2]), heads: Number(match[3]) };
}

/** The size class as the Model Garden names it (ELECTRA-small, BERT-base, ALBERT-xxlarge, ...). */
export function sizeClass(model: CatalogModel): SizeClass {
  const match = /-(small|base|large|xlarge|xxlarge)\b/i.exec(model.name);
  if (match) return match[1].toLowerCase() as SizeClass;
  return model.layers >= 24 ? 'large' : 'base';
}

/** `L-12 H-768 A-12`, with `A-?` where the head count is unknown. */
export function shapeLabel(model: CatalogModel): string {
  return `L-${model.layers} H-${model.hidden} A-${model.heads ?? '?'}`;
}

/** The tree description, e.g. `L-12 H-768 · uncased`. */
export function describe(model: CatalogModel): string {
  return `L-${model.layers} H-${model.hidden} · ${model.casing}`;
}

const SIZE_WORDS: readonly SizeClass[] = ['small', 'base', 'large', 'xlarge', 'xxlarge'];
const CASING_WORDS = ['cased', 'uncased'] as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Free text split into facet words and the rest: a typed `cased`, `uncased` or size name is that
 * facet (`large cased` is large *and* cased, never `uncased` or `xlarge`); other words match the start
 * of a word in the model's id, name, configuration, family, language, tokenizer or shape.
 */
export function parseFilterText(text: string | undefined): {
  readonly casing?: 'cased' | 'uncased';
  readonly sizes: readonly SizeClass[];
  readonly words: readonly string[];
} {
  let casing: 'cased' | 'uncased' | undefined;
  const sizes: SizeClass[] = [];
  const words: string[] = [];
  for (const word of (text ?? '')
    .trim()
    .toLowerCase()
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if ((CASING_WORDS as readonly string[]).includes(word)) casing = word as 'cased' | 'uncased';
    else if ((SIZE_WORDS as readonly string[]).includes(word)) sizes.push(word as SizeClass);
    else words.push(word);
  }
  return { ...(casing ? { casing } : {}), sizes, words };
}

export function matches(model: CatalogModel, filter: CatalogFilter): boolean {
  if (filter.family && model.family !== filter.family) return false;
  if (filter.size && sizeClass(model) !== filter.size) return false;
  if (filter.casing && model.casing !== filter.casing) return false;
  if (filter.language && !model.language.toLowerCase().startsWith(filter.language.toLowerCase()))
    return false;
  const typed = parseFilterText(filter.text);
  if (typed.casing && model.casing !== typed.casing) return false;
  if (typed.sizes.some((size) => sizeClass(model) !== size)) return false;
  if (typed.words.length > 0) {
    const haystack = [
      model.id,
      model.name,
      model.config ?? '',
      FAMILY_LABELS[model.family],
      model.language,
      model.casing,
      sizeClass(model),
      model.tokenizer,
      shapeLabel(model),
    ]
      .join(' ')
      .toLowerCase();
    // Whole words from their start: "cased" is not found inside "uncased", "large" not inside "xlarge".
    const found = (word: string) => new RegExp(`(^|[^a-z0-9])${escapeRegExp(word)}`).test(haystack);
    if (!typed.words.every(found)) return false;
  }
  return true;
}

export function filterCatalog(filter: CatalogFilter = {}): CatalogModel[] {
  return CATALOG.filter((model) => matches(model, filter));
}

export function isEmptyFilter(filter: CatalogFilter): boolean {
  return !filter.text?.trim() && !filter.family && !filter.size && !filter.casing && !filter.language;
}

/** A one-line summary of a filter, for the view's description. */
export function describeFilter(filter: CatalogFilter): string {
  const parts: string[] = [];
  if (filter.text?.trim()) parts.push(`"${filter.text.trim()}"`);
  if (filter.family) parts.push(FAMILY_LABELS[filter.family]);
  if (filter.size) parts.push(filter.size);
  if (filter.casing) parts.push(filter.casing);
  if (filter.language) parts.push(filter.language);
  return parts.join(' · ');
}
