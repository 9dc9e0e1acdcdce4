// YAML typing as the Model Garden reads `--params_override` values: PyYAML's FullLoader resolvers
// (YAML 1.1 as PyYAML implements it, which differs from the YAML 1.1 spec: `y`/`n` stay strings,
// a float needs a dot and a signed exponent) plus the extra float resolver params_dict.py adds to
// FullLoader. That resolver is written with `\\.` inside a raw string, so only its exponent form
// (`1e5`, `1e-5`) matches numbers; its other forms need a literal backslash (`\x5`), and
// float() then rejects the value. Tags the loader cannot construct (`!x`, `<<`, `=`) are errors.
import { parseDocument, Scalar, type ScalarTag } from 'yaml';

/** A timestamp PyYAML would construct as datetime/date; kept as text. */
export class YamlTimestamp {
  constructor(readonly text: string) {}
}

const withoutUnderscores = (text: string) => text.replace(/_/g, '');

function sexagesimal(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const parts = text.replace(/^[-+]/, '').split(':').map(Number);
  return sign * parts.reduce((total, part) => total * 60 + part, 0);
}

const NOT_A_FLOAT = 'the Model Garden float resolver matches this value but float() cannot read it';

const tags: ScalarTag[] = [
  {
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
    resolve: (text) => new Scalar(/^(yes|true|on)$/i.test(text)),
  },
  {
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
    resolve(text) {
      const value = withoutUnderscores(text).toLowerCase();
      if (value.endsWith('.inf')) return new Scalar(value.startsWith('-') ? -Infinity : Infinity);
      if (value === '.nan') return new Scalar(NaN);
      if (value.includes(':')) return new Scalar(sexagesimal(value));
      return new Scalar(Number(value));
    },
  },
  {
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
    resolve(text) {
      const value = withoutUnderscores(text);
      const sign = value.startsWith('-') ? -1 : 1;
      const digits = value.replace(/^[-+]/, '');
      if (digits === '0') return new Scalar(0);
      if (digits.startsWith('0b')) return new Scalar(sign * parseInt(digits.slice(2), 2));
      if (digits.startsWith('0x')) return new Scalar(sign * parseInt(digits.slice(2), 16));
      if (digits.startsWith('0')) return new Scalar(sign * parseInt(digits, 8));
      if (digits.includes(':')) return new Scalar(sign * sexagesimal(digits));
      return new Scalar(sign * parseInt(digits, 10));
    },
  },
  {
    default: true,
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: (_text, onError) => onError('a merge key "<<" has no constructor here'),
  },
  {
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|null|Null|NULL|)$/,
    resolve: () => new Scalar(null),
  },
  {
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    test: /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
    resolve: (text) => new Scalar(new YamlTimestamp(text)),
  },
  {
    default: true,
    tag: 'tag:yaml.org,2002:value',
    test: /^=$/,
    resolve: (_text, onError) => onError('"=" has no constructor here'),
  },
  {
    // params_dict.py's resolver (tried only for a first character in -+0123456789.): its
    // exponent form, and the backslash forms float() rejects.
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?=[-+0-9.])(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)|\\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*)$/,
    resolve(text, onError) {
      if (text.includes('\\')) return onError(NOT_A_FLOAT);
      return new Scalar(Number(withoutUnderscores(text)));
    },
  },
];

/**
 * Why PyYAML's scanner rejects `raw` as a plain scalar inside a flow mapping (where train.py puts
 * every value), or undefined. PyYAML ends a plain scalar in flow context at `?[]{}` and at `: `,
 * skips only spaces (not tabs) between tokens, and cannot start one with `#%@\`` or `- `.
 */
export function flowPlainScalarProblem(raw: string): string | undefined {
  if (!raw || `'"[{&*!|>`.includes(raw[0])) return undefined;
  if (/^[#%@`]/.test(raw)) return `a value cannot start with "${raw[0]}"`;
  if (/^[-?:](\s|$)/.test(raw)) return `"${raw[0]}" followed by a space starts a block or key here`;
  if (/\t/.test(raw)) return 'a tab inside a value';
  const ender = /[?[\]{}]|:(?=[\s,[\]{}]|$)|\s#/.exec(raw);
  if (ender) return `"${ender[0].trim()}" ends the value inside the flow mapping`;
  return undefined;
}

/** Parses YAML text as params_dict's loader would; throws on anything the loader rejects. */
export function parsePyYaml(text: string): unknown {
  const document = parseDocument(text, {
    version: '1.1',
    schema: 'failsafe',
    customTags: tags,
    uniqueKeys: false,
    merge: false,
  });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw new Error(problem.message.split('\n')[0]);
  return document.toJS({ maxAliasCount: -1 });
}
