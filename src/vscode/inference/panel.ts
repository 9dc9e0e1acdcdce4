// The "Run Model on Selection" webview panel: loads the chosen checkpoint in the inference worker
// (progress, cancel), analyzes the selected text and turns the analysis into the PanelState the
// webview draws. Errors (a corrupt checkpoint, a missing vocabulary) are shown in the panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
// Light modules only: TensorFlow.js loads in the worker, never in the extension host.
import type { Analysis } from '../../core/inference/analyze';
import type { InferenceClient } from '../../core/inference/client';
import type { ModelInfo } from '../../core/inference/protocol';
import { splitSentencePair } from '../../core/inference/sentencePair';
import { isSpecialPiece } from '../../core/inference/specialPieces';
import { cosine } from '../../core/inference/tasks';
import { CancelledError } from '../../core/inference/types';
import { userMessage } from '../../core/inference/userMessage';
import type { FromPanel, ModelChoice, PanelState } from '../../webview/inference/protocol';
import { skippedText } from './backendText';
import { panelHtml } from './html';

export const PANEL_VIEW_TYPE = 'modelGarden.inference';

export interface InferenceHost {
  readonly extensionUri: vscode.Uri;
  client(): InferenceClient;
  /** The checkpoint to use (setting or last choice); undefined when none is chosen yet. */
  modelPath(): string | undefined;
  /** Asks the user for a checkpoint; returns it (and remembers it) or undefined. */
  pickModel(): Promise<string | undefined>;
  /** Remembers `path` as the model to run. */
  useModel(path: string): Promise<void>;
  /** Checkpoints on this machine to offer when no model is chosen (downloaded, in the workspace). */
  modelChoices(): Promise<ModelChoice[]>;
  /** Starts downloading a catalog model's checkpoint (the user picks the model). */
  downloadModel(): Promise<void>;
  stateChanged(state: PanelState): void;
  /** Where a "Compare with…" text comes from. */
  compareText(): Promise<string | undefined>;
}

const normOf = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

/** Fill-Mask asks for this many candidates so that ten remain once special tokens are left out. */
const FILL_MASK_FETCH = 40;

/** Everything computed from one run; cleared together when a run fails, so nothing stale stays. */
const NO_RESULTS: Partial<PanelState> = {
  tokens: undefined,
  truncated: undefined,
  maskPositions: undefined,
  fillMask: undefined,
  embedding: undefined,
  attention: undefined,
  heads: undefined,
  ms: undefined,
};
const NO_ERROR: Partial<PanelState> = { error: undefined, errorAction: undefined, errorDetail: undefined };

