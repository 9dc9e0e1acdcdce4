// The message protocol between the Curves panel (src/vscode/runs/panel.ts) and its webview script
// (main.ts). Imported by both sides; plain data only.

export interface CurveSegment {
  readonly steps: readonly number[];
  readonly wallTimes: readonly number[];
  readonly values: readonly number[];
}

export interface CurveRun {
  /** Unique: the run folder. */
  readonly id: string;
  /** `<model_dir>/<run>` as shown in the legend. */
  readonly label: string;
  /** Segments per tag (a restarted job has several). */
  readonly tags: Readonly<Record<string, readonly CurveSegment[]>>;
}

export interface CurvesData {
  readonly runs: readonly CurveRun[];
  /** The model_dirs shown, kept in the webview state so that the panel reopens on them after a reload. */
  readonly roots?: readonly string[];
  /** A tag to scroll to (the one clicked in the Training Runs view). */
  readonly focusTag?: string;
}

/**
 * New points of one tag of one run since the last message: live updates send only these. The first
 * segment continues the panel's last segment of the tag unless `continues` is false (a restart, or
 * the tag's first points).
 */
export interface CurveTagDelta {
  /** Points the panel should already have for the tag; when it has not, it asks for all the data. */
  readonly from: number;
  readonly continues: boolean;
  readonly segments: readonly CurveSegment[];
}

export interface CurveRunDelta {
  readonly id: string;
  readonly label: string;
  readonly tags: Readonly<Record<string, CurveTagDelta>>;
}

export type XAxis = 'step' | 'relative' | 'wall';

/** What the webview keeps with setState. */
export interface ViewSettings {
  readonly smoothing: number;
  readonly log: boolean;
  readonly xAxis: XAxis;
  readonly filter: string;
}

/** What the webview keeps with setState: its settings and the model_dirs it shows. */
export interface PanelState extends ViewSettings {
  readonly roots?: readonly string[];
}

export type ToPanel =
  | { readonly type: 'data'; readonly data: CurvesData }
  | { readonly type: 'append'; readonly runs: readonly CurveRunDelta[] }
  | { readonly type: 'exportPng'; readonly tag: string; readonly requestId: number };

/** What was drawn: one entry per chart, for tests and the extension. */
export interface Rendered {
  readonly charts: readonly { readonly tag: string; readonly series: number; readonly points: number }[];
  readonly settings: ViewSettings;
  /** The state the webview saved (what a reload restores). */
  readonly state: PanelState;
}

export type FromPanel =
  | { readonly type: 'ready' }
  /** An append did not fit what the panel has (a message lost or out of order): send all the data. */
  | { readonly type: 'resync' }
  | { readonly type: 'rendered'; readonly rendered: Rendered }
  | { readonly type: 'png'; readonly tag: string; readonly dataUrl: string; readonly requestId?: number }
  | { readonly type: 'csv'; readonly tags: readonly string[] };
