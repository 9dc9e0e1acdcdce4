import { parseArgs } from 'node:util';
import {
  CATALOG,
  FAMILIES,
  filterCatalog,
  shapeLabel,
  type CatalogModel,
  type Family,
} from '../core/catalog';
import { table, UsageError, type CliIo } from './io';

export const usage =
  'model-garden catalog [--json] [--family bert|bert-variant|albert|electra] [--search TEXT]';

/** The JSON shape of one model; stable for scripts. */
export function catalogJson(model: CatalogModel) {
  return {
    id: model.id,
    family: model.family,
    name: model.name,
    config: model.config,
    layers: model.layers,
    hidden: model.hidden,
    heads: model.heads,
    intermediateSize: model.intermediateSize,
    embeddingSize: model.embeddingSize,
    vocabSize: model.vocabSize,
    casing: model.casing,
    doLowerCase: model.doLowerCase,
    language: model.language,
    trainingData: model.trainingData,
    tokenizer: model.tokenizer,
    vocabFile: model.vocabFile,
    encoderType: model.encoderType,
    checkpointUrl: model.checkpointUrl,
    hubUrl: model.hubUrl,
    preprocessUrl: model.preprocessUrl,
    hasHubMlm: model.hasHubMlm,
    sizesVerified: model.sizesVerified,
  };
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      family: { type: 'string' },
      search: { type: 'string' },
    },
    strict: true,
  });
  const family = values.family as Family | undefined;
  if (family !== undefined && !FAMILIES.includes(family)) {
    throw new UsageError(`Unknown family "${values.family}". Use one of: ${FAMILIES.join(', ')}`);
  }
  const models =
    values.family || values.search ? filterCatalog({ family, text: values.search }) : [...CATALOG];
  if (values.json) {
    io.out(JSON.stringify(models.map(catalogJson), null, 2));
  } else {
    io.out(
      table(
        ['ID', 'NAME', 'L/H/A', 'CASING', 'TOKENIZER', 'CHECKPOINT', 'TF-HUB'],
        models.map((m) => [
          m.id,
          m.name,
          shapeLabel(m),
          m.casing,
          m.tokenizer,
          m.checkpointUrl ? 'yes' : '-',
          m.hubUrl ? `v${m.hubVersion}` : '-',
        ]),
      ),
    );
  }
  return 0;
}
