// What train.py makes of a whole `--params_override` value (official.modeling.hyperparams.params_dict
// .override_params_dict): the CSV `k=v` grammar first; if that fails, the text as YAML; a YAML
// mapping is used, anything else is read as a YAML file path. The result is the dotted keys it sets.
import { parseOverrides, type ParsedPair } from './overrides';
import { parsePyYaml, YamlTimestamp } from './pyyaml';

export type ParamsOverrideReading =
  | { readonly ok: true; readonly via: 'empty' | 'csv' | 'yaml'; readonly values: Record<string, unknown> }
  | {
      readonly ok: false;
      /** `file`: neither CSV nor a YAML mapping, so train.py opens it as a YAML file. */
      readonly via: 'yaml' | 'file';
      readonly message: string;
    };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof YamlTimestamp)
  );
}

/** Raised where train.py's CSV reading fails late (an incomplete `name[i]` array). */
class CsvError extends Error {}

/** A key part as the YAML loader reads it, then str() of it: `on` → `True`, `null` → `None`. */
function keyPart(part: string): string {
  if (/^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/.test(part)) return 'True';
  if (/^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/.test(part)) return 'False';
  if (/^(?:null|Null|NULL)$/.test(part)) return 'None';
  return part;
}

/**
 * The nested mapping `nested_csv_str_to_json_str` builds: at each level the plain `k=v` entries
 * first, then one entry per first key part (in order of first appearance), then `name[i]` arrays;
 * a later duplicate key replaces an earlier one (PyYAML keeps the last), so a group always wins
 * over a plain entry.
 */
export function nestPairs(
  pairs: readonly (Pick<ParsedPair, 'key' | 'value'> & { index?: number })[],
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  const groups = new Map<string, { key: string; value: unknown; index?: number }[]>();
  const arrays = new Map<string, unknown[]>();
  for (const pair of pairs) {
    const dot = pair.key.indexOf('.');
    if (dot < 0) {
      if (pair.index === undefined) {
        result[keyPart(pair.key)] = pair.value;
      } else {
        const array = arrays.get(pair.key) ?? [];
        while (array.length <= pair.index) array.push(undefined);
        array[pair.index] = pair.value;
        arrays.set(pair.key, array);
      }
      continue;
    }
    const head = pair.key.slice(0, dot);
    if (!groups.has(head)) groups.set(head, []);
    groups.get(head)!.push({ key: pair.key.slice(dot + 1), value: pair.value, index: pair.index });
  }
  for (const [head, entries] of groups) result[keyPart(head)] = nestPairs(entries);
  for (const [name, array] of arrays) {
    if (array.some((item) => item === undefined))
      throw new CsvError(`Did not pass all values of array: ${name}`);
    result[keyPart(name)] = array;
  }
  return result;
}

/** Dotted keys to leaf values, as ParamsDict.override applies a nested mapping. */
export function flattenMapping(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(item) && Object.keys(item).length > 0) Object.assign(out, flattenMapping(item, dotted));
    else out[dotted] = item;
  }
  return out;
}

/** Reads a whole `--params_override` value the way train.py does. */
export function readParamsOverride(text: string): ParamsOverrideReading {
  if (!text) return { ok: true, via: 'empty', values: {} };
  const csv = parseOverrides(text);
  let csvProblem = csv.error?.kind === 'grammar' ? csv.error.message : undefined;
  if (!csvProblem) {
    if (csv.error?.kind === 'value') return { ok: false, via: 'yaml', message: csv.error.message };
    try {
      return { ok: true, via: 'csv', values: flattenMapping(nestPairs(csv.pairs)) };
    } catch (error) {
      if (!(error instanceof CsvError)) throw error;
      csvProblem = error.message;
    }
  }
  let loaded: unknown;
  try {
    // PyYAML skips only spaces between and inside plain tokens: a tab outside quotes is an error.
    if (/\t/.test(text.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, ''))) throw new Error('a tab outside quotes');
    loaded = parsePyYaml(text);
  } catch (error) {
    return {
      ok: false,
      via: 'yaml',
      message: `not key=value pairs (${csvProblem}) and not YAML (${error instanceof Error ? error.message.split('\n')[0] : error})`,
    };
  }
  if (isPlainObject(loaded)) return { ok: true, via: 'yaml', values: flattenMapping(loaded) };
  return {
    ok: false,
    via: 'file',
    message: `not key=value pairs (${csvProblem}) nor a YAML mapping, so train.py reads it as the path of a YAML file`,
  };
}
