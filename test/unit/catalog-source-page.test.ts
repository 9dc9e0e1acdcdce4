// The catalog against the Model Garden page it is built from (../shared/reference/pretrained_models_source.txt).
// The page's tables were damaged by text extraction: cells are split over lines, LaTeX fragments
// (`$uncased_L-$`, `{\rm …}`) surround names, a hyphen or a letter is sometimes lost, and full URLs
// survive only as link texts (or, for ALBERT's TF-Hub column, a truncated prefix). So rows are found
// by their text (the "Wiki …" training-data cell starts a row), columns are placed relative to that
// cell, and each catalog model's checkpoint URL, TF-Hub handle and sizes are checked against its own
// row: the row's text must match this model and no other model, so a copy-paste between two models
// fails.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CATALOG } from '../../src/core/catalog';
import type { CatalogModel, Family } from '../../src/core/catalog';
import { reference } from '../fixtures';

interface PageRow {
  readonly family: Family;
  /** The text of each column, continuation lines joined with a space. */
  readonly model: string;
  readonly config: string | null;
  readonly data: string;
  readonly checkpoint: string | null;
  readonly hub: string | null;
}

/** Removes the extraction's LaTeX wrappers (`$…$`, `{\rm …}`, `\mathrm{…}`, `\ `). */
function unLatex(text: string): string {
  return text
    .replace(/\\(?:rm|mathrm)\b/g, '')
    .replace(/\\ /g, ' ')
    .replace(/[${}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Letters and digits only, lower case: `$cased_L$ - 12_H-768_A-` → `casedl12h768a`. */
function squash(text: string): string {
  return unLatex(text)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}

const SECTION_HEADINGS: ReadonlyMap<string, Family> = new Map([
  ['BERT', 'bert'],
  ['BERT variants', 'bert-variant'],
  ['ALBERT', 'albert'],
  ['ELECTRA', 'electra'],
]);

/** Every table row of the page, by section. */
function parsePage(text: string): PageRow[] {
  const rows: PageRow[] = [];
  let family: Family | undefined;
  let header: string[] = [];
  let current: { family: Family; hasCheckpoint: boolean; dataAt: number; columns: string[][] } | undefined;
  const flush = (): void => {
    if (!current) return;
    const { dataAt, columns, hasCheckpoint } = current;
    const column = (i: number): string | null =>
      i >= 0 && i < columns.length ? columns[i]!.join(' ') : null;
    rows.push({
      family: current.family,
      model: dataAt >= 1 ? column(0)! : '',
      config: dataAt >= 2 ? column(dataAt - 1) : null,
      data: column(dataAt) ?? '',
      checkpoint: hasCheckpoint ? column(dataAt + 1) : null,
      hub: column(dataAt + (hasCheckpoint ? 2 : 1)),
    });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    const heading = SECTION_HEADINGS.get(line.trim());
    if (heading) {
      flush();
      family = heading;
      header = [];
      continue;
    }
    if (!family) continue;
    if (!line.includes('\t')) {
      if (line.trim() === '') flush();
      continue;
    }
    const cells = line.split('\t');
    const dataAt = cells.findIndex((cell) => /^wiki\b/i.test(unLatex(cell)));
    if (dataAt >= 0) {
      flush();
      // The variants table has no checkpoint column: its header goes from training data to TF-HUB.
      current = {
        family,
        hasCheckpoint: header.join(' ').includes('Checkpoint'),
        dataAt,
        columns: [],
      };
    }
    if (!current) {
      header.push(line);
      continue;
    }
    cells.forEach((cell, i) => {
      (current!.columns[i] ??= []).push(cell.trim());
    });
  }
  flush();
  return rows;
}

/** The text of a link cell before any explanation (`ELECTRA Small: the vocabulary is …`). */
function linkText(cell: string): string {
  return unLatex(cell).split(':')[0]!.trim();
}

function fileStem(url: string): string[] {
  const parts = new URL(url).pathname.split('/');
  const file = parts.pop()!.replace(/\.tar\.gz$/, '');
  return [squash(file), squash(`${parts.pop()}${file}`)];
}

function handleName(model: CatalogModel): string {
  return new URL(model.hubUrl!).pathname.split('/')[2]!;
}

describe('catalog against the Model Garden source page', function () {
  let page: string;
  let rows: PageRow[];
  before(function () {
    page = fs.readFileSync(reference(this, 'pretrained_models_source.txt'), 'utf8');
    rows = parsePage(page);
  });

  /** Each catalog model with its own row, found by the model's name (ELECTRA's rows only name it in the link). */
  function rowsByModel(): Map<CatalogModel, PageRow> {
    const found = new Map<CatalogModel, PageRow>();
    for (const row of rows) {
      const label = squash(row.model) || squash(linkText(row.checkpoint ?? ''));
      const inSection = CATALOG.filter((m) => m.family === row.family);
      const exact = inSection.filter((m) => squash(m.name) === label);
      const matches = exact.length > 0 ? exact : inSection.filter((m) => squash(m.name).startsWith(label));
      assert.equal(
        matches.length,
        1,
        `page row "${label}" matches ${matches.map((m) => m.id).join(', ') || 'no model'}`,
      );
      assert.ok(!found.has(matches[0]!), `${matches[0]!.id} has two rows`);
      found.set(matches[0]!, row);
    }
    return found;
  }

  it("finds one row for every catalog model, in the model's own section", function () {
    const found = rowsByModel();
    assert.deepEqual(
      CATALOG.filter((m) => !found.has(m)).map((m) => m.id),
      [],
      'catalog models without a row on the page',
    );
    assert.equal(rows.length, CATALOG.length);
  });

  it("every checkpoint URL is named by its own row and no other model's (the tarball's name against the row's link)", function () {
    const problems: string[] = [];
    for (const [model, row] of rowsByModel()) {
      if (row.checkpoint === null) {
        if (model.checkpointUrl !== null)
          problems.push(
            `${model.id}: the page's ${row.family} table has no checkpoint, the catalog ${model.checkpointUrl}`,
          );
        continue;
      }
      const text = squash(linkText(row.checkpoint));
      const near = (url: string | null): number =>
        url === null ? Infinity : Math.min(...fileStem(url).map((stem) => distance(text, stem)));
      const own = near(model.checkpointUrl);
      // One character of slack: extraction lost the "L" of `wwm_uncased_L-24…`.
      if (own > 1)
        problems.push(`${model.id}: ${model.checkpointUrl} is not the row's "${linkText(row.checkpoint)}"`);
      for (const other of CATALOG)
        if (other !== model && near(other.checkpointUrl) <= own)
          problems.push(
            `${model.id}: the row "${linkText(row.checkpoint)}" fits ${other.id}'s ${other.checkpointUrl} as well`,
          );
    }
    assert.deepEqual(problems, []);
  });

  it('every TF-Hub handle agrees with its own row (link words, sizes, the truncated ALBERT prefix)', function () {
    const problems: string[] = [];
    const words = (text: string): Set<string> =>
      new Set(
        unLatex(text)
          .toLowerCase()
          .match(/[a-z]+/g) ?? [],
      );
    for (const [model, row] of rowsByModel()) {
      if (row.hub === null) {
        if (model.hubUrl !== null || model.hubUrlInDoc !== null)
          problems.push(
            `${model.id}: the page's ${row.family} table has no TF-Hub column, the catalog ${model.hubUrl}`,
          );
        continue;
      }
      if (model.hubUrl === null) {
        problems.push(`${model.id}: the row links TF-Hub ("${unLatex(row.hub)}"), the catalog has no handle`);
        continue;
      }
      const name = handleName(model);
      const hub = unLatex(row.hub);
      if (row.family === 'bert') {
        // The link says e.g. "BERT-Large, Cased (Whole Word Masking)": each of its words has its token in
        // the handle and the other way round; the handle's sizes are the row's configuration.
        const said = words(hub);
        const tokens = new Set(name.split(/[_-]/));
        const pairs: [string, string][] = [
          ['uncased', 'uncased'],
          ['cased', 'cased'],
          ['whole', 'wwm'],
          ['multilingual', 'multi'],
          ['chinese', 'zh'],
        ];
        for (const [word, token] of pairs)
          if (said.has(word) !== tokens.has(token))
            problems.push(
              `${model.id}: the row's link "${hub}" ${said.has(word) ? 'says' : 'does not say'} ${word}, the handle ${name}`,
            );
        const sizes = /L-\d+_H-\d+_A-\d+/.exec(name)?.[0];
        if (!sizes || !squash(row.config ?? '').endsWith(squash(sizes)))
          problems.push(
            `${model.id}: handle ${name} has not the row's configuration "${unLatex(row.config ?? '')}"`,
          );
      } else if (/^https?:/.test(hub)) {
        // ALBERT: the URL survives only up to `…/tensorflow/albert_`.
        if (!model.hubUrl.startsWith(hub))
          problems.push(`${model.id}: ${model.hubUrl} does not start with the row's ${hub}`);
      } else {
        // Variants: the link is a short name (`talkheads_ggelu_base`, `lambert`) whose parts are in this
        // model's handle, in order, and in no other model's.
        const fits = (m: CatalogModel): boolean => {
          if (!m.hubUrl) return false;
          const tokens = handleName(m).split(/[_-]/);
          let at = 0;
          for (const part of hub.split('_')) {
            at = tokens.indexOf(part, at);
            if (at < 0) return false;
            at++;
          }
          return true;
        };
        const fitting = CATALOG.filter(fits).map((m) => m.id);
        if (fitting.length !== 1 || fitting[0] !== model.id)
          problems.push(
            `${model.id}: the row's link "${hub}" fits the handles of ${fitting.join(', ') || 'no model'}`,
          );
      }
    }
    assert.deepEqual(problems, []);
  });

  it("configuration, sizes, training data and shared vocabularies agree with each model's row", function () {
    const problems: string[] = [];
    for (const [model, row] of rowsByModel()) {
      if (squash(row.data) !== squash(model.trainingData))
        problems.push(`${model.id}: training data "${model.trainingData}", the row "${unLatex(row.data)}"`);
      if (row.config === null) {
        if (model.config !== null) problems.push(`${model.id}: config ${model.config}, the row has none`);
      } else {
        const config = squash(row.config.replace(/^Configuration\b/, ''));
        if (model.config === null || distance(config, squash(model.config)) > 1)
          problems.push(`${model.id}: config ${model.config}, the row "${unLatex(row.config)}"`);
        const sizes = /l(\d+)h(\d+)a(\d+)$/.exec(config);
        if (!sizes)
          problems.push(`${model.id}: no L/H/A in the row's configuration "${unLatex(row.config)}"`);
        else if (
          Number(sizes[1]) !== model.layers ||
          Number(sizes[2]) !== model.hidden ||
          Number(sizes[3]) !== model.heads
        )
          problems.push(
            `${model.id}: L-${model.layers} H-${model.hidden} A-${model.heads}, the row ${sizes.slice(1).join('/')}`,
          );
      }
      // ELECTRA's rows: "the vocabulary is the same as BERT uncased English".
      const same = /same as (BERT) (uncased|cased) English/i.exec(unLatex(row.checkpoint ?? ''));
      if (same) {
        const base = CATALOG.find((m) => m.id === model.vocabSameAs);
        if (
          !base ||
          base.family !== 'bert' ||
          base.casing !== same[2]!.toLowerCase() ||
          base.language !== 'en'
        )
          problems.push(`${model.id}: vocabulary same as ${model.vocabSameAs}, the row "${same[0]}"`);
      } else if (model.vocabSameAs !== null) {
        problems.push(`${model.id}: vocabulary same as ${model.vocabSameAs}, the row does not say so`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it("the page's example hub_module_url is the start of the BERT-base uncased handle", function () {
    const example = /--params_override=task\.hub_module_url=(https:\/\/tfhub\.dev\/\S+)/.exec(page)?.[1];
    assert.ok(example, 'the example hub_module_url is on the page');
    assert.deepEqual(
      CATALOG.filter((m) => m.hubUrl?.startsWith(example)).map((m) => m.id),
      ['bert_en_uncased_L-12_H-768_A-12'],
    );
  });
});
