// The "Run Model on Selection" webview: renders the PanelState the extension sends, keeps it with
// setState (restored after a reload), and reports clicks back. Keyboard: every control is a button,
// a text field or a tab header (arrow keys move between tabs).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { FromPanel, PanelState, TabName, ToPanel } from './protocol';

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
  if (!state.model?.heads.includes('maskedLm'))
    return '<p class="hint">This checkpoint has no masked-LM head.</p>';
  if (answers.length === 0)
    return '<p class="hint">Type [MASK] in the selection, or click a token to mask it.</p>';
  return answers
    .map(
      (a) =>
        `<h3>Position ${a.position}</h3><table class="bars" aria-label="Candidates for position ${a.position}">` +
        a.candidates
          .map(
            (c) =>
              `<tr><td class="cand">${esc(c.token)}</td><td class="bar"><span data-w="${(c.prob * 100).toFixed(1)}"></span></td><td class="num">${pct(c.prob)}</td></tr>`,
          )
          .join('') +
        '</table>',
    )
    .join('');
}

function embeddingHtml(): string {
  const e = state.embedding;
  if (!e) return '';
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
  if (!a) return '<p class="hint">Attention maps are shown for up to 128 tokens.</p>';
  let grid = '<table class="heat" aria-label="Attention focus by layer and head"><tr><th></th>';
  for (let h = 0; h < a.heads; h++) grid += `<th>h${h}</th>`;
  grid += '</tr>';
  for (let l = 0; l < a.layers; l++) {
    grid += `<tr><th>L${l}</th>`;
    for (let h = 0; h < a.heads; h++) {
      const v = a.focus[l * a.heads + h]!;
      const sel = a.selected && a.selected.layer === l && a.selected.head === h ? ' selected' : '';
      grid += `<td><button class="cell${sel}" data-v="${v.toFixed(3)}" data-action="head" data-layer="${l}" data-head="${h}" title="layer ${l}, head ${h}: focus ${v.toFixed(3)}"></button></td>`;
    }
    grid += '</tr>';
  }
  grid += '</table>';
  let map = '';
  const s = a.selected;
  if (s) {
    const tokens = state.tokens ?? [];
    map = `<h3>Layer ${s.layer}, head ${s.head}: rows attend to columns</h3><table class="map"><tr><th></th>${tokens
      .slice(0, s.length)
      .map((t) => `<th class="col">${esc(t.piece)}</th>`)
      .join('')}</tr>`;
    for (let i = 0; i < s.length; i++) {
      map += `<tr><th>${esc(tokens[i]?.piece ?? '')}</th>`;
      for (let j = 0; j < s.length; j++) {
        const v = s.map[i * s.length + j]!;
        map += `<td data-v="${v.toFixed(3)}" title="${pct(v)}"></td>`;
      }
      map += '</tr>';
    }
    map += '</table>';
  }
  return `<p class="hint">Each cell: mean over tokens of the largest attention weight (darker = more focused). Choose a cell for its token-to-token map.</p>${grid}${map}`;
}

function headsHtml(): string {
  const h = state.heads ?? {};
  const parts: string[] = [];
  if (h.classify) {
    parts.push(
      '<h3>Classifier</h3><table class="bars">' +
        h.classify
          .map(
            (c) =>
              `<tr><td class="cand">${esc(c.label)}</td><td class="bar"><span data-w="${(c.prob * 100).toFixed(1)}"></span></td><td class="num">${pct(c.prob)}</td></tr>`,
          )
          .join('') +
        '</table>',
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
  if (h.nextSentence !== undefined) parts.push(`<p>Next sentence: ${pct(h.nextSentence)}</p>`);
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

function render(): void {
  const m = state.model;
  $('model').textContent = m ? `${m.label} — ${m.backend}` : 'No model chosen';
  $('backend-warning').hidden = !m?.backendWarning;
  $('backend-warning').textContent = m?.backendWarning ? `⚠ ${m.backendWarning}` : '';
  const busy = state.busy;
  $('busy').hidden = !busy;
  $('busy-text').textContent = busy
    ? `${busy.message}${busy.total ? ` (${busy.done ?? 0}/${busy.total})` : ''}`
    : '';
  $('error').hidden = !state.error;
  $('error').textContent = state.error ?? '';
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
  else if (action === 'cancel') vscode.postMessage({ type: 'cancel' });
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