export class InferencePanel {
  private static current: InferencePanel | undefined;
  private state: PanelState = {};
  private info: ModelInfo | undefined;
  private analysis: Analysis | undefined;
  private abort: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(host: InferenceHost): InferencePanel {
    const existing = InferencePanel.current;
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      'Model Garden: Run Model',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      InferencePanel.options(host.extensionUri),
    );
    return new InferencePanel(panel, host);
  }

  static revive(
    panel: vscode.WebviewPanel,
    host: InferenceHost,
    state: PanelState | undefined,
  ): InferencePanel {
    panel.webview.options = InferencePanel.options(host.extensionUri);
    const revived = new InferencePanel(panel, host);
    if (state) revived.state = { ...state, busy: undefined };
    return revived;
  }

  static get active(): InferencePanel | undefined {
    return InferencePanel.current;
  }

  private static options(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly host: InferenceHost,
  ) {
    InferencePanel.current = this;
    panel.webview.html = panelHtml(panel.webview, host.extensionUri);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: FromPanel) => void this.receive(m)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get currentState(): PanelState {
    return this.state;
  }

  /** Runs the model on `text` (loading the model first when needed). */
  async run(text: string, maskPosition?: number): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.update({ text, ...NO_ERROR });
    try {
      const info = await this.ensureModel(abort.signal);
      if (!info) return;
      this.update({ busy: { message: 'Running the encoder…' } });
      const client = this.host.client();
      const analysis = await client.analyze(
        info.key,
        { text, maskPosition, topK: FILL_MASK_FETCH },
        abort.signal,
      );
      this.analysis = analysis;
      const results = this.fromAnalysis(analysis);
      // The next-sentence head judges the selection split in two (first blank line, else first sentence).
      const pair = info.heads.nextSentence ? splitSentencePair(text) : undefined;
      if (pair) {
        this.update({ busy: { message: 'Running the next-sentence head…' } });
        const judged = await client.analyze(
          info.key,
          { text: pair.first, pair: pair.second, attentionLimit: 0, topK: 1 },
          abort.signal,
        );
        if (judged.nextSentence !== undefined) {
          results.heads = { ...results.heads, nextSentence: { ...pair, isNext: judged.nextSentence } };
        }
      }
      this.update({ ...results, busy: undefined });
    } catch (error) {
      this.analysis = undefined;
      this.fail(error, true);
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }

  /** Forgets the loaded model (the next run loads the current choice). */
  resetModel(): void {
    this.info = undefined;
  }

  private async ensureModel(signal: AbortSignal): Promise<ModelInfo | undefined> {
    const file = this.host.modelPath();
    if (!file) {
      // First run: offer the checkpoints on this machine and the catalog instead of an error.
      this.info = undefined;
      this.update({
        ...NO_RESULTS,
        model: undefined,
        busy: { message: 'Looking for checkpoints…' },
      });
      const choices = await this.host.modelChoices().catch(() => []);
      this.update({ busy: undefined, choices });
      return undefined;
    }
    if (this.state.model?.path !== file) {
      // Another model: the header must not name the previous one while this one loads (or fails).
      this.info = undefined;
      this.update({ ...NO_RESULTS, model: undefined });
    }
    const client = this.host.client();
    const backend = await client.backend();
    this.update({ busy: { message: `Loading ${path.basename(file)}…` }, choices: undefined });
    const info = await this.load(client, file, signal).catch((error: unknown) => {
      this.info = undefined;
      this.update({ model: undefined });
      throw error;
    });
    this.info = info;
    const c = info.config;
    const heads = Object.entries(info.heads).flatMap(([k, v]) => (v ? [k] : []));
    this.update({
      model: {
        path: file,
        label: `${path.basename(file)} (${c.family}, L${c.numLayers}/H${c.hiddenSize}/A${c.numHeads})`,
        backend: backend.label,
        ...(backend.warning ? { backendWarning: backend.warning } : {}),
        ...(!backend.warning && backend.fallbacks.length
          ? { backendSkipped: skippedText(backend.fallbacks) }
          : {}),
        heads,
      },
    });
    return info;
  }

  private load(client: InferenceClient, file: string, signal: AbortSignal): Promise<ModelInfo> {
    return Promise.resolve(
      vscode.window.withProgress(
        {
          // The status bar shows it; the panel has its own progress line with a Cancel button.
          location: vscode.ProgressLocation.Window,
          title: `Loading ${path.basename(file)}`,
          cancellable: true,
        },
        (progress, token) => {
          token.onCancellationRequested(() => this.abort?.abort());
          let last = 0;
          // A shared ALBERT block without a config beside it needs the layer count (the catalog's for cached downloads).
          const numLayers = vscode.workspace
            .getConfiguration('modelGarden.inference')
            .get<number | null>('numLayers');
          return client.load(
            { kind: 'checkpoint', path: file, ...(numLayers ? { numLayers } : {}) },
            {
              signal,
              onProgress: (p) => {
                const fraction = p.total > 0 ? p.done / p.total : 0;
                progress.report({ increment: Math.max(0, (fraction - last) * 100), message: p.message });
                last = fraction;
                this.post({
                  type: 'busy',
                  busy: { message: 'Loading the checkpoint…', done: p.done, total: p.total },
                });
              },
            },
          );
        },
      ),
    );
  }

  private fromAnalysis(a: Analysis): PanelState & { heads: NonNullable<PanelState['heads']> } {
    const previous = this.state.attention?.selected;
    const attention = a.attention
      ? {
          layers: a.attention.layers,
          heads: a.attention.heads,
          focus: a.attention.focus,
          selected:
            previous && previous.layer < a.attention.layers && previous.head < a.attention.heads
              ? this.headMap(previous.layer, previous.head)
              : undefined,
        }
      : undefined;
    return {
      tokens: a.tokens.map((t) => ({ piece: t.piece, id: t.id, special: t.special, segment: t.segment })),
      truncated: a.truncated,
      maskPositions: a.maskPositions,
      fillMask: a.fillMask.map((f) => ({
        position: f.position,
        candidates: f.candidates.map((c) => ({ ...c, special: isSpecialPiece(c.token) })),
      })),
      embedding: {
        pooled: a.pooled,
        norm: normOf(a.pooled ?? a.meanPooled),
        dims: (a.pooled ?? a.meanPooled).length,
      },
      attention,
      heads: {
        classify: a.classify ? [...a.classify] : undefined,
        tags: a.tags?.map((t) => ({ position: t.position, label: t.label, prob: t.prob })),
        rtd: a.rtd?.map((r) => ({ position: r.position, replaced: r.replaced })),
        squad: this.state.heads?.squad,
      },
      ms: a.ms,
    };
  }

  private headMap(
    layer: number,
    head: number,
  ): NonNullable<NonNullable<PanelState['attention']>['selected']> | undefined {
    const att = this.analysis?.attention;
    if (!att) return undefined;
    const S = att.length;
    const map = Array.from(att.maps[layer]!.subarray(head * S * S, (head + 1) * S * S));
    return { layer, head, length: S, map };
  }

  private async receive(message: FromPanel): Promise<void> {
    switch (message.type) {
      case 'ready':
        if (message.state && !this.state.tokens) this.state = { ...message.state, busy: undefined };
        this.post({ type: 'state', state: this.state });
        return;
      case 'pickModel': {
        const picked = await this.host.pickModel();
        if (picked) {
          this.resetModel();
          if (this.state.text !== undefined) await this.run(this.state.text);
        }
        return;
      }
      case 'useModel':
        await this.host.useModel(message.path);
        this.resetModel();
        if (this.state.text !== undefined) await this.run(this.state.text);
        return;
      case 'downloadModel':
        return this.host.downloadModel();
      case 'showSpecial':
        this.state = { ...this.state, showSpecial: message.value };
        this.host.stateChanged(this.state);
        return;
      case 'cancel':
        this.abort?.abort();
        return;
      case 'rerun':
        if (this.state.text !== undefined) await this.run(this.state.text);
        return;
      case 'maskToken':
        if (this.state.text !== undefined) await this.run(this.state.text, message.position);
        return;
      case 'selectHead':
        if (this.state.attention) {
          this.update({
            attention: { ...this.state.attention, selected: this.headMap(message.layer, message.head) },
          });
        }
        return;
      case 'compare':
        return this.compare();
      case 'answer':
        return this.answer(message.question);
      case 'tab':
        this.state = { ...this.state, tab: message.tab };
        this.host.stateChanged(this.state);
        return;
    }
  }

  /** "Compare with…": cosine similarity of this text's vectors with `text`'s (asked for when absent). */
  async compare(text?: string): Promise<void> {
    const other = text ?? (await this.host.compareText());
    if (!other || !this.info || !this.analysis) return;
    try {
      this.update({ busy: { message: 'Encoding the comparison text…' } });
      const b = await this.host.client().analyze(this.info.key, { text: other, attentionLimit: 0 });
      const a = this.analysis;
      const embedding = this.state.embedding!;
      this.update({
        busy: undefined,
        tab: 'embedding',
        embedding: {
          ...embedding,
          compare: {
            text: other,
            cosinePooled: a.pooled && b.pooled ? cosine(a.pooled, b.pooled) : undefined,
            cosineMean: cosine(a.meanPooled, b.meanPooled),
          },
        },
      });
    } catch (error) {
      this.fail(error, false);
    }
  }

  private async answer(question: string): Promise<void> {
    if (!this.info || this.state.text === undefined || !question.trim()) return;
    try {
      this.update({ busy: { message: 'Finding the answer…' } });
      const r = await this.host
        .client()
        .analyze(this.info.key, { text: question, pair: this.state.text, attentionLimit: 0 });
      this.update({
        busy: undefined,
        tab: 'heads',
        heads: { ...this.state.heads, squad: { question, answer: r.span?.text ?? '', score: r.span?.score } },
      });
    } catch (error) {
      this.fail(error, false);
    }
  }

  /**
   * Shows an error in the user's words. A failed run clears every result (they would describe
   * another text or model); a failed Compare or Answer keeps the run's results.
   */
  private fail(error: unknown, clearResults: boolean): void {
    const cleared = clearResults ? NO_RESULTS : {};
    if (error instanceof CancelledError || (error instanceof Error && error.name === 'CancelledError')) {
      this.update({ ...cleared, busy: undefined, ...NO_ERROR, error: 'Cancelled.' });
      return;
    }
    const m = userMessage(
      error instanceof Error
        ? { name: error.name, message: error.message, code: (error as { code?: string }).code }
        : { message: String(error) },
    );
    this.update({
      ...cleared,
      busy: undefined,
      error: m.summary,
      errorAction: m.action,
      errorDetail: m.detail,
    });
  }

  private update(patch: Partial<PanelState>): void {
    this.state = { ...this.state, ...patch };
    this.post({ type: 'state', state: this.state });
    this.host.stateChanged(this.state);
  }

  private post(message: import('../../webview/inference/protocol').ToPanel): void {
    void this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    this.abort?.abort();
    if (InferencePanel.current === this) InferencePanel.current = undefined;
    for (const d of this.disposables) d.dispose();
  }
}
