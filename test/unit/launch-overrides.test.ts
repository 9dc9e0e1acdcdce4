import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatOverrides,
  formatValue,
  OverrideFormatError,
  overridesToObject,
  parseOverrideArgument,
  parseOverrides,
  type Override,
} from '../../src/core/launch';
import { skipBecause } from '../fixtures';
import { referenceParse, type ReferenceResult } from '../paramsOverrideReference';

function values(text: string): Record<string, unknown> {
  const parsed = parseOverrides(text);
  assert.equal(parsed.error, undefined, `unexpected error in ${text}: ${parsed.error?.message}`);
  return overridesToObject(parsed.pairs);
}

/** The Python reference's reading as an object, or undefined when python3/PyYAML is missing. */
function reference(texts: string[]): ReferenceResult[] | undefined {
  return referenceParse(texts);
}

describe('launch: --params_override grammar', () => {
  it('reads the documented train.md override string', () => {
    assert.deepEqual(
      values(
        'runtime.distribution_strategy=mirrored,task.train_data.input_path=/path-to-your-training-data/,task.hub_module_url=https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
      ),
      {
        'runtime.distribution_strategy': 'mirrored',
        'task.train_data.input_path': '/path-to-your-training-data/',
        'task.hub_module_url': 'https://tfhub.dev/tensorflow/bert_en_uncased_L-12_H-768_A-12/4',
      },
    );
  });

  it('reads the documented single-quoted WMT value', () => {
    assert.deepEqual(
      values("task.sentencepiece_model_path='gs://tf_model_garden/nlp/transformer_wmt/ende_bpe_32k.model'"),
      {
        'task.sentencepiece_model_path': 'gs://tf_model_garden/nlp/transformer_wmt/ende_bpe_32k.model',
      },
    );
  });

  it('types values with the YAML 1.1 resolvers (booleans, floats with exponents, null)', () => {
    assert.deepEqual(values('a.b=off,a.c=yes,a.d=1e-5,a.e=3,a.f=null,a.g=,a.h=2.5'), {
      'a.b': false,
      'a.c': true,
      'a.d': 0.00001,
      'a.e': 3,
      'a.f': null,
      'a.g': null,
      'a.h': 2.5,
    });
  });

  it('auto-quotes values starting with g, s, : or / (a character class, not the prefix gs://)', () => {
    const parsed = parseOverrides('a.x=sgd,a.y=/abs,a.z=gs://b/c,a.w=adam');
    assert.deepEqual(
      parsed.pairs.map((p) => p.autoQuoted),
      [true, true, true, false],
    );
    assert.deepEqual(overridesToObject(parsed.pairs), {
      'a.x': 'sgd',
      'a.y': '/abs',
      'a.z': 'gs://b/c',
      'a.w': 'adam',
    });
  });

  it('keeps a comma inside quotes and rejects it bare', () => {
    assert.deepEqual(values("task.train_data.input_path='a*,b*',x.y=1"), {
      'task.train_data.input_path': 'a*,b*',
      'x.y': 1,
    });
    const bad = parseOverrides('task.train_data.input_path=a*,b*');
    assert.ok(bad.error);
    assert.equal(bad.error.offset, 'task.train_data.input_path=a*,'.length);
  });

  it('accepts spaces around = and after commas but not before the first key', () => {
    assert.deepEqual(values('a.b = 1,  a.c =2'), { 'a.b': 1, 'a.c': 2 });
    assert.ok(parseOverrides(' a.b=1').error);
  });

  it('matches quotes lazily but only where a separator follows (doubled quotes escape)', () => {
    assert.deepEqual(values("a.b='it''s',a.c='x'"), { 'a.b': "it's", 'a.c': 'x' });
  });

  it('reads bracketed lists as one value', () => {
    assert.deepEqual(values('task.class_names=[O,B-PER,I-PER],a.b=1'), {
      'task.class_names': ['O', 'B-PER', 'I-PER'],
      'a.b': 1,
    });
  });

  it('gives pair offsets into the text', () => {
    const text = "a.b=1,task.init_checkpoint='x'";
    const pair = parseOverrides(text).pairs[1];
    assert.equal(text.slice(pair.start, pair.end), "task.init_checkpoint='x'");
    assert.equal(text.slice(pair.valueStart, pair.end), "'x'");
  });

  it('writes values that YAML would retype or the CSV would split in quotes', () => {
    assert.equal(formatValue('k', 'true'), "'true'");
    assert.equal(formatValue('k', '3'), "'3'");
    assert.equal(formatValue('k', 'a,b'), "'a,b'");
    assert.equal(formatValue('k', 'C:\\m\\bert_model.ckpt'), "'C:\\m\\bert_model.ckpt'");
    assert.equal(formatValue('k', 'mirrored'), 'mirrored');
    assert.equal(
      formatValue('k', 'gs://tf_model_garden/nlp/bert/uncased_L-12_H-768_A-12/bert_model.ckpt'),
      'gs://tf_model_garden/nlp/bert/uncased_L-12_H-768_A-12/bert_model.ckpt',
    );
    assert.throws(() => formatValue('k', 'a\nb'), OverrideFormatError);
    assert.throws(() => formatOverrides([{ key: '1bad', value: 1 }]), OverrideFormatError);
    assert.throws(() => formatOverrides([{ key: 'task._private', value: 1 }]), OverrideFormatError);
  });

  it('reads a CLI --override argument', () => {
    assert.deepEqual(parseOverrideArgument('trainer.train_steps=100'), {
      key: 'trainer.train_steps',
      value: 100,
    });
    assert.throws(() => parseOverrideArgument('task.train_data.input_path=a,b'), /quote/);
  });

  it('agrees with the Python reference on hand-picked strings', function () {
    const texts = [
      'runtime.distribution_strategy=mirrored,task.train_data.input_path=/path-to-your-training-data/',
      "a.b='it''s',a.c='x'",
      'a.b=off,a.c=yes,a.d=1e-5,a.e=3,a.f=null,a.h=2.5',
      "task.train_data.input_path='a*,b*',x.y=1",
      'task.class_names=[O,B-PER]',
      'a.x=sgd,a.y=/abs,a.z=gs://b/c',
      'task.train_data.input_path=a*,b*',
      "a.b=s'x",
      'task._x=1',
      'task.x._y=1',
      'task..x=1',
    ];
    const ref = reference(texts);
    if (!ref) return skipBecause(this, 'python3 with PyYAML not available');
    texts.forEach((text, i) => {
      const mine = parseOverrides(text);
      const theirs = ref[i];
      if ('error' in theirs) {
        assert.ok(mine.error, `reference rejects ${text} (${theirs.error}) but the parser accepts it`);
      } else {
        assert.equal(mine.error, undefined, `reference accepts ${text}`);
        assert.deepEqual(overridesToObject(mine.pairs), Object.fromEntries(theirs.ok));
      }
    });
  });

  it('rejects key parts that PyYAML reads as booleans (the reference turns "on" into True)', function () {
    assert.ok(parseOverrides('task.on.x=1').error);
    const ref = reference(['task.on.x=1']);
    if (!ref) return skipBecause(this, 'python3 with PyYAML not available');
    // The reason for refusing: the reference accepts the text but reads another key.
    assert.ok('ok' in ref[0], `the reference rejects task.on.x=1: ${JSON.stringify(ref[0])}`);
    assert.deepEqual(ref[0].ok, [['task.True.x', 1]]);
  });

  const key = fc
    .stringMatching(/^(task|runtime|trainer)(\.[a-z][a-z0-9_]{0,7}){1,3}$/)
    .filter((k) => !k.split('.').some((part) => /^(yes|no|true|false|on|off|null)$/.test(part)));
  const text = fc
    .string({ unit: 'grapheme', maxLength: 24 })
    .filter((s) => !/[\p{Cc}\u2028\u2029\u0085\ufeff]/u.test(s));
  const tricky = fc.constantFrom(
    "a',b='c",
    'x",y="z',
    'C:\\path with space\\x',
    '$HOME',
    '%PATH%',
    'gs://b/o,p',
    "s'q",
    '[1,2]',
    'on',
    '1e5',
    ' lead',
    'trail ',
    '#x',
    'a #b',
    'k: v',
    '{a}',
    '\\',
    "''",
    '""',
  );
  const value = fc.oneof(
    text,
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    fc.boolean(),
    fc.constant(null),
  );
  const overrides = fc.uniqueArray(fc.record({ key, value }), {
    selector: (o) => o.key,
    minLength: 1,
    maxLength: 6,
  });

  it('format → parse returns the overrides (property)', () => {
    fc.assert(
      fc.property(overrides, (list) => {
        const parsed = parseOverrides(formatOverrides(list as Override[]));
        assert.equal(parsed.error, undefined);
        assert.deepEqual(
          parsed.pairs.map((p) => [p.key, p.value]),
          list.map((o) => [o.key, o.value]),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('format → Python reference returns the overrides (property)', function () {
    const samples = fc.sample(overrides, { numRuns: 400, seed: 42 }).filter(
      // Keys that are prefixes of each other would make a value and a mapping collide.
      (list) => !list.some((a) => list.some((b) => a !== b && b.key.startsWith(a.key + '.'))),
    );
    const texts = samples.map((list) => formatOverrides(list as Override[]));
    const ref = reference(texts);
    if (!ref) return skipBecause(this, 'python3 with PyYAML not available');
    samples.forEach((list, i) => {
      const result = ref[i];
      assert.ok('ok' in result, `Python rejects ${texts[i]}: ${'error' in result ? result.error : ''}`);
      assert.deepEqual(
        Object.fromEntries(result.ok),
        Object.fromEntries(list.map((o) => [o.key, o.value])),
        texts[i],
      );
    });
  });
});
