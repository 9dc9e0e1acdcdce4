// The message protocol between the "Run Model on Selection" panel (src/vscode/inference/panel.ts)
// and its webview script (main.ts). Imported by both sides; plain data only.

export type TabName = 'fill-mask' | 'embedding' | 'attention' | 'heads';

export interface PanelToken {
  readonly piece: string;
  readonly id: number;
  readonly special: boolean;
  readonly segment: number;
}

export interface PanelCandidate {
  readonly token: string;
  readonly id: number;
  readonly prob: number;
  /** [UNK], [SEP], [unused5], <pad>…: hidden unless the user shows special tokens. */
  readonly special?: boolean;
}

/** A checkpoint the panel offers when no model is chosen yet. */
export interface ModelChoice {
  readonly label: string;
  readonly description: string;
  readonly path: string;
}

/** Everything the webview draws; also what it saves with setState and hands back after a reload. */
export interface PanelState {
  readonly model?: {
    readonly path: string;
    readonly label: string;
    readonly backend: string;
    /** Why the backend in use is not the one `auto` would normally pick (a visible warning). */
    readonly backendWarning?: string;
    /** Why backends tried before it were skipped (e.g. tfjs-node not installed), when no warning says so. */
    readonly backendSkipped?: string;
    readonly heads: readonly string[];
  };
  readonly text?: string;
  readonly tokens?: readonly PanelToken[];
  readonly truncated?: boolean;
  readonly maskPositions?: readonly number[];
  readonly fillMask?: readonly {
    readonly position: number;
    readonly candidates: readonly PanelCandidate[];
  }[];
  readonly embedding?: {
    readonly pooled?: readonly number[];
    readonly norm: number;
    readonly dims: number;
    readonly compare?: { readonly text: string; readonly cosinePooled?: number; readonly cosineMean: number };
  };
  readonly attention?: {
    readonly layers: number;
    readonly heads: number;
    readonly focus: readonly number[];
    readonly selected?: {
      readonly layer: number;
      readonly head: number;
      readonly length: number;
      readonly map: readonly number[];
    };
  };
  readonly heads?: {
    readonly classify?: readonly { readonly label: string; readonly prob: number }[];
    /** The next-sentence head on the selection split in two (first blank line, else first sentence). */
    readonly nextSentence?: { readonly first: string; readonly second: string; readonly isNext: number };
    readonly squad?: { readonly question: string; readonly answer?: string; readonly score?: number };
    readonly tags?: readonly { readonly position: number; readonly label: string; readonly prob: number }[];
    readonly rtd?: readonly { readonly position: number; readonly replaced: number }[];
  };
  readonly tab?: TabName;
  readonly busy?: { readonly message: string; readonly done?: number; readonly total?: number };
  /** An error in the user's words (src/core/inference/userMessage.ts), what to do, and the engine's text. */
  readonly error?: string;
  readonly errorAction?: string;
  readonly errorDetail?: string;
  /** No model chosen yet: checkpoints found on this machine to offer. */
  readonly choices?: readonly ModelChoice[];
  /** Fill-Mask also lists special tokens. */
  readonly showSpecial?: boolean;
  readonly ms?: number;
}

export type ToPanel =
  | { readonly type: 'state'; readonly state: PanelState }
  | { readonly type: 'busy'; readonly busy: PanelState['busy'] };

export type FromPanel =
  /** The script started; `state` is what it restored with getState (after a reload). */
  | { readonly type: 'ready'; readonly state?: PanelState }
  | { readonly type: 'pickModel' }
  | { readonly type: 'useModel'; readonly path: string }
  | { readonly type: 'downloadModel' }
  | { readonly type: 'showSpecial'; readonly value: boolean }
  | { readonly type: 'cancel' }
  | { readonly type: 'rerun' }
  | { readonly type: 'maskToken'; readonly position: number }
  | { readonly type: 'compare' }
  | { readonly type: 'selectHead'; readonly layer: number; readonly head: number }
  | { readonly type: 'answer'; readonly question: string }
  | { readonly type: 'tab'; readonly tab: TabName };
