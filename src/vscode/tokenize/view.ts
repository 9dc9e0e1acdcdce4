// How tokens are drawn: alternating backgrounds, a distinct [UNK] colour, [MASK] outlined, a mark on
// continuation pieces, and a ✂ where the packed sequence passes max_seq_length with what follows dimmed;
// plus the hover text of one token. Colours are contributed theme colours (package.json
// `contributes.colors`), with backgrounds in light and dark themes and borders in high contrast.
import * as vscode from 'vscode';
import { LITERAL_SPECIALS, MASK_TEXT } from '../../core/tokenizers/maskText';
import type { Tokenized } from './client';

export type TokenKind = 'even' | 'odd' | 'unk' | 'mask';

/** One drawn token, as the API exposes it (document offsets, UTF-16). */
export interface TokenView {
  readonly piece: string;
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly kind: TokenKind;
  readonly continuation: boolean;
  /** Past max_seq_length once [CLS] and [SEP] are counted: cut off by packing. */
  readonly overflow: boolean;
  /** A typed `[CLS]`, `[SEP]`, `[PAD]` or `[UNK]` this piece was split from (special tokens typed as text). */
  readonly literal?: string;
}

export type DecorationName = 'even' | 'odd' | 'unk' | 'continuation' | 'overflow' | 'marker';

/** The ranges last passed to `setDecorations` for one editor, by decoration type. */
export type PassedDecorations = Readonly<Record<DecorationName, readonly vscode.Range[]>>;
const color = (id: string) => new vscode.ThemeColor(`modelGarden.tokenization.${id}`);

export class TokenDecorations implements vscode.Disposable {
  /**
   * Record what is passed to `setDecorations` (by document), so tests check the drawing itself
   * rather than the token list; on only when the extension runs in Test mode.
   */
  recording = false;
  readonly passed = new Map<string, PassedDecorations>();

  readonly even = vscode.window.createTextEditorDecorationType({
    backgroundColor: color('evenBackground'),
    border: '1px solid',
    borderColor: color('evenBorder'),
    borderRadius: '2px',
  });
  readonly odd = vscode.window.createTextEditorDecorationType({
    backgroundColor: color('oddBackground'),
    border: '1px dashed',
    borderColor: color('oddBorder'),
    borderRadius: '2px',
  });
  readonly unk = vscode.window.createTextEditorDecorationType({
    backgroundColor: color('unknownBackground'),
    border: '1px solid',
    borderColor: color('unknownBorder'),
    borderRadius: '2px',
  });
  readonly mask = vscode.window.createTextEditorDecorationType({
    backgroundColor: color('maskBackground'),
    border: '2px solid',
    borderColor: color('maskBorder'),
    borderRadius: '2px',
    fontWeight: 'bold',
  });
  readonly continuation = vscode.window.createTextEditorDecorationType({
    borderStyle: 'none none none dotted',
    borderWidth: '0 0 0 2px',
    borderColor: new vscode.ThemeColor('editorCodeLens.foreground'),
  });
  /** What packing cuts off: dimmed, still readable (no strike-through over the rest of the document). */
  readonly overflow = vscode.window.createTextEditorDecorationType({
    opacity: '0.5',
  });
  readonly marker = vscode.window.createTextEditorDecorationType({
    before: {
      contentText: '✂ max_seq_length',
      color: color('cutForeground'),
      margin: '0 4px 0 0',
      fontWeight: 'bold',
      border: '1px solid',
      borderColor: color('cutForeground'),
    },
  });

  private all(): vscode.TextEditorDecorationType[] {
    return [this.even, this.odd, this.unk, this.mask, this.continuation, this.overflow, this.marker];
  }

  private set(
    editor: vscode.TextEditor,
    ranges: ReadonlyMap<vscode.TextEditorDecorationType, readonly vscode.DecorationOptions[]>,
  ): void {
    for (const [type, options] of ranges) editor.setDecorations(type, [...options]);
    if (!this.recording) return;
    const of = (type: vscode.TextEditorDecorationType) => (ranges.get(type) ?? []).map((o) => o.range);
    this.passed.set(editor.document.uri.toString(), {
      even: of(this.even),
      odd: of(this.odd),
      unk: of(this.unk),
      continuation: of(this.continuation),
      overflow: of(this.overflow),
      marker: of(this.marker),
    });
  }

