import * as assert from 'node:assert/strict';
import { CATALOG } from '../../src/core/catalog';

describe('catalog', () => {
  it('has 17 models', () => assert.equal(CATALOG.length, 17));
});
