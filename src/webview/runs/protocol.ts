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
  /** A tag to scroll to (the one clicked in the Training Runs view). */
  readonly focusTag?: string;
}

export type XAxis = 'step' | 'relative' | 'wall';

/** What the webview keeps with setState. */
export interface ViewSettings {
  readonly smoothing: number;
  readonly log: boolean;
  readonly xAxis: XAxis;
  readonly filter: string;
}

export type ToPanel =
  | { readonly type: 'data'; readonly data: CurvesData }
  | { readonly type: 'exportPng'; readonly tag: string; readonly requestId: number };

/** What was drawn: one entry per chart, for tests and the extension. */
export interface Rendered {
  readonly charts: readonly { readonly tag: string; readonly series: number; readonly points: number }[];
  readonly settings: ViewSettings;
}

export type FromPanel =
  | { readonly type: 'ready' }
  | { readonly type: 'rendered'; readonly rendered: Rendered }
  | { readonly type: 'png'; readonly tag: string; readonly dataUrl: string; readonly requestId?: number }
  | { readonly type: 'csv'; readonly tags: readonly string[] };
