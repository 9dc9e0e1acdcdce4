// The catalog's notes as a user reads them: the research notes behind each entry (where a value came
// from, what is INFERRED or UNVERIFIED, how the tarball was searched) become plain statements of what
// matters when using the model, or are left out when they only concern how the catalog was built.
import type { CatalogModel } from './types';

/** Sentences about how the catalog was researched, not about using the model. */
const INTERNAL = [
  /tarball layout is uncertain/i,
  /search the extracted tree/i,
  /tf\.train\.latest_checkpoint/i,
  /encoder config is at params\.yaml/i,
];

function rewrite(sentence: string, model: CatalogModel): string | undefined {
  if (INTERNAL.some((pattern) => pattern.test(sentence))) return undefined;
  if (/encoder-only \(INFERRED\)/.test(sentence)) {
    return model.hasHubMlm
      ? 'The checkpoint most likely holds the encoder only, without the masked-LM head Fill-Mask needs; the TF-Hub SavedModel has it.'
      : 'The checkpoint most likely holds the encoder only, without the masked-LM head Fill-Mask needs.';
  }
  if (/^Preprocessor by analogy/.test(sentence))
    return 'The preprocessing model is taken from the matching model of the same family (not listed on this model’s own page).';
  if (/UNVERIFIED for these checkpoints/.test(sentence))
    return (
      sentence.replace(/\s*\(UNVERIFIED for these checkpoints\)/, '') +
      ' The checkpoint’s own config decides.'
    );
  if (/^Treated as lower-cased by/.test(sentence))
    return 'The Model Garden lower-cases its input (do_lower_case=True): set it explicitly.';
  return sentence
    .replace(/the KerasNLP presets say/g, 'other published presets say')
    .replace(/\(name unverified\)/g, '(the name is not confirmed)')
    .replace(/\s*\((INFERRED|UNVERIFIED)[^)]*\)/g, '')
    .replace(/\b(INFERRED|UNVERIFIED)\b/g, 'not confirmed');
}

/** The notes a user needs, one sentence each, in the catalog's order. */
export function userNotes(model: CatalogModel): string[] {
  const sentences = model.notes
    .split(/(?<=\.)\s+(?=[A-Z])/)
    .map((s) => s.trim())
    .filter(Boolean);
  const notes: string[] = [];
  for (const sentence of sentences) {
    const text = rewrite(sentence, model);
    if (text && !notes.includes(text)) notes.push(text);
  }
  if (!model.sizesVerified && !notes.some((n) => /paper/i.test(n)))
    notes.push(
      'Layer sizes come from the paper, not from this release; the checkpoint’s own config decides.',
    );
  return notes;
}
