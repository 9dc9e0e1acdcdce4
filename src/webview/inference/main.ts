// The "Run Model on Selection" webview: renders the PanelState the extension sends, keeps it with
// setState (restored after a reload), and reports clicks back. Keyboard: every control is a button,
// a text field or a tab header (arrow keys move between tabs).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { FromPanel, PanelCandidate, PanelState, TabName, ToPanel } from './protocol';

interface VsCodeApi {
  postMessage(message: FromPanel): void;
  getState(): PanelState | undefined;
  setState(state: PanelState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const TABS: TabName[] = ['fill-mask', 'embedding', 'attention', 'heads'];
let state: PanelState = vscode.getState() ?? {};

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
const $ = (id: string) => document.getElementById(id)!;
/** Fill-Mask shows this many candidates. */
const SHOWN = 10;

/** Rows of bars, each scaled to the largest value shown (so small probabilities stay comparable), value printed. */
function barsHtml(
  label: string,
  rows: readonly { name: string; prob: number }[],
  nameClass = 'cand',
): string {
  const top = Math.max(...rows.map((r) => r.prob), 1e-12);
  return (
    `<table class="bars" aria-label="${esc(label)}">` +
    rows
      .map(
        (r) =>
          `<tr><td class="${nameClass}">${esc(r.name)}</td><td class="bar"><span data-w="${((r.prob / top) * 100).toFixed(1)}"></span></td><td class="num">${pct(r.prob)}</td></tr>`,
      )
      .join('') +
    '</table>'
  );
}

/** The lowest and highest value, for a colour scale relative to what is shown. */
function range(values: readonly number[]): { min: number; max: number; flat: boolean } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, flat: !(max - min > 1e-6) };
}

function legendHtml(r: { min: number; max: number; flat: boolean }, ramp: string, what: string): string {
  // Enough decimals that the two ends differ, however narrow the range.
  const digits = r.flat ? 3 : Math.min(8, Math.max(3, Math.ceil(-Math.log10(r.max - r.min)) + 1));
  return r.flat
    ? `<p class="legend" role="note">Every ${what} has the same value (${r.min.toFixed(3)}): the colours carry no contrast.</p>`
    : `<p class="legend" role="note"><span>${r.min.toFixed(digits)}</span><span class="ramp ${ramp}" aria-hidden="true"></span><span>${r.max.toFixed(digits)}</span><span class="hint">the stronger the colour, the higher the ${what}; the scale runs from the lowest to the highest value shown</span></p>`;
}

const scaled = (v: number, r: { min: number; max: number; flat: boolean }) =>
  r.flat ? 0.5 : (v - r.min) / (r.max - r.min);
const tabsElement = () => document.querySelector('vscode-tabs')!;

