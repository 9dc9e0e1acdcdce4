// A deterministic corpus of `--params_override` strings: keys (nested, odd, YAML words), spacing,
// values (numbers, booleans, None/null, quotes, lists, mappings, unicode, paths, URLs, shell
// metacharacters) and joins (commas, spaces, trailing commas). Seeded, so every run is the same.

const KEYS = [
  'task.init_checkpoint',
  'task.model.encoder.bert.num_layers',
  'runtime.distribution_strategy',
  'trainer.optimizer_config.learning_rate.polynomial.initial_learning_rate',
  'task.class_names',
  'a',
  'a.b',
  'a.b.c',
  'x1',
  'x_y',
  'A.B',
  'a.b1.c2',
  'on',
  'yes.no',
  'a.on',
  'a.null',
  'True.x',
  '_a',
  '1a',
  'a-b',
  'a..b',
  'a.',
  'a.1',
  'a[0]',
  'a[1]',
  'b.c[0]',
  'é',
  'aé.b',
  'a b',
  ' a',
  '',
];
const SEPARATORS = ['=', '=', '=', ' = ', '= ', ' =', '==', ':'];
const VALUES = [
  '1',
  '0',
  '-3',
  '+4',
  '007',
  '0x1f',
  '0o17',
  '1_000',
  '1.5',
  '.5',
  '1.',
  '1e-5',
  '1E5',
  '-2.5e+3',
  '1.0e5',
  '.inf',
  '-.inf',
  '.nan',
  'inf',
  'nan',
  '1:30',
  '190:20:30',
  'true',
  'True',
  'TRUE',
  'false',
  'on',
  'off',
  'yes',
  'no',
  'y',
  'n',
  'None',
  'null',
  'Null',
  '~',
  '',
  'gs://bucket/path/model.ckpt',
  'gs://b/p-1',
  '/abs/path/bert_model.ckpt',
  '/tmp/a b/c',
  's3://bucket/x',
  'sentence',
  'glue',
  ':colon',
  'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
  'C:\\models\\bert_model.ckpt',
  'relative/path.yaml',
  'mirrored',
  'one_device',
  "'quoted'",
  "'a,b'",
  "'it''s'",
  "'it's'",
  "''",
  '"double"',
  '"a,b"',
  '"esc\\"aped"',
  '"tab\\there"',
  '""',
  "'unterminated",
  '"unterminated',
  '[1,2,3]',
  '[a, b]',
  "['x','y']",
  '[]',
  '[1,[2]]',
  '[a,b',
  'a]',
  '{a: 1}',
  '{}',
  '{a: {b: 2}}',
  'a: b',
  'a:b',
  '- x',
  '---',
  '...',
  '@at',
  '`cmd`',
  '$HOME',
  '${VAR}',
  '$(ls)',
  'a;b',
  'a|b',
  'a&b',
  'a>b',
  '*.tfrecord',
  'x?',
  '!bang',
  '!!str 5',
  '!!int 5',
  '!!python/tuple [1,2]',
  '&anchor x',
  '*alias',
  '#comment',
  'a #b',
  'a#b',
  '%pct',
  '^caret',
  '\\a1',
  '\\x5',
  'back\\slash',
  'é',
  '日本語',
  'naïve',
  '😀',
  'Ünïcödé',
  'tab\there',
  ' spaced ',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '<<',
  '=',
  'a=b',
  'x,y',
];
const JOINS = [',', ',', ',', ', ', ',  ', ' ,', ',\t', ''];

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` strings (plus every value alone after a plain key), the same for the same seed. */
export function overrideCorpus(count: number, seed = 20261130): string[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const corpus = new Set<string>();
  for (const value of VALUES) corpus.add(`task.x=${value}`);
  for (const key of KEYS) corpus.add(`${key}=1`);
  while (corpus.size < count) {
    const pairs = 1 + Math.floor(next() * 4);
    let text = '';
    for (let i = 0; i < pairs; i++) {
      // Mostly well-formed keys and separators, so that value typing is exercised too.
      const key = next() < 0.8 ? pick(KEYS.slice(0, 12)) : pick(KEYS);
      const separator = next() < 0.85 ? '=' : pick(SEPARATORS);
      if (i > 0) text += next() < 0.9 ? ',' : pick(JOINS);
      text += key + separator + pick(VALUES);
    }
    if (next() < 0.03) text += ',';
    if (next() < 0.02) text = ' ' + text;
    corpus.add(text);
  }
  return [...corpus];
}
