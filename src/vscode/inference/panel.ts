// The "Run Model on Selection" webview panel: loads the chosen checkpoint in the inference worker
// (progress, cancel), analyzes the selected text and turns the analysis into the PanelState the
// webview draws. Errors (a corrupt checkpoint, a missing vocabulary) are shown in the panel.
import * as path from 'node:path';
import * as vscode from 'vscode';
// Light modules only: TensorFlow.js loads in the worker, never in the extension host.
import type { Analysis } from '../../core/inference/analyze';
import type { InferenceClient } from '../../core/inference/client';
import { describeBackend } from './nativeBackend';
import type { ModelInfo } from '../../core/inference/protocol';
import { cosine } from '../../core/inference/tasks';
import { CancelledError } from '../../core/inference/types';
import type { FromPanel, PanelState } from '../../webview/inference/protocol';
import { panelHtml } from './html';

export const PANEL_VIEW_TYPE = 'modelGarden.inference';

export interface InferenceHost {
  readonly extensionUri: vscode.Uri;
  client(): InferenceClient;
  /** The checkpoint to use (setting or last choice); undefined when none is chosen yet. */
  modelPath(): string | undefined;
  /** Asks the user for a checkpoint; returns it (and remembers it) or undefined. */
  pickModel(): Promise<string | undefined>;
  stateChanged(state: PanelState): void;
  /** Where a "Compare with…" text comes from. */
  compareText(): Promise<string | undefined>;
}

const normOf = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

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
    this.update({ text, error: undefined });
    try {
      const info = await this.ensureModel(abort.signal);
      if (!info) return;
      this.update({ busy: { message: 'Running the encoder…' } });
      const analysis = await this.host.client().analyze(info.key, { text, maskPosition }, abort.signal);
      this.analysis = analysis;
      this.update({ ...this.fromAnalysis(analysis), busy: undefined });
    } catch (error) {
      this.fail(error);
    } finally {
      if (this.abort === abort) this.abort = undefined;
    }
  }

  /** Forgets the loaded model (the next run loads the current choice). */
  resetModel(): void {
    this.info = undefined;
  }

  private async ensureModel(signal: AbortSignal): Promise<ModelInfo | undefined> {
    let file = this.host.modelPath();
    if (!file) file = await this.host.pickModel();
    if (!file) {
      this.update({ busy: undefined, error: 'Choose a checkpoint (folder, prefix or .index file) to run.' });
      return undefined;
    }
    const client = this.host.client();
    const backend = await client.backend();
    this.update({ busy: { message: `Loading ${path.basename(file)}…` } });
    const info = await vscode.window.withProgress(
      {
        // The status bar shows it; the panel has its own progress line with a Cancel button.
        location: vscode.ProgressLocation.Window,
        title: `Loading ${path.basename(file)}`,
        cancellable: true,
      },
      (progress, token) => {
        token.onCancellationRequested(() => this.abort?.abort());
        let last = 0;
        return client.load(
          { kind: 'checkpoint', path: file },
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
    );
    this.info = info;
    const c = info.config;
    const heads = Object.entries(info.heads).flatMap(([k, v]) => (v ? [k] : []));
    this.update({
      model: {
        path: file,
        label: `${path.basename(file)} (${c.family}, L${c.numLayers}/H${c.hiddenSize}/A${c.numHeads})`,
        backend: describeBackend(backend),
        heads,
      },
    });
    return info;
  }

  private fromAnalysis(a: Analysis): PanelState {
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
      fillMask: a.fillMask.map((f) => ({ position: f.position, candidates: [...f.candidates] })),
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
      this.fail(error);
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
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof CancelledError || (error instanceof Error && error.name === 'CancelledError')) {
      this.update({ busy: undefined, error: 'Cancelled.' });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.update({ busy: undefined, error: message });
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
