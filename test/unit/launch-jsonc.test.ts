import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, parseTree, findNodeAtLocation, stripComments, type ParseError } from 'jsonc-parser';
import { EntryExistsError, JsoncParseError, upsertEntry, upsertEntryInFolder } from '../../src/core/launch';

const ENTRY = {
  name: 'Fine-tune BERT',
  type: 'debugpy',
  request: 'launch',
  program: '${workspaceFolder}/official/nlp/train.py',
  args: ['--experiment=bert/squad', '--params_override=task.init_checkpoint=\'C:\\m\\x\',a.b="q"'],
  justMyCode: false,
};

/** launch.json variants: indentation, line ends, comments, trailing commas, empty and odd shapes. */
function variants(): { name: string; text: string; hasEntry: boolean }[] {
  const list: { name: string; text: string; hasEntry: boolean }[] = [];
  const bodies: [string, string][] = [
    [
      'one entry',
      `{\n  "version": "0.2.0",\n  "configurations": [\n    {\n      "name": "A",\n      "type": "node"\n    }\n  ]\n}\n`,
    ],
    [
      'comments everywhere',
      `// top comment\n{\n  /* block */ "version": "0.2.0", // v\n  "configurations": [\n    // first\n    { "name": "A", "type": "node" }, // after A\n    /* before B */ { "name": "B" } // after B\n  ] // end\n}\n// bottom\n`,
    ],
    [
      'trailing commas',
      `{\n  "version": "0.2.0",\n  "configurations": [\n    { "name": "A" },\n    { "name": "B" },\n  ],\n}\n`,
    ],
    ['empty array', `{\n  "version": "0.2.0",\n  "configurations": []\n}\n`],
    ['empty array on lines', `{\n  "version": "0.2.0",\n  "configurations": [\n  ]\n}\n`],
    ['single line', `{"version":"0.2.0","configurations":[{"name":"A"}]}`],
    ['single line trailing comma', `{"configurations":[{"name":"A"},]}`],
    ['no configurations', `{\n  "version": "0.2.0" // no configs yet\n}\n`],
    ['empty object', `{}`],
    ['no trailing newline', `{\n  "configurations": [\n    { "name": "A" }\n  ]\n}`],
    ['comma on its own line', `{\n  "configurations": [\n    { "name": "A" }\n    ,\n  ]\n}\n`],
    [
      'compounds and inputs',
      `{\n  "configurations": [\n    { "name": "A" }\n  ],\n  "compounds": [],\n  "inputs": [ { "id": "x" } ]\n}\n`,
    ],
    [
      'block comment after last',
      `{\n  "configurations": [\n    { "name": "A" } /* multi\n    line */\n  ]\n}\n`,
    ],
  ];
  for (const [name, body] of bodies) {
    for (const indent of ['  ', '    ', '\t']) {
      for (const eol of ['\n', '\r\n']) {
        if (name.startsWith('single line') || name === 'empty object') {
          if (indent !== '  ' || eol !== '\n') continue;
        }
        const text = body.replace(/^( {2})+/gm, (m) => indent.repeat(m.length / 2)).replace(/\n/g, eol);
        list.push({
          name: `${name} (${JSON.stringify(indent)}, ${eol === '\n' ? 'LF' : 'CRLF'})`,
          text,
          hasEntry: false,
        });
      }
    }
  }
  list.push({ name: 'empty file', text: '', hasEntry: false });
  list.push({ name: 'whitespace only', text: '  \n\n', hasEntry: false });
  list.push({ name: 'comment only', text: '// nothing here yet\n', hasEntry: false });
  // Without a final newline the new document must start on a line of its own, not inside the comment.
  list.push({ name: 'comment only, no final newline', text: '// nothing here yet', hasEntry: false });
  // Only the last line counts: a newline earlier in the file does not end the last comment.
  list.push({ name: 'two comment lines, no final newline', text: '// first\n// second', hasEntry: false });
  list.push({
    name: 'two comment lines, CRLF, no final newline',
    text: '// first\r\n// second',
    hasEntry: false,
  });
  list.push({
    name: 'same-name entry present',
    text: `{\n  // keep me\n  "configurations": [\n    { "name": "A" },\n    {\n      "name": "Fine-tune BERT", // old\n      "args": []\n    }, // tail\n    { "name": "C" }\n  ]\n}\n`,
    hasEntry: true,
  });
  list.push({
    name: 'same-name entry, tabs CRLF',
    text: `{\r\n\t"configurations": [\r\n\t\t{ "name": "Fine-tune BERT" }\r\n\t]\r\n}\r\n`,
    hasEntry: true,
  });
  return list;
}

function parseClean(text: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true });
  assert.deepEqual(errors, [], `result does not parse:\n${text}`);
  return value;
}

/**
 * What `result` adds to `original`, checking that every original byte is kept in place: after the
 * common prefix and suffix, the original's middle must appear whole inside the result's middle
 * (an insertion before it and one after it at most).
 */
function insertedChunks(original: string, result: string): string {
  let p = 0;
  while (p < original.length && p < result.length && original[p] === result[p]) p++;
  let s = 0;
  while (
    s < original.length - p &&
    s < result.length - p &&
    original[original.length - 1 - s] === result[result.length - 1 - s]
  )
    s++;
  const originalMiddle = original.slice(p, original.length - s);
  const resultMiddle = result.slice(p, result.length - s);
  const at = resultMiddle.indexOf(originalMiddle);
  assert.ok(at >= 0, `a byte of the original was lost or changed: ${JSON.stringify(originalMiddle)}`);
  return resultMiddle.slice(0, at) + resultMiddle.slice(at + originalMiddle.length);
}

