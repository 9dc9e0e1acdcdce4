// "Model Garden: Inspect Tokenization" / "Clear Tokenization" / "Select Tokenizer": tokens drawn on the
// user's text, a hover per token, a status bar item with the selection's token count, re-tokenizing on
// edits. Tokenizers load and run in a worker (dist/tokenizeWorker.js), so the host's thread never waits
// on a vocabulary or a large selection; superseded work is cancelled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CATALOG, findModel } from '../../core/catalog';
import { findTokenizerFiles, specLabel, type TokenizerSpec } from '../../core/tokenizers';
import { cacheRoot } from '../downloads/settings';
import { TokenizeClient, TokenizeError, type Tokenized } from './client';
import { Debounced } from './debounce';
import type { TokenizerInfo } from './protocol';
import {
  hoverMarkdown,
  TokenDecorations,
  tokenAt,
  tokenViews,
  type PassedDecorations,
  type TokenView,
} from './view';

const MAX_SEQ_SETTING = 'modelGarden.tokenization.maxSeqLength';
const SPEC_KEY = 'modelGarden.tokenization.tokenizer';
const TOKENIZED_CONTEXT = 'modelGarden.tokenized';

export interface TokenizationApi {
  /** The active tokenizer's label (e.g. "BERT-base uncased English"), once one is loaded. */
  tokenizerLabel(): string | undefined;
  /** The tokens drawn in a document (default: the active editor's), in document offsets. */
  tokens(uri?: vscode.Uri): readonly TokenView[] | undefined;
  /** The hover shown at a position, if it is over a drawn token. */
  hoverText(uri: vscode.Uri, position: vscode.Position): string | undefined;
  /** What the status bar item shows now. */
  statusText(): string | undefined;
  /** Resolves when no tokenization or status update is pending. */
  idle(): Promise<void>;
  /**
   * The ranges last passed to `setDecorations` for a document, by decoration type; recorded only
   * when the extension runs in Test mode (undefined otherwise).
   */
  decorationsPassed(uri: vscode.Uri): PassedDecorations | undefined;
  /**
   * Messages shown about tokenizers (kind, text, buttons), oldest first; recorded only when the extension
   * runs in Test mode (empty otherwise).
   */
  notices(): readonly TokenizerNotice[];
  /** The tokenize worker's thread id, the threads that returned results, how many, and the last warm-up. */
  workerStats(): ReturnType<TokenizeClient['stats']>;
}

export interface TokenizerNotice {
  readonly kind: 'information' | 'error';
  readonly message: string;
  readonly buttons: readonly string[];
}

interface DocumentView {
  base: number;
  length: number;
  tokens: TokenView[];
  cancel?: vscode.CancellationTokenSource;
  retokenize?: Debounced;
}

