// An independent reference for the `--params_override` grammar: the Model Garden's Python algorithm
// (params_dict.nested_csv_str_to_json_str + PyYAML SafeLoader with the extra float resolver, as
// described in shared/reference/MODEL_GARDEN.md §3), run by python3 with PyYAML. Tests skip the
// comparison when python3 or PyYAML is missing.
import { spawnSync } from 'node:child_process';

const SCRIPT = String.raw`
import collections, json, re, sys
import yaml

_PARAM_RE = re.compile(r"""
  (?P<name>[a-zA-Z][\w\.]*)
  \s*=\s*
  ((?P<val>\'(.*?)\'
  |
  \"(.*?)\"
  |
  [^,\[]*
  |
  \[[^\]]*\]))
  ($|,\s*)""", re.VERBOSE)

def nested_csv_str_to_json_str(csv_str):
  if not csv_str:
    return ''
  formatted_entries = []
  nested_map = collections.defaultdict(list)
  pos = 0
  while pos < len(csv_str):
    m = _PARAM_RE.match(csv_str, pos)
    if not m:
      raise ValueError('Malformed hyperparameter value while parsing CSV string: %s' % csv_str[pos:])
    pos = m.end()
    name = m.group('name')
    v = m.group('val')
    if re.match(r'(?=[^\"\'])(?=[gs://])', v):
      v = '\'{}\''.format(v)
    parts = name.split('.')
    if len(parts) > 1:
      nested_map[parts[0]].append('.'.join(parts[1:]) + '=' + v)
    else:
      formatted_entries.append('%s : %s' % (name, v))
  for grouping, value in nested_map.items():
    formatted_entries.append('%s : %s' % (grouping, nested_csv_str_to_json_str(','.join(value))))
  return '{' + ', '.join(formatted_entries) + '}'

class Loader(yaml.SafeLoader):
  pass

Loader.add_implicit_resolver(
    'tag:yaml.org,2002:float',
    re.compile(r'''^(?:
     [-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$''', re.X),
    list('-+0123456789.'))

def flatten(prefix, value, out):
  if isinstance(value, dict):
    for k, v in value.items():
      flatten(prefix + [str(k)], v, out)
  else:
    out.append(['.'.join(prefix), value])

results = []
for text in json.load(sys.stdin):
  try:
    loaded = yaml.load(nested_csv_str_to_json_str(text), Loader=Loader)
    out = []
    flatten([], loaded, out)
    results.append({'ok': out})
  except Exception as e:
    results.append({'error': str(e).split('\n')[0]})
print(json.dumps(results))
`;

export type ReferenceResult = { ok: [string, unknown][] } | { error: string };

let available: boolean | undefined;

/** Parses each `--params_override` string with the Python reference; undefined when unavailable. */
export function referenceParse(texts: readonly string[]): ReferenceResult[] | undefined {
  if (available === false) return undefined;
  const run = spawnSync('python3', ['-c', SCRIPT], {
    input: JSON.stringify(texts),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) {
    available = false;
    if (run.error || /No module named/.test(run.stderr)) return undefined;
    throw new Error(`reference parser failed: ${run.stderr}`);
  }
  available = true;
  return JSON.parse(run.stdout) as ReferenceResult[];
}
