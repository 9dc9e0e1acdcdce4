// The fine-tuning heads of Model Garden TF2 checkpoints, as train.py writes them to model_dir
// (names seen in test/oracle/launch-trainer.test.ts runs): span labeler and token classifier.
import * as assert from 'node:assert/strict';
import { classifyObjectKey } from '../../src/core/checkpoint';

describe('checkpoint heads written by the trainer', () => {
  it('BertSpanLabeler: predictions/transform/logits nested in SpanLabeling is the span head, mapped to load', () => {
    const key = 'model/layer_with_weights-1/layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE';
    assert.deepEqual(classifyObjectKey(key, 'predictions/transform/logits/kernel'), {
      key,
      kind: 'head',
      head: 'span',
      canonical: 'heads/span/kernel',
      transform: 'none',
    });
  });

  it('BertTokenClassifier: predictions/transform/logits held directly is the tagging head', () => {
    const key = 'model/layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE';
    const c = classifyObjectKey(key, 'predictions/transform/logits/bias');
    assert.equal(c.head, 'tagging');
    assert.equal(c.canonical, 'heads/tagging/bias');
  });

  it('without the full name the key stays unclassified', () => {
    const key = 'model/layer_with_weights-1/bias/.ATTRIBUTES/VARIABLE_VALUE';
    assert.equal(classifyObjectKey(key).kind, 'other');
  });
});
