import { FAMILY_LABELS, MODEL_GARDEN_DOCS_URL, type CatalogModel } from './types';
import { shapeLabel } from './query';

const UNKNOWN = 'unknown';

/** A small model card in Markdown, used by the tree's tooltip and by hovers. */
export function modelCard(model: CatalogModel): string {
  const rows: [string, string][] = [
    ['Family', FAMILY_LABELS[model.family]],
    ['Configuration', model.config ?? '—'],
    [
      'Layers / hidden / heads',
      shapeLabel(model) + (model.sizesVerified ? '' : ' (from the paper, unverified)'),
    ],
    ['Intermediate / embedding', `${model.intermediateSize} / ${model.embeddingSize}`],
    ['Vocabulary', `${model.vocabSize} ${model.tokenizer === 'wordpiece' ? 'WordPiece' : 'SentencePiece'}`],
    ['Casing', `${model.casing} (do_lower_case=${model.doLowerCase})`],
    ['Language', model.language],
    [
      'Training data',
      model.trainingData + (model.trainingDataOnHub ? ` (TF-Hub: ${model.trainingDataOnHub})` : ''),
    ],
    ['Checkpoint', model.checkpointUrl ?? 'none (TF-Hub only)'],
    ['TF-Hub', model.hubUrl ?? 'none'],
    [
      'Preprocessing',
      model.preprocessUrl ? model.preprocessUrl + (model.preprocessVerified ? '' : ' (by analogy)') : UNKNOWN,
    ],
  ];
  const lines = [`**${escapeMarkdown(model.name)}** \`${model.id}\``, '', '| | |', '|---|---|'];
  for (const [key, value] of rows) lines.push(`| ${key} | ${escapeMarkdown(value)} |`);
  if (model.comment) lines.push('', escapeMarkdown(model.comment));
  if (model.notes) lines.push('', `_${escapeMarkdown(model.notes)}_`);
  lines.push('', `[Model Garden docs](${MODEL_GARDEN_DOCS_URL})`);
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/([|*_`\\[\]<>])/g, '\\$1');
}
