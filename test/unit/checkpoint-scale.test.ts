import * as assert from 'node:assert/strict';
import { classifyKeys } from '../../src/core/checkpoint';

describe('checkpoint naming: large indexes', function () {
  it('classifies 200,000 keys with object-graph names in linear time (the per-key search was quadratic)', function () {
    // Quadratic, this is ~2·10^10 comparisons: hopeless within the unit timeout.
    const n = 200_000;
    const entries = Array.from({ length: n }, (_, i) => ({
      key: `scope_${i % 97}/var_${i}/.ATTRIBUTES/VARIABLE_VALUE`,
      shape: [1],
    }));
    const { keys } = classifyKeys(entries, new Map());
    assert.equal(keys.size, n);
    assert.equal(keys.get(entries[n - 1].key)?.key, entries[n - 1].key);
  });
});