/** The inserted text without whitespace must be the entry plus JSON structure only. */
function assertOnlyEntryAdded(inserted: string): void {
  const compact = inserted.replace(/\s/g, '');
  const entry = JSON.stringify(ENTRY).replace(/\s/g, '');
  assert.ok(compact.includes(entry), inserted);
  const rest = compact.replace(entry, '').replace('"version":"0.2.0"', '').replace('"configurations":', '');
  assert.match(rest, /^[,[\]{}]*$/, `unexpected text added: ${rest}`);
}

describe('launch: JSONC writer', () => {
  const all = variants();
  it('has at least 30 launch.json variants', () => assert.ok(all.length >= 30, String(all.length)));

  for (const variant of all.filter((v) => !v.hasEntry)) {
    it(`inserts into: ${variant.name}`, () => {
      const before = (stripComments(variant.text).trim() ? parseClean(variant.text) : undefined) as
        { configurations?: unknown[] } | undefined;
      const { text, action } = upsertEntry(variant.text, 'launch', ENTRY);
      const after = parseClean(text.replace(/^\s*\/\/.*$/gm, '')) as { configurations: unknown[] };
      assert.deepEqual(after.configurations.at(-1), ENTRY);
      assert.deepEqual(after.configurations.slice(0, -1), before?.configurations ?? []);
      // What was added is the entry (plus structure), never a rewrite of what was there.
      assertOnlyEntryAdded(insertedChunks(variant.text, text));
      if (variant.text.includes('\r\n')) assert.ok(!/[^\r]\n/.test(text), 'CRLF kept');
      if (/^\t/m.test(variant.text)) assert.ok(!/\n {2}"name": "Fine-tune BERT"/.test(text), 'tabs kept');
      assert.equal(action, stripComments(variant.text).trim() ? 'inserted' : 'created');
      // A second upsert of the same name must not duplicate.
      assert.throws(() => upsertEntry(text, 'launch', ENTRY), EntryExistsError);
    });
  }

  for (const variant of all.filter((v) => v.hasEntry)) {
    it(`updates in place: ${variant.name}`, () => {
      const root = parseTree(variant.text)!;
      const configurations = findNodeAtLocation(root, ['configurations'])!;
      const old = configurations.children!.find(
        (c) => findNodeAtLocation(c, ['name'])?.value === ENTRY.name,
      )!;
      assert.throws(() => upsertEntry(variant.text, 'launch', ENTRY), EntryExistsError);
      const { text, action } = upsertEntry(variant.text, 'launch', ENTRY, { replace: true });
      assert.equal(action, 'updated');
      assert.ok(text.startsWith(variant.text.slice(0, old.offset)), 'bytes before the entry kept');
      assert.ok(text.endsWith(variant.text.slice(old.offset + old.length)), 'bytes after the entry kept');
      const after = parseClean(text) as { configurations: { name: string }[] };
      assert.equal(after.configurations.filter((c) => c.name === ENTRY.name).length, 1);
      assert.deepEqual(
        after.configurations.find((c) => c.name === ENTRY.name),
        ENTRY,
      );
    });
  }

  it('tasks.json: inserts under "tasks" keyed by label', () => {
    const original =
      '{\n  "version": "2.0.0",\n  "tasks": [\n    { "label": "build", "type": "shell", "command": "make" }\n  ]\n}\n';
    const task = { label: 'train', type: 'shell', command: "python3 train.py '--x=a b'" };
    const { text } = upsertEntry(original, 'tasks', task);
    assert.deepEqual((parseClean(text) as { tasks: unknown[] }).tasks[1], task);
    insertedChunks(original, text);
  });

  for (const [name, text] of [
    [
      'missing comma between entries',
      '{\n  "configurations": [\n    { "name": "A" }\n    { "name": "B" }\n  ]\n}\n',
    ],
    ['unclosed object', '{\n  "configurations": [\n'],
    ['top-level array', '[1, 2]'],
    ['configurations is not an array', '{ "configurations": {} }'],
  ]) {
    it(`refuses to edit: ${name}`, () => {
      assert.throws(
        () => upsertEntry(text, 'launch', ENTRY),
        (e: unknown) =>
          e instanceof JsoncParseError && e.line >= 1 && e.column >= 1 && /untouched/.test(e.message),
      );
    });
  }

  it('on disk: creates .vscode/launch.json, and leaves an unparsable file byte-identical', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-jsonc-'));
    try {
      const created = await upsertEntryInFolder(dir, 'launch', ENTRY);
      assert.equal(created.action, 'created');
      assert.deepEqual(
        (parseClean(fs.readFileSync(created.file, 'utf8')) as { configurations: unknown[] }).configurations,
        [ENTRY],
      );
      const broken = '{ "configurations": [ { "name": "A" } { "name": "B" } ] } // broken\n';
      fs.writeFileSync(created.file, broken);
      await assert.rejects(upsertEntryInFolder(dir, 'launch', { ...ENTRY, name: 'other' }), JsoncParseError);
      assert.equal(fs.readFileSync(created.file, 'utf8'), broken);
      assert.deepEqual(
        fs.readdirSync(path.join(dir, '.vscode')),
        ['launch.json'],
        'no temporary file left behind',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
