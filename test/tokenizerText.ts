// A seeded generator of varied text lines for tokenizer parity tests and the benchmark: English, accents,
// CJK, Hangul, kana, emoji (with modifiers and ZWJ), control and zero-width characters, very long words,
// punctuation runs and numbers with commas. Never emits private-use or unassigned code points (Hugging Face's
// BERT normalizer drops those while the Model Garden keeps them) nor capital sigma (Python applies the
// Final_Sigma rule, Hugging Face lower-cases character by character); both are tested separately.

export { rng } from './support/random';
import { rng } from './support/random';

const WORDS = (
  'the of and to in is was for that with as on by at from his her it an were are which this be or has had ' +
  'not but first one their its new after who they have two been other also into all more time during when ' +
  'would there only year most some many over such about these where between up both however people world ' +
  'language model fine tuning tokenization encoder checkpoint transformer attention embedding unaffable ' +
  'University Garden TensorFlow BERT ALBERT ELECTRA Wikipedia London Paris Washington Google McDonald ' +
  "don't isn't we'll O'Neill e-mail state-of-the-art U.S.A. Dr. Mr. i.e. etc."
).split(' ');
const ACCENTED =
  'café naïve résumé Zürich São Paulo Ångström jalapeño façade coöperate Ærøskøbing Đặng Łódź İstanbul straße ŒUVRE Ñandú'.split(
    ' ',
  );
const SCRIPTS = [
  'Москва столица России',
  'Ελληνικά γράμματα και λέξεις',
  'العربية لغة جميلة',
  'हिन्दी भाषा में लिखा गया',
  'ภาษาไทยไม่มีช่องว่าง',
  'עברית כתובה מימין',
  'ქართული ენა',
  'Tiếng Việt có dấu',
];
const PUNCT = '!?.,;:-—–_()[]{}<>«»“”‘’\'"/\\|@#$%^&*+=~`…¿¡§¶•·';
const EMOJI = ['😀', '🎉', '👍🏽', '👨‍👩‍👧', '🇫🇷', '❤️', '🤖', '✨', '🙏🏿', '1️⃣'];
const INVISIBLE = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001f',
  '\u007f',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\t',
  '\r',
  '\u000b',
  '\u000c',
  '\u0085',
  '\u2028',
  '\u00a0',
  '\u3000',
  '\u2003',
  '\ufffd',
  '\u0301',
  '\u0308',
];

export function generateLine(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const int = (a: number, b: number) => a + Math.floor(r() * (b - a + 1));
  const parts: string[] = [];
  const n = int(1, 18);
  for (let i = 0; i < n; i++) {
    const k = r();
    let w: string;
    if (k < 0.4) {
      w = pick(WORDS);
      const c = r();
      if (c < 0.15) w = w.toUpperCase();
      else if (c < 0.3) w = w[0].toUpperCase() + w.slice(1);
    } else if (k < 0.5) w = pick(ACCENTED);
    else if (k < 0.56) w = pick(SCRIPTS);
    else if (k < 0.62) {
      const base = pick([0x4e00, 0x3040, 0x30a0, 0xac00, 0x3400, 0xf900]);
      const span =
        base === 0x4e00
          ? 0x5000
          : base === 0xac00
            ? 11000
            : base === 0x3400
              ? 0x19b0
              : base === 0xf900
                ? 0x1d0
                : 0x5f;
      w = Array.from({ length: int(1, 6) }, () => String.fromCodePoint(base + int(0, span))).join('');
    } else if (k < 0.67) w = Array.from({ length: int(1, 3) }, () => pick(EMOJI)).join(r() < 0.5 ? '' : ' ');
    else if (k < 0.73) w = pick(WORDS) + pick(INVISIBLE) + pick(WORDS);
    else if (k < 0.77) w = Array.from({ length: int(2, 8) }, () => pick(PUNCT.split(''))).join('');
    else if (k < 0.83) {
      const groups = Array.from({ length: int(1, 4) }, () => String(int(0, 999)).padStart(3, '0'));
      w =
        String(int(1, 999)) +
        (groups.length ? ',' + groups.join(',') : '') +
        (r() < 0.3 ? '.' + int(0, 99) : '') +
        (r() < 0.3 ? ',' : '');
    } else if (k < 0.85) {
      const len = pick([99, 100, 101, 199, 200, 201, 399, 400, 401, 450]);
      w = Array.from({ length: len }, () => String.fromCharCode(97 + int(0, 25))).join('');
    } else if (k < 0.88) w = pick(WORDS) + pick(PUNCT.split('')) + pick(WORDS);
    else if (k < 0.9) w = pick(INVISIBLE).repeat(int(1, 3));
    else if (k < 0.93)
      w = Array.from({ length: int(3, 12) }, () => String.fromCharCode(int(33, 126))).join('');
    else
      w = Array.from({ length: int(1, 8) }, () =>
        String.fromCodePoint(
          pick([
            0x20, 0x41, 0x61, 0xc0, 0x100, 0x180, 0x250, 0x370, 0x400, 0x530, 0x1e00, 0x2000, 0x2100, 0x2460,
            0xff01,
          ]) + int(0, 0x4f),
        ),
      )
        .filter((c) => !/[\p{Co}\p{Cn}\u03a3]/u.test(c))
        .join('');
    parts.push(w);
  }
  const seps = [' ', ' ', ' ', '  ', '\t', ' \u00a0', '\n'];
  let line = '';
  parts.forEach((p, i) => (line += (i ? pick(seps) : r() < 0.1 ? ' ' : '') + p));
  return line;
}

export function generateLines(seed: number, count: number): string[] {
  const r = rng(seed);
  return Array.from({ length: count }, () => generateLine(r));
}

/** Mostly-English prose lines (words, capitals, punctuation, numbers), the benchmark's corpus. */
export function generateEnglishLines(seed: number, chars: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const lines: string[] = [];
  let total = 0;
  while (total < chars) {
    const words: string[] = [];
    const n = 5 + Math.floor(r() * 14);
    for (let i = 0; i < n; i++) {
      let w = r() < 0.03 ? String(Math.floor(r() * 100000)).replace(/\B(?=(\d{3})+$)/g, ',') : pick(WORDS);
      if (i === 0 || r() < 0.08) w = w[0].toUpperCase() + w.slice(1);
      if (r() < 0.1) w += pick([',', '.', ';', ':', '!', '?', ')']);
      if (r() < 0.02) w = pick(ACCENTED);
      words.push(w);
    }
    const line = words.join(' ') + '.';
    lines.push(line);
    total += line.length + 1;
  }
  return lines;
}
