import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  CATALOG,
  FAMILIES,
  filterCatalog,
  findModel,
  parseConfigString,
  requireModel,
  sizeClass,
  type Family,
} from '../../src/core/catalog';
import { reference } from '../fixtures';

describe('catalog data', () => {
  it('has 17 models with unique ids', () => {
    assert.equal(CATALOG.length, 17);
    assert.equal(new Set(CATALOG.map((m) => m.id)).size, 17);
  });

  it('has the section counts of pretrained_models.md: 8 BERT, 3 variants, 4 ALBERT, 2 ELECTRA', () => {
    const count = (family: Family) => CATALOG.filter((m) => m.family === family).length;
    assert.deepEqual(
      FAMILIES.map((f) => count(f)),
      [8, 3, 4, 2],
    );
  });

  it('uses TF-Hub model names as ids, and electra_small / electra_base', () => {
    for (const model of CATALOG) {
      if (model.hubUrl) {
        const name = new URL(model.hubUrl).pathname.split('/')[2];
        assert.equal(model.id, name, `${model.id} differs from its TF-Hub handle ${model.hubUrl}`);
      } else {
        assert.match(model.id, /^electra_(small|base)$/);
      }
    }
  });

  it('has well-formed URLs and versioned TF-Hub handles', () => {
    for (const model of CATALOG) {
      if (model.checkpointUrl) {
        assert.match(
          model.checkpointUrl,
          /^https:\/\/storage\.googleapis\.com\/tf_model_garden\/nlp\/.+\.tar\.gz$/,
        );
      }
      if (model.hubUrl) {
        assert.match(model.hubUrl, /^https:\/\/tfhub\.dev\/tensorflow\/[\w-]+\/(\d+)$/);
        assert.equal(model.hubUrl.endsWith(`/${model.hubVersion}`), true, model.id);
      } else {
        assert.equal(model.hubVersion, null);
      }
      if (model.preprocessUrl)
        assert.match(model.preprocessUrl, /^https:\/\/tfhub\.dev\/tensorflow\/\w+_preprocess\/\d+$/);
      assert.ok(
        model.checkpointUrl || model.hubUrl,
        `${model.id} has neither a checkpoint nor a TF-Hub handle`,
      );
    }
  });

  it('L/H/A parsed from the configuration string equal the fields', () => {
    const withConfig = CATALOG.filter((m) => m.config);
    assert.equal(withConfig.length, 11);
    for (const model of withConfig) {
      const parsed = parseConfigString(model.config!);
      assert.ok(parsed, `${model.config} does not parse`);
      assert.deepEqual(parsed, { layers: model.layers, hidden: model.hidden, heads: model.heads }, model.id);
      // The TF-Hub name of a BERT model carries the same shape.
      if (model.family === 'bert')
        assert.ok(model.id.endsWith(model.config!.replace(/^.*?_(L-)/, 'L-')), model.id);
    }
  });

  it('keeps casing, lower-casing and tokenizer consistent', () => {
    for (const model of CATALOG) {
      assert.equal(model.doLowerCase, model.casing === 'uncased', model.id);
      assert.equal(model.tokenizer === 'sentencepiece', model.family === 'albert', model.id);
      if (model.config)
        assert.equal(
          model.config.includes('uncased') || model.config.startsWith('chinese'),
          model.doLowerCase,
        );
      assert.ok(model.hidden % (model.heads ?? 1) === 0, `${model.id}: hidden is not a multiple of heads`);
    }
  });

  it('offers hub-only variants without a checkpoint or encoder type', () => {
    for (const model of CATALOG.filter((m) => m.family === 'bert-variant')) {
      assert.equal(model.checkpointUrl, null);
      assert.equal(model.encoderType, null);
      assert.ok(model.hubUrl);
    }
  });

  it('shows what no source establishes as unknown, and what the fact-check established as known', () => {
    // TF-Hub albert_en_xlarge/3 says A=32, as google/albert_xlarge's albert_config.json does.
    assert.equal(requireModel('albert_en_xlarge').heads, 32);
    for (const id of ['electra_small', 'electra_base']) assert.equal(requireModel(id).sizesVerified, false);
  });

  it('matches the section rows of the source document', function () {
    const source = fs
      .readFileSync(reference(this, 'pretrained_models_source.txt'), 'utf8')
      .replace(/\$|\\mathrm\{|\{\\rm|\}|\\ /g, '');
    const sections = {
      bert: between(source, '\nBERT\n', '\nBERT variants\n'),
      'bert-variant': between(source, '\nBERT variants\n', '\nALBERT\n'),
      albert: between(source, '\nALBERT\n', '\nELECTRA\n'),
      electra: source.slice(source.indexOf('\nELECTRA\n')),
    };
    const rowPatterns: Record<Family, RegExp> = {
      bert: /^BERT-(base|large)[^\t]*/gm,
      'bert-variant': /^(BERT-(base|large) talking heads|LAMBERT-)[^\t]*/gm,
      albert: /^ALBERT-\w+ English/gm,
      electra: /ELECTRA (Small|Base):/g,
    };
    for (const family of FAMILIES) {
      const rows = sections[family].match(rowPatterns[family]) ?? [];
      const models = CATALOG.filter((m) => m.family === family);
      assert.equal(rows.length, models.length, `${family}: the document has ${rows.length} rows`);
      for (const model of models) {
        const head =
          model.family === 'electra'
            ? model.name.replace(/-(\w+) English/, ' $1')
            : model.name.split(/\s+/)[0];
        // Table cells wrap inside words ("LAMBERT- large"), so compare without white space.
        const section = sections[family].replace(/\s+/g, '').toLowerCase();
        assert.ok(
          section.includes(head.replace(/\s+/g, '').toLowerCase()),
          `${model.name} is not in the ${family} section`,
        );
      }
    }
  });
});

describe('catalog queries', () => {
  it('finds models by id and refuses unknown ids with the list', () => {
    assert.equal(findModel('albert_en_base')?.name, 'ALBERT-base English');
    assert.throws(() => requireModel('bert_tiny'), /Unknown model "bert_tiny".*electra_small/);
  });

  it('filters by family, size, casing, language and free text', () => {
    assert.equal(filterCatalog({ family: 'albert' }).length, 4);
    assert.deepEqual(
      filterCatalog({ family: 'bert', casing: 'cased', size: 'large' }).map((m) => m.id),
      ['bert_en_cased_L-24_H-1024_A-16', 'bert_en_wwm_cased_L-24_H-1024_A-16'],
    );
    assert.deepEqual(
      filterCatalog({ language: 'zh' }).map((m) => m.id),
      ['bert_zh_L-12_H-768_A-12'],
    );
    assert.deepEqual(
      filterCatalog({ text: 'whole word' }).map((m) => m.id),
      ['bert_en_wwm_uncased_L-24_H-1024_A-16', 'bert_en_wwm_cased_L-24_H-1024_A-16'],
    );
    assert.deepEqual(
      filterCatalog({ text: 'electra small' }).map((m) => m.id),
      ['electra_small'],
    );
    assert.equal(filterCatalog({ text: 'nothing-like-this' }).length, 0);
    assert.equal(filterCatalog({}).length, 17);
  });

  it('derives size classes from the display names', () => {
    assert.equal(sizeClass(requireModel('albert_en_xxlarge')), 'xxlarge');
    assert.equal(sizeClass(requireModel('electra_small')), 'small');
    assert.equal(sizeClass(requireModel('lambert_en_uncased_L-24_H-1024_A-16')), 'large');
  });
});

function between(text: string, start: string, end: string): string {
  const from = text.indexOf(start);
  const to = text.indexOf(end, from + start.length);
  assert.ok(from >= 0 && to > from, `section ${start.trim()} not found`);
  return text.slice(from, to);
}