function tokensHtml(): string {
  const tokens = state.tokens ?? [];
  const tags = new Map((state.heads?.tags ?? []).map((t) => [t.position, t]));
  const rtd = new Map((state.heads?.rtd ?? []).map((r) => [r.position, r.replaced]));
  const masks = new Set(state.maskPositions ?? []);
  return tokens
    .map((t, i) => {
      const replaced = rtd.get(i);
      const tag = tags.get(i);
      const style = replaced !== undefined ? ` data-replaced="${replaced.toFixed(3)}"` : '';
      // As the inline tokenization view draws them: alternating colours, unknown pieces red, continuations marked.
      const unknown = t.piece === '[UNK]' || t.piece === '<unk>';
      const cls = [
        'token',
        i % 2 ? 'alt' : '',
        unknown ? 'unk' : '',
        t.piece.startsWith('##') ? 'cont' : '',
        t.special ? 'special' : '',
        masks.has(i) ? 'masked' : '',
        t.segment ? 'pair' : '',
        replaced !== undefined ? 'rtd' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const title = [
        `id ${t.id}`,
        tag ? `${tag.label} ${pct(tag.prob)}` : '',
        replaced !== undefined ? `replaced ${pct(replaced)}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      const label = esc(t.piece) + (tag ? `<span class="tag">${esc(tag.label)}</span>` : '');
      return t.special
        ? `<span class="${cls}" title="${title}">${label}</span>`
        : `<button class="${cls}" data-action="mask" data-position="${i}" title="${title} — mask this token"${style}>${label}</button>`;
    })
    .join('');
}

function fillMaskHtml(): string {
  const answers = state.fillMask ?? [];
  if (!state.model) return '<p class="hint">Choose a model to see the candidates for a [MASK].</p>';
  if (!state.model.heads.includes('maskedLm'))
    return '<p class="hint">This checkpoint has no masked-LM head, so it cannot fill in [MASK].</p>';
  if (answers.length === 0)
    return '<p class="hint">Type [MASK] in the selection, or click a token to mask it.</p>';
  const showSpecial = state.showSpecial === true;
  const toggle = `<label class="option"><input type="checkbox" id="show-special" data-action="show-special"${showSpecial ? ' checked' : ''}> Show special tokens ([UNK], [SEP], [MASK], …)</label>`;
  return (
    toggle +
    answers
      .map((a) => {
        const kept = a.candidates.filter((c: PanelCandidate) => showSpecial || !c.special).slice(0, SHOWN);
        const hidden = a.candidates.slice(0, SHOWN).filter((c) => c.special).length;
        return (
          `<h3>Position ${a.position}</h3>` +
          barsHtml(
            `Candidates for position ${a.position}`,
            kept.map((c) => ({ name: c.token, prob: c.prob })),
          ) +
          (!showSpecial && hidden > 0
            ? `<p class="hint">${hidden} special token${hidden > 1 ? 's' : ''} left out of the top ${SHOWN}.</p>`
            : '')
        );
      })
      .join('')
  );
}

function embeddingHtml(): string {
  const e = state.embedding;
  if (!e) return state.model ? '' : '<p class="hint">Choose a model to see the pooled vector.</p>';
  const head = (e.pooled ?? [])
    .slice(0, 16)
    .map((v) => v.toFixed(4))
    .join(', ');
  const compare = e.compare
    ? `<p>Compared with “${esc(e.compare.text.slice(0, 120))}”: cosine ${e.compare.cosinePooled !== undefined ? `pooled <b>${e.compare.cosinePooled.toFixed(4)}</b>, ` : ''}mean of tokens <b>${e.compare.cosineMean.toFixed(4)}</b></p>`
    : '';
  return `<p>${e.pooled ? `Pooled output (${e.dims} values, L2 norm ${e.norm.toFixed(4)}): [${head}${e.dims > 16 ? ', …' : ''}]` : 'No pooler in this checkpoint.'}</p>
    <vscode-button data-action="compare" secondary>Compare with…</vscode-button>${compare}`;
}

function attentionHtml(): string {
  const a = state.attention;
  if (!state.model) return '<p class="hint">Choose a model to see its attention.</p>';
  if (!a) return '<p class="hint">Attention maps are shown for up to 128 tokens.</p>';
  const focusRange = range(a.focus);
  let grid = '<table class="heat" aria-label="Attention focus by layer and head"><tr><th></th>';
  for (let h = 0; h < a.heads; h++) grid += `<th>h${h}</th>`;
  grid += '</tr>';
  for (let l = 0; l < a.layers; l++) {
    grid += `<tr><th>L${l}</th>`;
    for (let h = 0; h < a.heads; h++) {
      const v = a.focus[l * a.heads + h]!;
      const sel = a.selected && a.selected.layer === l && a.selected.head === h ? ' selected' : '';
      grid += `<td><button class="cell${sel}" data-v="${scaled(v, focusRange).toFixed(3)}" data-action="head" data-layer="${l}" data-head="${h}" title="layer ${l}, head ${h}: focus ${v.toFixed(3)}"></button></td>`;
    }
    grid += '</tr>';
  }
  grid += '</table>';
  let map = '';
  const s = a.selected;
  if (s) {
    const tokens = state.tokens ?? [];
    const mapRange = range(s.map);
    map = `<h3>Layer ${s.layer}, head ${s.head}: rows attend to columns</h3>${legendHtml(mapRange, 'orange', 'attention weight')}<table class="map"><tr><th></th>${tokens
      .slice(0, s.length)
      .map((t) => `<th class="col">${esc(t.piece)}</th>`)
      .join('')}</tr>`;
    for (let i = 0; i < s.length; i++) {
      map += `<tr><th>${esc(tokens[i]?.piece ?? '')}</th>`;
      for (let j = 0; j < s.length; j++) {
        const v = s.map[i * s.length + j]!;
        map += `<td data-v="${scaled(v, mapRange).toFixed(3)}" title="${esc(tokens[i]?.piece ?? '')} → ${esc(tokens[j]?.piece ?? '')}: ${pct(v)}"></td>`;
      }
      map += '</tr>';
    }
    map += '</table>';
  }
  return `<p class="hint">Each cell is one head of one layer: how focused it is (the mean over tokens of its largest attention weight). Choose a cell for its token-to-token map.</p>${legendHtml(focusRange, 'blue', 'focus')}${grid}${map}`;
}

function headsHtml(): string {
  const h = state.heads ?? {};
  if (!state.model) return '<p class="hint">Choose a model to see its task heads.</p>';
  const parts: string[] = [];
  if (h.classify) {
    parts.push(
      '<h3>Classifier</h3>' +
        barsHtml(
          'Classifier probabilities',
          h.classify.map((c) => ({ name: c.label, prob: c.prob })),
        ),
    );
  }
  if (state.model?.heads.includes('span')) {
    const q = h.squad;
    parts.push(
      `<h3>SQuAD</h3><vscode-textfield id="question" placeholder="Question about the selection" value="${esc(q?.question ?? '')}"></vscode-textfield>
       <vscode-button data-action="answer">Answer</vscode-button>` +
        (q?.answer !== undefined
          ? `<p>Answer: <b>${esc(q.answer)}</b> (score ${q.score?.toFixed(3)})</p>`
          : ''),
    );
  }
  const ns = h.nextSentence;
  if (ns) {
    parts.push(
      `<h3>Next sentence</h3><p class="hint">Does the second part follow the first? The selection is split at its first blank line, else after its first sentence.</p>` +
        `<p class="pair"><span class="segment">${esc(ns.first)}</span> → <span class="segment">${esc(ns.second)}</span></p>` +
        barsHtml('Next-sentence probabilities', [
          { name: 'IsNext', prob: ns.isNext },
          { name: 'NotNext', prob: 1 - ns.isNext },
        ]),
    );
  } else if (state.model.heads.includes('nextSentence')) {
    parts.push(
      '<h3>Next sentence</h3><p class="hint">This checkpoint has a next-sentence head: select two sentences (or two paragraphs) to see whether the second follows the first.</p>',
    );
  }
  if (h.tags) parts.push('<p class="hint">Tags are shown under each token above.</p>');
  if (h.rtd)
    parts.push(
      '<p class="hint">Replaced-token probability is drawn on the tokens above (red = likely replaced).</p>',
    );
  return (
    parts.join('') ||
    '<p class="hint">This checkpoint has no task heads (classifier, SQuAD, tagging, ELECTRA discriminator).</p>'
  );
}

/** The CSP allows no inline style attributes: sizes and colours are set through the CSSOM. */
function applyStyles(): void {
  document.querySelectorAll<HTMLElement>('[data-w]').forEach((el) => (el.style.width = `${el.dataset.w}%`));
  document
    .querySelectorAll<HTMLElement>('[data-v]')
    .forEach((el) => el.style.setProperty('--v', el.dataset.v!));
  document
    .querySelectorAll<HTMLElement>('[data-replaced]')
    .forEach((el) => el.style.setProperty('--replaced', el.dataset.replaced!));
}

/** First run: the checkpoints on this machine, the catalog, and Browse. */
function choicesHtml(): string {
  const choices = state.choices ?? [];
  const list = choices.length
    ? `<ul class="choices">${choices
        .map(
          (c) =>
            `<li><vscode-button data-action="use" data-path="${esc(c.path)}" secondary>${esc(c.label)}</vscode-button> <span class="hint">${esc(c.description)}</span></li>`,
        )
        .join('')}</ul>`
    : '<p class="hint">No checkpoint was found in the workspace or the model cache.</p>';
  return (
    '<h2>Choose a model to run on the selection</h2>' +
    (choices.length ? '<p>Checkpoints on this machine:</p>' : '') +
    list +
    '<p><vscode-button data-action="download">Download a Catalog Model…</vscode-button> ' +
    '<vscode-button data-action="pick" secondary>Browse for a Checkpoint…</vscode-button></p>' +
    '<p class="hint">Catalog checkpoints are hundreds of MB to a few GB; the panel runs the encoder on this machine.</p>'
  );
}

function render(): void {
  const m = state.model;
  $('model').textContent = m ? `${m.label} — ${m.backend}` : 'No model loaded';
  $('backend-warning').hidden = !m?.backendWarning;
  $('backend-warning').textContent = m?.backendWarning ? `⚠ ${m.backendWarning}` : '';
  $('backend-skipped').hidden = !m?.backendSkipped;
  $('backend-skipped').textContent = m?.backendSkipped ?? '';
  const busy = state.busy;
  $('busy').hidden = !busy;
  $('busy-text').textContent = busy
    ? `${busy.message}${busy.total ? ` (${busy.done ?? 0}/${busy.total})` : ''}`
    : '';
  $('error').hidden = !state.error;
  $('error').innerHTML = state.error
    ? `<p class="summary">${esc(state.error)}</p>` +
      (state.errorAction ? `<p class="action">${esc(state.errorAction)}</p>` : '') +
      (state.errorDetail && state.errorDetail !== state.error
        ? `<details><summary>Details</summary><code>${esc(state.errorDetail)}</code></details>`
        : '')
    : '';
  $('choices').hidden = !!m || !state.choices;
  $('choices').innerHTML = choicesHtml();
  $('tokens').innerHTML = tokensHtml();
  $('meta').textContent = state.tokens
    ? `${state.tokens.length} tokens${state.truncated ? ' (truncated)' : ''}${state.ms !== undefined ? ` · ${state.ms.toFixed(0)} ms` : ''}`
    : '';
  $('panel-fill-mask').innerHTML = fillMaskHtml();
  $('panel-embedding').innerHTML = embeddingHtml();
  $('panel-attention').innerHTML = attentionHtml();
  $('panel-heads').innerHTML = headsHtml();
  applyStyles();
  const tabs = tabsElement() as HTMLElement & { selectedIndex: number };
  const index = TABS.indexOf(state.tab ?? 'fill-mask');
  if (tabs.selectedIndex !== index) tabs.selectedIndex = index;
  document.body.dataset.ready = state.tokens ? 'result' : 'empty';
}

function setState(next: PanelState): void {
  state = next;
  vscode.setState(state);
  render();
}

window.addEventListener('message', (event: MessageEvent<ToPanel>) => {
  const message = event.data;
  if (message.type === 'state') setState(message.state);
  else if (message.type === 'busy') setState({ ...state, busy: message.busy });
});

document.addEventListener('click', (event) => {
  const target = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!target) return;
  const action = target.dataset.action;
  if (action === 'mask') vscode.postMessage({ type: 'maskToken', position: Number(target.dataset.position) });
  else if (action === 'head') {
    vscode.postMessage({
      type: 'selectHead',
      layer: Number(target.dataset.layer),
      head: Number(target.dataset.head),
    });
  } else if (action === 'compare') vscode.postMessage({ type: 'compare' });
  else if (action === 'answer') {
    const field = document.getElementById('question') as HTMLInputElement | null;
    vscode.postMessage({ type: 'answer', question: field?.value ?? '' });
  } else if (action === 'pick') vscode.postMessage({ type: 'pickModel' });
  else if (action === 'use') vscode.postMessage({ type: 'useModel', path: target.dataset.path ?? '' });
  else if (action === 'download') vscode.postMessage({ type: 'downloadModel' });
  else if (action === 'show-special') {
    const value = (target as HTMLInputElement).checked;
    setState({ ...state, showSpecial: value });
    vscode.postMessage({ type: 'showSpecial', value });
  } else if (action === 'cancel') vscode.postMessage({ type: 'cancel' });
  else if (action === 'rerun') vscode.postMessage({ type: 'rerun' });
});

document.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (event.key === 'Enter' && target.id === 'question') {
    vscode.postMessage({ type: 'answer', question: (target as HTMLInputElement).value });
  }
});

tabsElement().addEventListener('vsc-tabs-select', (event) => {
  const index = (event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
  const tab = TABS[index] ?? 'fill-mask';
  if (tab !== state.tab) {
    state = { ...state, tab };
    vscode.setState(state);
    vscode.postMessage({ type: 'tab', tab });
  }
});

render();
vscode.postMessage({ type: 'ready', state: vscode.getState() });
