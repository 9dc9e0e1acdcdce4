// Our `--params_override` reading (parseOverrides, then train.py's YAML fallback) accepts and
// rejects exactly what the Model Garden's own override_params_dict does, with the same values, on
// a generated corpus of more than 2,000 strings.
import * as assert from 'node:assert/strict';
import { readParamsOverride, YamlTimestamp } from '../../src/core/launch';
import { runOracleScript } from './oracle';
import { overrideCorpus } from './overrideCorpus';

type Reference = { ok: Record<string, unknown> } | { error: string };

/** Our values in the JSON shape override_oracle.py writes. */
function jsonable(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { $float: 'nan' };
    if (!Number.isFinite(value)) return { $float: value > 0 ? 'inf' : '-inf' };
    return value;
  }
  if (Array.isArray(value)) return value.map(jsonable);
  if (value instanceof YamlTimestamp) return { $type: 'date' };
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonable(v)]));
  return value;
}

/** Python reports dates and other objects by type; compare those by kind only. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$type === 'string') return { $type: /date/.test(record.$type) ? 'date' : record.$type };
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, comparable(v)]));
  }
  return value;
}

describe('launch: --params_override against the Model Garden parser', function () {
  it('accepts and rejects exactly what params_dict.override_params_dict does, with the same values (≥ 2,000 strings)', function () {
    const corpus = overrideCorpus(2400);
    assert.ok(corpus.length >= 2000);
    const reference = JSON.parse(
      runOracleScript(this, 'override_oracle.py', [], { input: JSON.stringify(corpus) }),
    ) as Reference[];
    assert.equal(reference.length, corpus.length);
    const mismatches: string[] = [];
    let accepted = 0;
    corpus.forEach((text, i) => {
      const ours = readParamsOverride(text);
      const theirs = reference[i];
      if ('ok' in theirs) accepted++;
      if (ours.ok !== 'ok' in theirs) {
        mismatches.push(
          `${JSON.stringify(text)}: Model Garden ${'ok' in theirs ? 'accepts ' + JSON.stringify(theirs.ok) : 'rejects (' + theirs.error + ')'}, ` +
            `we ${ours.ok ? 'accept ' + JSON.stringify(jsonable(ours.values)) : 'reject (' + ours.message + ')'}`,
        );
        return;
      }
      if (ours.ok && 'ok' in theirs) {
        try {
          assert.deepEqual(comparable(jsonable(ours.values)), comparable(theirs.ok));
        } catch {
          mismatches.push(
            `${JSON.stringify(text)}: Model Garden ${JSON.stringify(theirs.ok)}, we ${JSON.stringify(jsonable(ours.values))}`,
          );
        }
      }
    });
    // Both outcomes are well represented, so agreement is not trivial.
    assert.ok(accepted > 500 && corpus.length - accepted > 300, `${accepted} accepted of ${corpus.length}`);
    assert.deepEqual(mismatches.slice(0, 40), [], `${mismatches.length} disagreements`);
  });
});