  apply(editor: vscode.TextEditor, tokens: readonly TokenView[], maxSeqLength: number): void {
    const doc = editor.document;
    const ranges = new Map<vscode.TextEditorDecorationType, vscode.DecorationOptions[]>(
      this.all().map((d) => [d, []]),
    );
    let markerPlaced = false;
    for (const t of tokens) {
      if (t.end <= t.start) continue;
      const range = new vscode.Range(doc.positionAt(t.start), doc.positionAt(t.end));
      const type = { unk: this.unk, mask: this.mask, even: this.even, odd: this.odd }[t.kind];
      ranges.get(type)!.push({ range });
      if (t.continuation) ranges.get(this.continuation)!.push({ range });
      if (t.overflow) {
        ranges.get(this.overflow)!.push({ range });
        if (!markerPlaced) {
          markerPlaced = true;
          ranges.get(this.marker)!.push({
            range: new vscode.Range(range.start, range.start),
            hoverMessage: `max_seq_length ${maxSeqLength}: the tokens from here on (dimmed) are cut off when packed with [CLS] … [SEP]`,
          });
        }
      }
    }
    this.set(editor, ranges);
  }

  clear(editor: vscode.TextEditor): void {
    this.set(editor, new Map(this.all().map((d) => [d, []])));
  }

  dispose(): void {
    for (const d of this.all()) d.dispose();
  }
}

/** Spans of typed `[CLS]`, `[SEP]`, `[PAD]`, `[UNK]` in a text (split as text, as in Run Model). */
function literalSpans(text: string | undefined): { start: number; end: number; literal: string }[] {
  if (!text || !text.includes('[')) return [];
  const spans: { start: number; end: number; literal: string }[] = [];
  for (const literal of LITERAL_SPECIALS) {
    for (let at = text.indexOf(literal); at >= 0; at = text.indexOf(literal, at + literal.length))
      spans.push({ start: at, end: at + literal.length, literal });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * Token views of the worker's tokens for a text that starts at offset `base` in the document. `text`
 * (the tokenized text) lets the views note pieces that come from a typed special token.
 */
export function tokenViews(
  tokenized: Tokenized,
  base: number,
  maxSeqLength: number,
  text?: string,
): TokenView[] {
  const limit = Math.max(0, maxSeqLength - 2); // room left by [CLS] and [SEP]
  const { kind, unk, mask } = tokenized.info;
  const literals = literalSpans(text);
  let nextLiteral = 0;
  const out: TokenView[] = [];
  let parity = 0;
  for (let i = 0; i < tokenized.ids.length; i++) {
    const id = tokenized.ids[i];
    const piece = tokenized.pieces[i];
    const start = base + tokenized.starts[i];
    const end = base + tokenized.ends[i];
    const prev = out[out.length - 1];
    if (!prev || prev.start !== start || prev.end !== end) parity ^= 1;
    const continuation =
      kind === 'wordpiece'
        ? piece.startsWith('##')
        : !piece.startsWith('\u2581') && prev !== undefined && prev.end === start && id !== unk;
    const local = tokenized.starts[i];
    while (nextLiteral < literals.length && literals[nextLiteral].end <= local) nextLiteral++;
    const literal =
      nextLiteral < literals.length && literals[nextLiteral].start <= local
        ? literals[nextLiteral].literal
        : undefined;
    const isMask = mask !== undefined && id === mask && piece === MASK_TEXT;
    out.push({
      piece,
      id,
      start,
      end,
      kind: isMask ? 'mask' : id === unk ? 'unk' : parity ? 'odd' : 'even',
      continuation: continuation && !isMask,
      overflow: i >= limit,
      ...(literal ? { literal } : {}),
    });
  }
  return out;
}

/** The hover of token `index` (Markdown). */
export function hoverMarkdown(
  tokens: readonly TokenView[],
  index: number,
  label: string,
  maxSeqLength: number,
): string {
  const t = tokens[index];
  const lines = [
    `**\`${t.piece.replace(/`/g, '\\`')}\`** · id **${t.id}**${t.kind === 'unk' ? ' (unknown)' : ''}`,
    `token ${index + 1} of ${tokens.length} · input position ${index + 1} (after [CLS]) · ${label}`,
    `offsets ${t.start}–${t.end}${t.continuation ? ' · continues the previous word' : ''}`,
  ];
  if (t.kind === 'mask')
    lines.push(
      'the mask token: a typed `[MASK]` is kept whole, here as in **Run Model** (Fill-Mask predicts it)',
    );
  if (t.literal)
    lines.push(
      `part of a typed \`${t.literal}\`: special tokens typed in text are text, split as here by the Model Garden's preprocessing and in **Run Model**; only \`[MASK]\` is kept whole`,
    );
  if (t.overflow) lines.push(`past max_seq_length ${maxSeqLength}: cut off when packed`);
  return lines.join('  \n');
}

/** Index of the token containing `offset` (the last one starting at or before it), or -1. */
export function tokenAt(tokens: readonly TokenView[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].start <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0) return -1;
  // Tokens sharing a span: report the first of them.
  while (
    found > 0 &&
    tokens[found - 1].start === tokens[found].start &&
    tokens[found - 1].end === tokens[found].end
  )
    found--;
  const t = tokens[found];
  return offset >= t.start && offset < t.end ? found : -1;
}
