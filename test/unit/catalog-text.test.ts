// The catalog filter's words and the model card as a user reads them.
import * as assert from 'node:assert/strict';
import {
  CATALOG,
  filterCatalog,
  modelCard,
  requireModel,
  sizeClass,
  userNotes,
} from '../../src/core/catalog';

describe('catalog filter words', () => {
  it('"large cased" (the filter\'s own example) returns only large cased models', () => {
    const found = filterCatalog({ text: 'large cased' });
    assert.ok(found.length > 0);
    for (const m of found) {
      assert.equal(m.casing, 'cased', `${m.id} is ${m.casing}`);
      assert.equal(sizeClass(m), 'large', `${m.id} is ${sizeClass(m)}`);
    }
    assert.deepEqual(
      found.map((m) => m.id),
      CATALOG.filter((m) => m.casing === 'cased' && sizeClass(m) === 'large').map((m) => m.id),
    );
  });

  it('matches words from their start: "large" is not "xlarge", "bert" is not "albert"', () => {
    assert.ok(!filterCatalog({ text: 'large' }).some((m) => /xx?large/.test(sizeClass(m))));
    assert.ok(filterCatalog({ text: 'xlarge' }).every((m) => sizeClass(m) === 'xlarge'));
    assert.ok(!filterCatalog({ text: 'bert' }).some((m) => m.family === 'albert'));
    assert.ok(filterCatalog({ text: 'bert' }).some((m) => m.id === 'bert_en_uncased_L-12_H-768_A-12'));
    assert.deepEqual(
      filterCatalog({ text: 'L-24 uncased' }).map((m) => m.id),
      CATALOG.filter((m) => m.layers === 24 && m.casing === 'uncased').map((m) => m.id),
    );
  });

  it('combines typed words with ticked facets', () => {
    assert.deepEqual(
      filterCatalog({ text: 'whole', casing: 'cased' }).map((m) => m.id),
      ['bert_en_wwm_cased_L-24_H-1024_A-16'],
    );
    assert.deepEqual(filterCatalog({ text: 'uncased', casing: 'cased' }), []);
    assert.deepEqual(
      filterCatalog({ text: 'english', family: 'albert', size: 'base' }).map((m) => m.id),
      ['albert_en_base'],
    );
  });
});

describe('model card text', () => {
  it('shows no research notes (INFERRED, UNVERIFIED, tarball layout) in any card', () => {
    for (const model of CATALOG) {
      for (const full of [false, true]) {
        const card = modelCard(model, { full });
        assert.doesNotMatch(card, /INFERRED|UNVERIFIED|Tarball layout|KerasNLP|latest_checkpoint/, model.id);
      }
    }
  });

  it('keeps what matters for using the model, in plain words', () => {
    const bert = userNotes(requireModel('bert_en_uncased_L-12_H-768_A-12')).join(' ');
    assert.match(bert, /encoder only/);
    assert.match(bert, /masked-LM head/);
    const lambert = userNotes(requireModel('lambert_en_uncased_L-24_H-1024_A-16')).join(' ');
    assert.match(lambert, /LAMB/);
    const electra = userNotes(requireModel('electra_small')).join(' ');
    assert.match(electra, /paper/);
  });

  it('links URLs with short text in the hover, full URLs in the opened card', () => {
    const model = requireModel('bert_en_uncased_L-12_H-768_A-12');
    const hover = modelCard(model);
    assert.ok(model.checkpointUrl && model.hubUrl);
    assert.ok(hover.includes(`](${model.checkpointUrl})`), 'the checkpoint is a link');
    // No visible text is a whole URL: each link's text is at most a file name or a handle.
    for (const [, text] of hover.matchAll(/\[([^\]]*(?:\\\][^\]]*)*)\]\(/g))
      assert.ok(!/^https?:/.test(text) && text.length <= 60, `link text "${text}"`);
    const full = modelCard(model, { full: true });
    assert.ok(full.includes(`[${model.hubUrl.replace(/_/g, '\\_')}](${model.hubUrl})`));
  });
});
