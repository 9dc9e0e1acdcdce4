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
}

/** Everything the webview draws; also what it saves with setState and hands back after a reload. */
export interface PanelState {
  readonly model?: {
    readonly path: string;
    readonly label: string;
    readonly backend: string;
    /** Why the backend in use is not the one `auto` would normally pick (a visible warning). */
    readonly backendWarning?: string;
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
    readonly nextSentence?: number;
    readonly squad?: { readonly question: string; readonly answer?: string; readonly score?: number };
    readonly tags?: readonly { readonly position: number; readonly label: string; readonly prob: number }[];
    readonly rtd?: readonly { readonly position: number; readonly replaced: number }[];
  };
  readonly tab?: TabName;
  readonly busy?: { readonly message: string; readonly done?: number; readonly total?: number };
  readonly error?: string;
  readonly ms?: number;
}

export type ToPanel =
  | { readonly type: 'state'; readonly state: PanelState }
  | { readonly type: 'busy'; readonly busy: PanelState['busy'] };

export type FromPanel =
  /** The script started; `state` is what it restored with getState (after a reload). */
  | { readonly type: 'ready'; readonly state?: PanelState }
  | { readonly type: 'pickModel' }
  | { readonly type: 'cancel' }
  | { readonly type: 'rerun' }
  | { readonly type: 'maskToken'; readonly position: number }
  | { readonly type: 'compare' }
  | { readonly type: 'selectHead'; readonly layer: number; readonly head: number }
  | { readonly type: 'answer'; readonly question: string }
  | { readonly type: 'tab'; readonly tab: TabName };
