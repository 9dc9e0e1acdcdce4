import { FAMILY_LABELS, MODEL_GARDEN_DOCS_URL, type CatalogModel } from './types';
import { userNotes } from './notes';
import { shapeLabel } from './query';

const UNKNOWN = 'unknown';

/** A link whose text is short enough for a hover: the file name, or the TF-Hub handle's last parts. */
function shortLink(url: string): string {
  let text = url;
  try {
    const parts = new URL(url).pathname.split('/').filter(Boolean);
    text = url.includes('tfhub.dev') ? parts.slice(-2).join('/') : (parts.pop() ?? url);
  } catch {
    // Not a URL: shown as it is.
  }
  return `[${escapeMarkdown(text)}](${url.replace(/[()\s]/g, encodeURIComponent)})`;
}

/**
 * A model card in Markdown. The compact form is the tree's tooltip and the hovers (short links,
 * no overflowing URLs); `full` is the Open Model Card document (URLs written out).
 */
export function modelCard(model: CatalogModel, options: { full?: boolean } = {}): string {
  const link = (url: string) => (options.full ? `[${escapeMarkdown(url)}](${url})` : shortLink(url));
  const rows: [string, string][] = [
    ['Family', escapeMarkdown(FAMILY_LABELS[model.family])],
    ['Configuration', escapeMarkdown(model.config ?? '—')],
    [
      'Layers / hidden / heads',
      escapeMarkdown(shapeLabel(model) + (model.sizesVerified ? '' : ' (from the paper)')),
    ],
    ['Intermediate / embedding', `${model.intermediateSize} / ${model.embeddingSize}`],
    ['Vocabulary', `${model.vocabSize} ${model.tokenizer === 'wordpiece' ? 'WordPiece' : 'SentencePiece'}`],
    ['Casing', escapeMarkdown(`${model.casing} (do_lower_case=${model.doLowerCase})`)],
    ['Language', escapeMarkdown(model.language)],
    [
      'Training data',
      escapeMarkdown(
        model.trainingData + (model.trainingDataOnHub ? ` (TF-Hub: ${model.trainingDataOnHub})` : ''),
      ),
    ],
    ['Checkpoint', model.checkpointUrl ? link(model.checkpointUrl) : 'none (TF-Hub only)'],
    ['TF-Hub', model.hubUrl ? link(model.hubUrl) : 'none'],
    [
      'Preprocessing',
      model.preprocessUrl
        ? link(model.preprocessUrl) + (model.preprocessVerified ? '' : ' (from the matching model)')
        : UNKNOWN,
    ],
  ];
  const title = options.full
    ? `# ${escapeMarkdown(model.name)}\n\n\`${model.id}\``
    : `**${escapeMarkdown(model.name)}** \`${model.id}\``;
  const lines = [title, '', '| | |', '|---|---|'];
  for (const [key, value] of rows) lines.push(`| ${key} | ${value} |`);
  if (model.comment) lines.push('', escapeMarkdown(model.comment));
  const notes = userNotes(model);
  if (notes.length > 0) {
    lines.push('');
    for (const note of notes) {
      // URLs become links; the text around them is escaped.
      const parts = note.split(/(https?:\/\/[^\s)]+)/);
      lines.push(`- ${parts.map((part, i) => (i % 2 ? link(part) : escapeMarkdown(part))).join('')}`);
    }
  }
  lines.push('', `[Model Garden docs](${MODEL_GARDEN_DOCS_URL})`);
  return lines.join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/([|*_`\\[\]<>])/g, '\\$1');
}
