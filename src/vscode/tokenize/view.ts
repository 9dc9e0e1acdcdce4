// How tokens are drawn: alternating backgrounds, a distinct [UNK] colour, a mark on continuation pieces, and
// a marker where the packed sequence passes max_seq_length; plus the hover text of one token.
import * as vscode from 'vscode';
import type { Tokenized } from './client';

export type TokenKind = 'even' | 'odd' | 'unk';

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
}

export type DecorationName = 'even' | 'odd' | 'unk' | 'continuation' | 'overflow' | 'marker';

/** The ranges last passed to `setDecorations` for one editor, by decoration type. */
export type PassedDecorations = Readonly<Record<DecorationName, readonly vscode.Range[]>>;

export class TokenDecorations implements vscode.Disposable {
  /**
   * Record what is passed to `setDecorations` (by document), so tests check the drawing itself
   * rather than the token list; on only when the extension runs in Test mode.
   */
  recording = false;
  readonly passed = new Map<string, PassedDecorations>();

  readonly even = vscode.window.createTextEditorDecorationType({
    backgroundColor: 'rgba(86, 156, 214, 0.22)',
    borderRadius: '2px',
  });
  readonly odd = vscode.window.createTextEditorDecorationType({
    backgroundColor: 'rgba(220, 170, 60, 0.22)',
    borderRadius: '2px',
  });
  readonly unk = vscode.window.createTextEditorDecorationType({
    backgroundColor: 'rgba(244, 71, 71, 0.40)',
    border: '1px solid rgba(244, 71, 71, 0.9)',
    borderRadius: '2px',
  });
  readonly continuation = vscode.window.createTextEditorDecorationType({
    borderStyle: 'none none none dotted',
    borderWidth: '0 0 0 2px',
    borderColor: new vscode.ThemeColor('editorCodeLens.foreground'),
  });
  readonly overflow = vscode.window.createTextEditorDecorationType({
    opacity: '0.45',
    textDecoration: 'line-through',
  });
  readonly marker = vscode.window.createTextEditorDecorationType({
    before: {
      contentText: '✂',
      color: new vscode.ThemeColor('editorError.foreground'),
      margin: '0 2px 0 0',
      fontWeight: 'bold',
    },
  });

  private all(): vscode.TextEditorDecorationType[] {
    return [this.even, this.odd, this.unk, this.continuation, this.overflow, this.marker];
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
      ranges.get(t.kind === 'unk' ? this.unk : t.kind === 'even' ? this.even : this.odd)!.push({ range });
      if (t.continuation) ranges.get(this.continuation)!.push({ range });
      if (t.overflow) {
        ranges.get(this.overflow)!.push({ range });
        if (!markerPlaced) {
          markerPlaced = true;
          ranges.get(this.marker)!.push({
            range: new vscode.Range(range.start, range.start),
            hoverMessage: `max_seq_length ${maxSeqLength}: the tokens from here on are cut off when packed with [CLS] … [SEP]`,
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

/** Token views of the worker's tokens for a text that starts at offset `base` in the document. */
export function tokenViews(tokenized: Tokenized, base: number, maxSeqLength: number): TokenView[] {
  const limit = Math.max(0, maxSeqLength - 2); // room left by [CLS] and [SEP]
  const { kind, unk } = tokenized.info;
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
    out.push({
      piece,
      id,
      start,
      end,
      kind: id === unk ? 'unk' : parity ? 'odd' : 'even',
      continuation,
      overflow: i >= limit,
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