export function registerTokenization(context: vscode.ExtensionContext): TokenizationApi {
  const decorations = new TokenDecorations();
  decorations.recording = context.extensionMode === vscode.ExtensionMode.Test;
  const client = new TokenizeClient(path.join(context.extensionPath, 'dist', 'tokenizeWorker.js'));
  const views = new Map<string, DocumentView>();
  const status = vscode.window.createStatusBarItem(
    'modelGarden.tokenization.status',
    vscode.StatusBarAlignment.Right,
    100,
  );
  status.name = 'Model Garden token count';
  status.command = 'modelGarden.tokenization.selectTokenizer';
  let spec: TokenizerSpec | undefined = context.globalState.get<TokenizerSpec>(SPEC_KEY);
  /** The active tokenizer as the worker last described it. */
  let tokenizer: TokenizerInfo | undefined;
  let statusCancel: vscode.CancellationTokenSource | undefined;
  const pending = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  const maxSeqLength = () =>
    Math.max(2, vscode.workspace.getConfiguration().get<number>(MAX_SEQ_SETTING, 128));
  const cacheDir = () => cacheRoot(context).root;
  const withCache = (s: TokenizerSpec): TokenizerSpec =>
    s.kind === 'catalog' ? { ...s, cacheDir: cacheDir() } : s;

  /** The default when nothing was chosen: BERT uncased if its vocab is in the cache, else ALBERT (bundled). */
  const defaultSpec = (): TokenizerSpec => {
    const bert = 'bert_en_uncased_L-12_H-768_A-12';
    const hasVocab = findTokenizerFiles(path.join(cacheDir(), bert), 6).some(
      (f) => path.basename(f) === 'vocab.txt',
    );
    return { kind: 'catalog', modelId: hasVocab ? bert : 'albert_en_base' };
  };
  const labelOf = (s: TokenizerSpec) =>
    s.kind === 'catalog' ? (findModel(s.modelId)?.name ?? s.modelId) : specLabel(s);

  /**
   * A catalog model whose vocab.txt is not downloaded yet is a normal state: an information message
   * offering Download Tokenizer. Anything else is an error.
   */
  const notices: TokenizerNotice[] = [];
  const notice = (kind: TokenizerNotice['kind'], message: string, ...buttons: string[]) => {
    if (context.extensionMode === vscode.ExtensionMode.Test) notices.push({ kind, message, buttons });
    return kind === 'information'
      ? vscode.window.showInformationMessage(message, ...buttons)
      : vscode.window.showErrorMessage(message, ...buttons);
  };
  const reportTokenizerError = (error: unknown, asked: TokenizerSpec | undefined) => {
    const missing = error instanceof TokenizeError ? error.missingVocabOf : undefined;
    if (missing) {
      // Offer the downloads feature's command for the model that owns the vocabulary.
      const owner = findModel(missing)?.vocabSameAs ?? missing;
      const download = 'Download Tokenizer';
      const other = 'Select Tokenizer…';
      const name = asked ? labelOf(asked) : (findModel(missing)?.name ?? missing);
      void notice(
        'information',
        `${name}: its vocab.txt is not in the model cache yet. Download the tokenizer (a few hundred KB) to use it.`,
        download,
        other,
      ).then((answer) => {
        if (answer === download)
          return vscode.commands.executeCommand('modelGarden.downloads.downloadTokenizer', owner);
        if (answer === other)
          return vscode.commands.executeCommand('modelGarden.tokenization.selectTokenizer');
        return undefined;
      });
      return;
    }
    void notice('error', `Tokenization failed: ${(error as Error).message}`);
  };

  const encode = async (text: string, token: vscode.CancellationToken): Promise<Tokenized | undefined> => {
    const asked = (spec ??= defaultSpec());
    const tokenized = await client.tokenize(withCache(asked), text, token);
    if (tokenized && spec === asked) tokenizer = tokenized.info;
    return tokenized;
  };

  const render = (uri: string) => {
    const view = views.get(uri);
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.toString() !== uri) continue;
      if (view) decorations.apply(editor, view.tokens, maxSeqLength());
      else decorations.clear(editor);
    }
  };

  const updateContext = () => {
    const uri = vscode.window.activeTextEditor?.document.uri.toString();
    void vscode.commands.executeCommand('setContext', TOKENIZED_CONTEXT, uri !== undefined && views.has(uri));
  };

  const tokenizeView = async (doc: vscode.TextDocument, view: DocumentView): Promise<void> => {
    view.cancel?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    view.cancel = cancel;
    const text = doc.getText().slice(view.base, view.base + view.length);
    const tokenized = await encode(text, cancel.token);
    if (!tokenized || cancel.token.isCancellationRequested || views.get(doc.uri.toString()) !== view) return;
    view.tokens = tokenViews(tokenized, view.base, maxSeqLength(), text);
    render(doc.uri.toString());
  };

  const inspect = async (editor = vscode.window.activeTextEditor): Promise<void> => {
    if (!editor) {
      void vscode.window.showInformationMessage('Open a text editor to inspect its tokenization.');
      return;
    }
    const doc = editor.document;
    let range: vscode.Range = editor.selection;
    if (editor.selection.isEmpty) {
      const visible = editor.visibleRanges;
      range = visible.length
        ? new vscode.Range(visible[0].start, visible[visible.length - 1].end)
        : doc.lineAt(0).range;
    }
    const base = doc.offsetAt(range.start);
    const view: DocumentView = { base, length: doc.offsetAt(range.end) - base, tokens: [] };
    const previous = views.get(doc.uri.toString());
    previous?.cancel?.cancel();
    views.set(doc.uri.toString(), view);
    updateContext();
    try {
      await track(tokenizeView(doc, view));
    } catch (error) {
      views.delete(doc.uri.toString());
      render(doc.uri.toString());
      updateContext();
      reportTokenizerError(error, spec);
    }
  };

  const clear = (editor = vscode.window.activeTextEditor) => {
    if (!editor) return;
    const uri = editor.document.uri.toString();
    views.get(uri)?.cancel?.cancel();
    views.delete(uri);
    render(uri);
    updateContext();
  };

  const updateStatus = async (): Promise<void> => {
    statusCancel?.cancel();
    const cancel = new vscode.CancellationTokenSource();
    statusCancel = cancel;
    const editor = vscode.window.activeTextEditor;
    const text = editor ? editor.selections.map((s) => editor.document.getText(s)).join('\n') : '';
    if (!editor || text.length === 0) {
      // No selection: name the tokenizer without loading it (loading waits for text to count).
      spec ??= defaultSpec();
      status.text = `$(symbol-key) ${tokenizer?.label ?? labelOf(spec)}`;
      status.tooltip = 'Select text to count its tokens. Click to choose another tokenizer.';
      status.show();
      return;
    }
    let encoded: Tokenized | undefined;
    try {
      encoded = await encode(text, cancel.token);
    } catch (error) {
      if (cancel.token.isCancellationRequested) return;
      status.text = '$(symbol-key) Select a tokenizer';
      status.tooltip = (error as Error).message;
      status.show();
      return;
    }
    if (!encoded || cancel.token.isCancellationRequested) return;
    const n = encoded.ids.length;
    status.text = `$(symbol-key) ${encoded.info.label}: ${n} token${n === 1 ? '' : 's'}`;
    status.tooltip = `${n} tokens in the selection (${n + 2} with [CLS] and [SEP]; max_seq_length ${maxSeqLength()}). Click to choose another tokenizer.`;
    status.show();
  };

  const statusTask = new Debounced(() => updateStatus(), track);
  const scheduleStatus = (delay = 200) => statusTask.schedule(delay);

  const catalogItems = () =>
    CATALOG.map((m) => {
      const inCache = [m.id, m.vocabSameAs]
        .filter((id): id is string => Boolean(id))
        .some((id) =>
          findTokenizerFiles(path.join(cacheDir(), id), 6).some((f) => path.basename(f) === 'vocab.txt'),
        );
      const available =
        m.tokenizer === 'sentencepiece' ? 'bundled' : inCache ? 'downloaded' : 'not downloaded';
      return {
        label: m.name,
        description: `${m.tokenizer} · ${available}`,
        detail: m.id,
        spec: { kind: 'catalog', modelId: m.id } as TokenizerSpec,
      };
    });

  /** Accepts a catalog id, a path, a Uri or a spec; without one, asks. */
  const selectTokenizer = async (arg?: unknown): Promise<boolean> => {
    let chosen: TokenizerSpec | undefined;
    if (typeof arg === 'string') {
      chosen = findModel(arg) ? { kind: 'catalog', modelId: arg } : { kind: 'file', path: arg };
    } else if (arg instanceof vscode.Uri) {
      chosen = { kind: 'file', path: arg.fsPath };
    } else if (arg && typeof arg === 'object' && 'kind' in arg) {
      chosen = arg as TokenizerSpec;
    } else {
      const browse = {
        label: '$(folder-opened) Local vocab.txt or .model file…',
        description: '',
        detail: undefined,
        spec: undefined,
      };
      const pick = await vscode.window.showQuickPick([browse, ...catalogItems()], {
        title: 'Select Tokenizer',
        placeHolder: 'A catalog model, or a local WordPiece vocab / SentencePiece model',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!pick) return false;
      if (pick.spec) {
        chosen = pick.spec;
      } else {
        const files = await vscode.window.showOpenDialog({
          canSelectMany: false,
          openLabel: 'Use Tokenizer',
          filters: { 'Vocab or SentencePiece model': ['txt', 'model'], 'All files': ['*'] },
        });
        if (!files?.length) return false;
        chosen = { kind: 'file', path: files[0].fsPath };
      }
    }
    if (chosen.kind === 'file' && !fs.existsSync(chosen.path)) {
      void vscode.window.showErrorMessage(`Tokenizer file not found: ${chosen.path}`);
      return false;
    }
    let loaded: TokenizerInfo;
    try {
      loaded = await client.load(withCache(chosen));
    } catch (error) {
      reportTokenizerError(error, chosen);
      return false;
    }
    spec = chosen;
    tokenizer = loaded;
    await context.globalState.update(SPEC_KEY, chosen);
    for (const [uri, view] of views) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
      if (doc) await track(tokenizeView(doc, view).catch(() => undefined));
    }
    scheduleStatus(0);
    return true;
  };

  const onEdit = (e: vscode.TextDocumentChangeEvent) => {
    const view = views.get(e.document.uri.toString());
    if (!view || e.contentChanges.length === 0) return;
    for (const change of e.contentChanges) {
      const delta = change.text.length - change.rangeLength;
      const end = change.rangeOffset + change.rangeLength;
      if (end <= view.base) view.base += delta;
      else if (change.rangeOffset <= view.base + view.length) view.length = Math.max(0, view.length + delta);
    }
    view.retokenize ??= new Debounced(() => tokenizeView(e.document, view), track);
    view.retokenize.schedule(150);
  };

  const hover = (doc: vscode.TextDocument, position: vscode.Position): string | undefined => {
    const view = views.get(doc.uri.toString());
    if (!view || !tokenizer) return undefined;
    const index = tokenAt(view.tokens, doc.offsetAt(position));
    return index < 0 ? undefined : hoverMarkdown(view.tokens, index, tokenizer.label, maxSeqLength());
  };

  context.subscriptions.push(
    decorations,
    status,
    { dispose: () => client.dispose() },
    statusTask,
    vscode.commands.registerCommand('modelGarden.tokenization.inspect', () => inspect()),
    vscode.commands.registerCommand('modelGarden.tokenization.clear', () => clear()),
    vscode.commands.registerCommand('modelGarden.tokenization.selectTokenizer', (arg?: unknown) =>
      selectTokenizer(arg),
    ),
    vscode.languages.registerHoverProvider(
      { scheme: '*' },
      {
        provideHover(doc, position) {
          const text = hover(doc, position);
          return text ? new vscode.Hover(new vscode.MarkdownString(text)) : undefined;
        },
      },
    ),
    vscode.workspace.onDidChangeTextDocument(onEdit),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      views.get(doc.uri.toString())?.cancel?.cancel();
      views.delete(doc.uri.toString());
    }),
    vscode.window.onDidChangeVisibleTextEditors((editors) => {
      for (const editor of editors)
        if (views.has(editor.document.uri.toString())) render(editor.document.uri.toString());
    }),
    vscode.window.onDidChangeActiveTextEditor(() => {
      updateContext();
      scheduleStatus();
    }),
    vscode.window.onDidChangeTextEditorSelection(() => scheduleStatus()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(MAX_SEQ_SETTING)) return;
      for (const [uri, view] of views) {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
        if (doc) void track(tokenizeView(doc, view).catch(() => undefined));
      }
    }),
  );

  // A fresh window shows the item at once (not after the first selection change), and the worker loads
  // the tokenizer in the background so the first large request pays only for tokenizing.
  scheduleStatus(0);
  const warm = setTimeout(() => {
    const s = (spec ??= defaultSpec());
    void client.load(withCache(s), { warm: true }).then(
      (info) => {
        if (spec === s) tokenizer = info;
      },
      () => undefined, // reported when the user asks for tokens
    );
  }, 1000);
  context.subscriptions.push({ dispose: () => clearTimeout(warm) });

  return {
    tokenizerLabel: () => tokenizer?.label ?? (spec ? labelOf(spec) : undefined),
    tokens: (uri) => {
      const key = (uri ?? vscode.window.activeTextEditor?.document.uri)?.toString();
      return key ? views.get(key)?.tokens : undefined;
    },
    hoverText: (uri, position) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      return doc ? hover(doc, position) : undefined;
    },
    statusText: () => (status.text ? status.text : undefined),
    decorationsPassed: (uri) => decorations.passed.get(uri.toString()),
    workerStats: () => client.stats(),
    notices: () => [...notices],
    idle: async () => {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}
