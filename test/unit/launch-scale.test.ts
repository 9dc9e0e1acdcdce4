// Validation of large files stays linear: many --params_override flags on one call, many problems in
// one file. The sizes are ones the quadratic versions could not finish (memory or mocha's timeout).
import * as assert from 'node:assert/strict';
import { parse } from 'jsonc-parser';
import { applyTextEdits, checkText, LineIndex } from '../../src/core/launch';

describe('launch: validation scales linearly', () => {
  it('n --params_override flags give n-1 problems sharing one merge fix (edits grow linearly)', () => {
    const n = 1500;
    const args = ['--experiment=bert/squad', '--mode=train', '--model_dir=o'];
    for (let i = 0; i < n; i++) args.push(`--params_override=trainer.steps_${i}=${i}`);
    const text =
      '{\n"configurations": [\n{\n"name": "x",\n"program": "train.py",\n"args": [\n' +
      args.map((a) => JSON.stringify(a)).join(',\n') +
      '\n]\n}\n]\n}\n';
    const problems = checkText(text, 'launch', { probe: null }).filter(
      (p) => p.code === 'multiple-params-override',
    );
    assert.equal(problems.length, n - 1);
    const edits = new Set(problems.flatMap((p) => p.fixes.flatMap((f) => f.edits)));
    assert.ok(edits.size <= 2 * n, `${edits.size} distinct edits for ${n} flags`);
    // Each problem sits on its own line (the first flag is on line 7 + 3).
    problems.forEach((p, i) => {
      assert.equal(p.line, 10 + i);
      assert.equal(p.column, 1 + '"--params_override='.length);
      assert.equal(p.endLine, p.line);
    });
    // The shared fix still merges every override into the last flag.
    const merged = (
      parse(applyTextEdits(text, problems[0].fixes[0].edits)) as {
        configurations: { args: string[] }[];
      }
    ).configurations[0].args;
    assert.equal(merged.length, 4);
    assert.equal(merged[3].split(',').length, n);
    assert.ok(merged[3].startsWith('--params_override=trainer.steps_0=0,trainer.steps_1=1,'));
  });

  it('line and column of 60,000 problems in one script (a rescan per problem never finishes)', () => {
    const count = 60_000;
    const script = 'python3 train.py --experiment=bert/squad --mode=train\n'.repeat(count);
    const problems = checkText(script, 'shell', { probe: null });
    assert.equal(problems.length, count);
    problems.forEach((p, i) => {
      assert.equal(p.code, 'missing-model-dir');
      assert.equal(p.line, i + 1);
      assert.equal(p.column, 'python3 '.length + 1);
      assert.equal(p.endColumn, 'python3 train.py'.length + 1);
    });
  });

  it('LineIndex agrees with counting newlines, at line starts, ends and past the last newline', () => {
    const text = 'a\n\nbc\r\nd\n';
    for (let offset = 0; offset <= text.length; offset++) {
      const before = text.slice(0, offset).split('\n');
      assert.deepEqual(
        new LineIndex(text).at(offset),
        { line: before.length, column: before.at(-1)!.length + 1 },
        `offset ${offset}`,
      );
    }
  });
});
