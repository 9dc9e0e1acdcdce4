// The Curves webview: one uPlot chart per scalar tag, one line per run and segment (a restarted job
// draws a new line rather than a line back), TensorBoard's EMA smoothing over a faint raw line,
// log scale, step / relative / wall-time x axis, and PNG/CSV export. Colours come from the theme.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { smoothEma } from '../../core/events/smooth';
import { applyDelta } from './delta';
import type { CurvesData, FromPanel, PanelState, Rendered, ToPanel, ViewSettings, XAxis } from './protocol';

interface VsCodeApi {
  postMessage(message: FromPanel): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
let settings: ViewSettings = {
  smoothing: saved?.smoothing ?? 0.6,
  log: saved?.log ?? false,
  xAxis: saved?.xAxis ?? 'step',
  filter: saved?.filter ?? '',
};
let roots: readonly string[] = saved?.roots ?? [];
const saveState = () => vscode.setState({ ...settings, roots: [...roots] });
let data: CurvesData = { runs: [] };
const charts = new Map<string, uPlot>();

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const css = (name: string, fallback: string) =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

const PALETTE = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
] as const;
const colour = (i: number) => {
  const [name, fallback] = PALETTE[i % PALETTE.length];
  return css(name, fallback);
};

/** `color` (#rgb, #rrggbb[aa] or rgb[a](…), as themes give them) at `alpha`. */
function withAlpha(color: string, alpha: number): string {
  const c = color.trim();
  let rgb: number[] | undefined;
  const hex = /^#([0-9a-f]{3,8})$/i.exec(c)?.[1];
  if (hex && (hex.length === 3 || hex.length === 4))
    rgb = [0, 1, 2].map((i) => parseInt(hex[i] + hex[i], 16));
  else if (hex && (hex.length === 6 || hex.length === 8))
    rgb = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  else {
    const m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(c);
    if (m) rgb = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return rgb ? `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, ${alpha})` : c;
}

/** High-contrast themes (dark and light) need stronger faint lines and grid. */
const highContrast = () => (document.body.dataset.vscodeThemeKind ?? '').includes('high-contrast');

function tags(): string[] {
  const all = new Set<string>();
  for (const r of data.runs) for (const t of Object.keys(r.tags)) all.add(t);
  let re: RegExp | undefined;
  try {
    re = settings.filter ? new RegExp(settings.filter, 'i') : undefined;
  } catch {
    re = undefined;
  }
  return [...all].filter((t) => !re || re.test(t)).sort();
}

/** x, then for each line its y values aligned to x (null where the line has no point). */
function chartData(tag: string): { aligned: uPlot.AlignedData; series: uPlot.Series[]; points: number } {
  const lines: { label: string; color: string; xs: number[]; ys: number[]; raw: boolean }[] = [];
  let points = 0;
  data.runs.forEach((run, r) => {
    const segments = run.tags[tag];
    if (!segments) return;
    const start = Math.min(...segments.map((s) => s.wallTimes[0] ?? Infinity));
    segments.forEach((seg, s) => {
      points += seg.values.length;
      const xs = seg.steps.map((step, i) =>
        settings.xAxis === 'step'
          ? step
          : settings.xAxis === 'wall'
            ? seg.wallTimes[i]
            : (seg.wallTimes[i] - start) / 3600,
      );
      const label =
        segments.length > 1 ? `${run.label} (${s === 0 ? 'first run' : `restart ${s}`})` : run.label;
      const color = colour(r);
      const values = seg.values.map((v) => (settings.log && !(v > 0) ? NaN : v));
      if (settings.smoothing > 0) {
        lines.push({
          label: `${label} raw`,
          color: withAlpha(color, highContrast() ? 0.5 : 0.35),
          xs,
          ys: values,
          raw: true,
        });
        lines.push({ label, color, xs, ys: smoothEma(values, settings.smoothing), raw: false });
      } else lines.push({ label, color, xs, ys: values, raw: false });
    });
  });
  const xSet = [...new Set(lines.flatMap((l) => l.xs))].sort((a, b) => a - b);
  const index = new Map(xSet.map((x, i) => [x, i]));
  const aligned: (number | null)[][] = [xSet];
  const series: uPlot.Series[] = [
    { label: settings.xAxis === 'step' ? 'step' : settings.xAxis === 'wall' ? 'time' : 'hours' },
  ];
  for (const l of lines) {
    const ys = new Array<number | null>(xSet.length).fill(null);
    l.xs.forEach((x, i) => {
      const y = l.ys[i];
      ys[index.get(x)!] = Number.isFinite(y) ? y : null;
    });
    aligned.push(ys);
    series.push({
      label: l.label,
      stroke: l.color,
      width: l.raw ? 1 : 2,
      spanGaps: true,
      points: { show: false },
      show: true,
    });
  }
  return { aligned: aligned as uPlot.AlignedData, series, points };
}

function options(tag: string, series: uPlot.Series[], width: number): uPlot.Options {
  // Grid and ticks in the theme's foreground, faint: neutral in every theme. (A border colour is
  // no good: in Light High Contrast it is the very colour of the charts' second series.)
  const fg = css('--vscode-foreground', '#cccccc');
  const hc = highContrast();
  const axis: uPlot.Axis = {
    stroke: fg,
    grid: { stroke: withAlpha(fg, hc ? 0.3 : 0.13), width: 1 },
    ticks: { stroke: withAlpha(fg, hc ? 0.6 : 0.3), width: 1 },
  };
  const tick = (v: number) => {
    if (v === 0) return '0';
    const a = Math.abs(v);
    return a < 1e-3 || a >= 1e5 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
  };
  const yAxis: uPlot.Axis = { ...axis, size: 64, values: (_u, values) => values.map(tick) };
  return {
    title: tag,
    width,
    height: 240,
    series,
    scales: { x: { time: settings.xAxis === 'wall' }, y: { distr: settings.log ? 3 : 1 } },
    axes: [axis, yAxis],
    // A compact legend of our own (one entry per line, without the faint raw lines).
    legend: { show: false },
    cursor: { drag: { x: true, y: false } },
  };
}

function legend(card: HTMLElement, series: uPlot.Series[]): void {
  let box = card.querySelector<HTMLElement>('.legend');
  if (!box) {
    box = document.createElement('div');
    box.className = 'legend';
  }
  // Under the chart, also when the chart was built again (a new chart is appended to the card).
  card.append(box);
  box.replaceChildren(
    ...series
      .slice(1)
      .filter((s) => !String(s.label).endsWith(' raw'))
      .map((s) => {
        const entry = document.createElement('span');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = String(s.stroke);
        entry.append(swatch, document.createTextNode(String(s.label)));
        return entry;
      }),
  );
}

/** The theme's colours as the charts use them: when they change, the canvases are drawn again. */
let drawnTheme = '';
const themeKey = () =>
  [
    document.body.dataset.vscodeThemeKind,
    '--vscode-foreground',
    '--vscode-editor-background',
    ...PALETTE.map(([name]) => name),
  ]
    .map((n) => (n && n.startsWith('--') ? css(n, '') : n))
    .join('|');

/** Canvases keep the colours they were drawn with: after a theme change, build the charts again. */
function redrawForTheme(): void {
  if (themeKey() === drawnTheme) return;
  for (const chart of charts.values()) chart.destroy();
  charts.clear();
  render();
}

function render(): void {
  const container = $('charts');
  const wanted = tags();
  for (const [tag, chart] of charts) {
    if (!wanted.includes(tag)) {
      chart.destroy();
      charts.delete(tag);
      document.querySelector(`[data-tag="${CSS.escape(tag)}"]`)?.remove();
    }
  }
  const rendered: Rendered['charts'][number][] = [];
  for (const tag of wanted) {
    const { aligned, series, points } = chartData(tag);
    let card = container.querySelector<HTMLElement>(`[data-tag="${CSS.escape(tag)}"]`);
    if (!card) {
      card = document.createElement('section');
      card.className = 'card';
      card.dataset.tag = tag;
      const tools = document.createElement('div');
      tools.className = 'tools';
      tools.innerHTML = '<button data-action="png" title="Save this chart as PNG">PNG</button>';
      card.append(tools);
      container.append(card);
    }
    const width = Math.max(300, card.clientWidth - 16);
    const old = charts.get(tag);
    // uPlot cannot change its series or scales in place: rebuild when they change, else only set the data.
    if (
      old &&
      old.series.length === series.length &&
      old.series.every((s, i) => s.label === series[i].label) &&
      (old as unknown as { _settings: string })._settings === JSON.stringify(settings)
    ) {
      old.setData(aligned);
    } else {
      old?.destroy();
      const chart = new uPlot(options(tag, series, width), aligned, card);
      (chart as unknown as { _settings: string })._settings = JSON.stringify(settings);
      charts.set(tag, chart);
    }
    legend(card, series);
    rendered.push({ tag, series: series.length - 1, points });
  }
  const order = wanted.map((t) => container.querySelector(`[data-tag="${CSS.escape(t)}"]`)!);
  // The theme the charts were drawn in (VS Code sets the kind on the body), for tests and rebuilds.
  drawnTheme = themeKey();
  document.body.dataset.drawnTheme = document.body.dataset.vscodeThemeKind ?? '';
  for (const el of order) container.append(el);
  $('empty').hidden = wanted.length > 0;
  $('empty').textContent = data.runs.length
    ? 'No scalar matches the filter.'
    : 'No scalars yet: waiting for the job to write events.';
  document.body.dataset.ready = wanted.length ? 'charts' : 'empty';
  document.body.dataset.points = String(rendered.reduce((n, c) => n + c.points, 0));
  vscode.postMessage({
    type: 'rendered',
    rendered: { charts: rendered, settings, state: { ...settings, roots: [...roots] } },
  });
}

function png(tag: string): string | undefined {
  const chart = charts.get(tag);
  if (!chart) return undefined;
  const source = chart.ctx.canvas;
  const title = 28;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height + title;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = css('--vscode-editor-background', '#1e1e1e');
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = css('--vscode-foreground', '#cccccc');
  ctx.font = `bold ${14 * devicePixelRatio}px ${css('--vscode-font-family', 'sans-serif')}`;
  ctx.fillText(tag, 8, title - 8);
  ctx.drawImage(source, 0, title);
  return canvas.toDataURL('image/png');
}

function updateSettings(change: Partial<ViewSettings>): void {
  settings = { ...settings, ...change };
  saveState();
  render();
}

function init(): void {
  const smoothing = $<HTMLInputElement>('smoothing');
  const smoothingValue = $('smoothing-value');
  smoothing.value = String(settings.smoothing);
  smoothingValue.textContent = settings.smoothing.toFixed(2);
  smoothing.addEventListener('input', () => {
    smoothingValue.textContent = Number(smoothing.value).toFixed(2);
    updateSettings({ smoothing: Number(smoothing.value) });
  });
  const log = $<HTMLInputElement>('log');
  log.checked = settings.log;
  log.addEventListener('change', () => updateSettings({ log: log.checked }));
  const xAxis = $<HTMLSelectElement>('x-axis');
  xAxis.value = settings.xAxis;
  xAxis.addEventListener('change', () => updateSettings({ xAxis: xAxis.value as XAxis }));
  const filter = $<HTMLInputElement>('filter');
  filter.value = settings.filter;
  filter.addEventListener('input', () => updateSettings({ filter: filter.value }));
  $('csv').addEventListener('click', () => vscode.postMessage({ type: 'csv', tags: tags() }));
  $('charts').addEventListener('click', (e) => {
    const button = (e.target as HTMLElement).closest<HTMLElement>('[data-action="png"]');
    const tag = button?.closest<HTMLElement>('[data-tag]')?.dataset.tag;
    const url = tag ? png(tag) : undefined;
    if (tag && url) vscode.postMessage({ type: 'png', tag, dataUrl: url });
  });
  new ResizeObserver(() => {
    for (const [tag, chart] of charts) {
      const card = document.querySelector<HTMLElement>(`[data-tag="${CSS.escape(tag)}"]`);
      if (card) chart.setSize({ width: Math.max(300, card.clientWidth - 16), height: 240 });
    }
  }).observe($('charts'));
  // VS Code changes the body's class and the root's CSS variables when the theme changes.
  let themeFrame = 0;
  const themeObserver = new MutationObserver(() => {
    cancelAnimationFrame(themeFrame);
    themeFrame = requestAnimationFrame(redrawForTheme);
  });
  themeObserver.observe(document.body, {
    attributes: true,
    attributeFilter: ['class', 'data-vscode-theme-kind'],
  });
  themeObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  window.addEventListener('message', (event: MessageEvent<ToPanel>) => {
    const m = event.data;
    if (m.type === 'data') {
      data = m.data;
      if (m.data.roots) {
        roots = m.data.roots;
        saveState();
      }
      render();
      if (m.data.focusTag)
        document.querySelector(`[data-tag="${CSS.escape(m.data.focusTag)}"]`)?.scrollIntoView();
    } else if (m.type === 'append') {
      const next = applyDelta(data, m.runs);
      if (next) {
        data = next;
        render();
      } else vscode.postMessage({ type: 'resync' });
    } else if (m.type === 'exportPng') {
      const url = png(m.tag);
      if (url) vscode.postMessage({ type: 'png', tag: m.tag, dataUrl: url, requestId: m.requestId });
    }
  });
  vscode.postMessage({ type: 'ready' });
}

init();
