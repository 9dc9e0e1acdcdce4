// Mutation audit of src/core (issue #14): realistic one-line bugs, each put into a temporary compiled
// copy of the tree, and the unit tests that load the mutated module run against it. A mutation is
// caught when one of those tests fails (or the run exceeds its time bound: a hang is caught too).
//
//   node scripts/mutation-audit.mjs                 every mutation
//   node scripts/mutation-audit.mjs snappy-signed   only these ids (comma or space separated)
//   node scripts/mutation-audit.mjs --list          the mutations, without running anything
//   options: --time-limit SECONDS per mutation (default 300), --keep (keep the temporary tree)
//
// The working tree is only read: the tests are compiled once (tsc) into a temporary folder whose
// other entries link back here, a mutated file is recompiled alone (TypeScript's transpileModule)
// over its compiled copy there, and the compiled original is put back after each mutation. The
// temporary folder is removed on exit, Ctrl-C and crashes. Not part of `npm test`: it is slow.
// Unit test files run one at a time (nice'd), cheapest first, and stop at the first failure; a test
// file that fails without the mutation is reported, never counted as catching it.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Each mutation: the file, the exact text it replaces (which must occur once), the replacement, and
 * what kind of bug it is. Keep them one-line and plausible: what a tired person could commit.
 */
const MUTATIONS = [
  // catalog
  {
    id: 'catalog-url-copy-paste',
    file: 'src/core/catalog/models.ts',
    from: "'https://storage.googleapis.com/tf_model_garden/nlp/bert/v3/uncased_L-12_H-768_A-12.tar.gz'",
    to: "'https://storage.googleapis.com/tf_model_garden/nlp/bert/v3/cased_L-12_H-768_A-12.tar.gz'",
    kind: 'copy-paste between two models',
  },
  {
    id: 'catalog-albert-url-size',
    file: 'src/core/catalog/models.ts',
    from: "'https://storage.googleapis.com/tf_model_garden/nlp/albert/albert_xlarge.tar.gz'",
    to: "'https://storage.googleapis.com/tf_model_garden/nlp/albert/albert_xxlarge.tar.gz'",
    kind: 'copy-paste between two models',
  },
  {
    id: 'catalog-filter-word-start',
    file: 'src/core/catalog/query.ts',
    from: 'new RegExp(`(^|[^a-z0-9])${escapeRegExp(word)}`)',
    to: 'new RegExp(escapeRegExp(word))',
    kind: 'dropped check (word boundary)',
  },
  {
    id: 'catalog-filter-casing',
    file: 'src/core/catalog/query.ts',
    from: 'if (filter.casing && model.casing !== filter.casing) return false;',
    to: 'if (filter.casing && model.casing === filter.casing) return false;',
    kind: 'wrong comparison',
  },
  // launch: quoting, JSONC, validation, overrides
  {
    id: 'quote-bash-empty',
    file: 'src/core/launch/quote.ts',
    from: "if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;",
    to: 'if (/^[A-Za-z0-9_@%+=:,./-]*$/.test(arg)) return arg;',
    kind: 'dropped check (empty argument)',
  },
  {
    id: 'quote-cmd-trailing-backslash',
    file: 'src/core/launch/quote.ts',
    from: "quoted += '\\\\'.repeat(backslashes * 2) + '\"';",
    to: "quoted += '\\\\'.repeat(backslashes) + '\"';",
    kind: 'wrong constant (trailing backslashes not doubled)',
  },
  {
    id: 'quote-cmd-quote-escape',
    file: 'src/core/launch/quote.ts',
    from: "quoted += '\\\\'.repeat(backslashes * 2 + 1) + '\"';",
    to: "quoted += '\\\\'.repeat(backslashes * 2) + '\"';",
    kind: 'off-by-one',
  },
  {
    id: 'quote-cmd-caret',
    file: 'src/core/launch/quote.ts',
    from: "return quoted.replace(/[()%!^\"<>&|]/g, '^$&');",
    to: "return quoted.replace(/[()%!\"<>&|]/g, '^$&');",
    kind: 'dropped case (^ not escaped)',
  },
  {
    id: 'quote-powershell-typographic',
    file: 'src/core/launch/quote.ts',
    from: "/['\\u2018\\u2019\\u201a\\u201b]/g",
    to: "/['\\u2018\\u201a\\u201b]/g",
    kind: 'dropped case (’ not doubled)',
  },
  {
    id: 'quote-powershell-call-operator',
    file: 'src/core/launch/quote.ts',
    from: "shell === 'powershell' && first.startsWith(\"'\")",
    to: "shell === 'powershell' && first.startsWith('\"')",
    kind: 'wrong constant',
  },
  {
    id: 'jsonc-separator-anchor',
    file: 'src/core/launch/jsonc.ts',
    from: "const separator = text.length === 0 || /(\\r?\\n)$/.test(text) ? '' : eol;",
    to: "const separator = text.length === 0 || /(\\r?\\n)/.test(text) ? '' : eol;",
    kind: 'dropped anchor (a comment whose last line has no newline swallows the new JSON)',
  },
  {
    id: 'jsonc-column-off-by-one',
    file: 'src/core/launch/jsonc.ts',
    from: 'column: before[before.length - 1].length + 1',
    to: 'column: before[before.length - 1].length',
    kind: 'off-by-one',
  },
  {
    id: 'jsonc-top-level-array',
    file: 'src/core/launch/jsonc.ts',
    from: "if (root && root.type !== 'object') {",
    to: "if (root && root.type === 'string') {",
    kind: 'wrong comparison',
  },
  {
    id: 'validate-seq-length-boundary',
    file: 'src/core/launch/validate.ts',
    from: "if (typeof seq === 'number' && seq > positions) {",
    to: "if (typeof seq === 'number' && seq >= positions) {",
    kind: 'off-by-one',
  },
  {
    id: 'overrides-last-wins',
    file: 'src/core/launch/paramsOverride.ts',
    from: 'result[keyPart(pair.key)] = pair.value;',
    to: 'result[keyPart(pair.key)] ??= pair.value;',
    kind: 'wrong semantics (first duplicate wins)',
  },
  // tokenizers
  {
    id: 'wordpiece-surrogate-split',
    file: 'src/core/tokenizers/wordpiece.ts',
    from: 'if (end < n && isHigh(word.charCodeAt(end - 1)) && isLow(word.charCodeAt(end))) {',
    to: 'if (end < n && isHigh(word.charCodeAt(end)) && isLow(word.charCodeAt(end))) {',
    kind: 'off-by-one (index)',
  },
  {
    id: 'wordpiece-unk-span-astral',
    file: 'src/core/tokenizers/wordpiece.ts',
    from: 'ends.push(this.be[word.length - 1]);',
    to: 'ends.push(this.bs[word.length - 1] + 1);',
    kind: 'wrong end (inside a surrogate pair)',
  },
  {
    id: 'wordpiece-max-chars',
    file: 'src/core/tokenizers/wordpiece.ts',
    from: 'if (chars > this.maxCharsPerWord) return this.unkResult;',
    to: 'if (chars >= this.maxCharsPerWord) return this.unkResult;',
    kind: 'off-by-one',
  },
  {
    id: 'wordpiece-backtick-punctuation',
    file: 'src/core/tokenizers/wordpiece.ts',
    from: '(c >= 91 && c <= 96)',
    to: '(c >= 91 && c < 96)',
    kind: 'off-by-one (range)',
  },
  {
    id: 'wordpiece-cased-lowered',
    file: 'src/core/tokenizers/wordpiece.ts',
    from: `        if (hasUpper && lower) word = word.toLowerCase();
        this.emitSimple(word, ws, ids, starts, ends);`,
    to: `        if (hasUpper) word = word.toLowerCase();
        this.emitSimple(word, ws, ids, starts, ends);`,
    kind: 'dropped check (cased vocabulary lower-cased)',
  },
  {
    id: 'wordpiece-final-sigma',
    file: 'src/core/tokenizers/wordpiece.ts',
    from: 'return !isCased(cp);',
    to: 'return isCased(cp);',
    kind: 'inverted condition',
  },
  {
    id: 'pack-round-robin',
    file: 'src/core/tokenizers/pack.ts',
    from: 'Math.min(a, ceilHalf + Math.max(0, floorHalf - b)),',
    to: 'Math.min(a, floorHalf + Math.max(0, ceilHalf - b)),',
    kind: 'swapped operands',
  },
  {
    id: 'pack-sep-type-id',
    file: 'src/core/tokenizers/pack.ts',
    from: `    inputIds.push(sep);
    typeIds.push(k);`,
    to: `    inputIds.push(sep);
    typeIds.push(0);`,
    kind: 'wrong constant',
  },
  {
    id: 'albert-lowercase-z',
    file: 'src/core/tokenizers/albert.ts',
    from: 'cp >= 65 && cp <= 90 ? cp + 32 : cp',
    to: 'cp >= 65 && cp < 90 ? cp + 32 : cp',
    kind: 'off-by-one (range)',
  },
  {
    id: 'spm-charsmap-unit',
    file: 'src/core/tokenizers/spmModel.ts',
    from: 'if (trieSize % 4 !== 0) bad(',
    to: 'if (trieSize % 2 !== 0) bad(',
    kind: 'wrong constant',
  },
  // checkpoint: Snappy, SSTable, CRC, values
  {
    id: 'snappy-signed-literal-length',
    file: 'src/core/checkpoint/snappy.ts',
    from: 'for (let k = 0; k < extra; k++) len += input[ip + k] * 2 ** (8 * k);',
    to: 'for (let k = 0; k < extra; k++) len |= input[ip + k] << (8 * k);',
    kind: 'signed shift (the snappyjs hang)',
  },
  {
    id: 'snappy-literal-output-check',
    file: 'src/core/checkpoint/snappy.ts',
    from: 'if (len > length - op) throw new SnappyError(`literal of ${len} bytes runs past the output`, tagAt);',
    to: '',
    kind: 'dropped check',
  },
  {
    id: 'snappy-copy1-length',
    file: 'src/core/checkpoint/snappy.ts',
    from: 'len = 4 + ((tag >>> 2) & 7);',
    to: 'len = 3 + ((tag >>> 2) & 7);',
    kind: 'wrong constant',
  },
  {
    id: 'snappy-overlapping-copy',
    file: 'src/core/checkpoint/snappy.ts',
    from: 'if (offset >= len) {',
    to: 'if (offset > 0) {',
    kind: 'wrong comparison (overlapping copy as memmove)',
  },
  {
    id: 'snappy-preamble-continuation',
    file: 'src/core/checkpoint/snappy.ts',
    from: 'if (b < 0x80) return { length: result, headerBytes: i + 1 };',
    to: 'if (b <= 0x80) return { length: result, headerBytes: i + 1 };',
    kind: 'off-by-one',
  },
  {
    id: 'crc-mask-rotation',
    file: 'src/core/checkpoint/crc32c.ts',
    from: 'return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;',
    to: 'return ((((crc >>> 17) | (crc << 15)) >>> 0) + MASK_DELTA) >>> 0;',
    kind: 'swapped constants',
  },
  {
    id: 'crc-aligned-table',
    file: 'src/core/checkpoint/crc32c.ts',
    from: `        t4[lo >>> 24] ^
        t3[hi & 0xff] ^`,
    to: `        t4[lo >>> 24] ^
        t2[hi & 0xff] ^`,
    kind: 'copy-paste (wrong table)',
  },
  {
    id: 'sstable-duplicate-keys',
    file: 'src/core/checkpoint/sstable.ts',
    from: 'if (entries.length > 0 && compareBytes(key, previous) <= 0) throw',
    to: 'if (entries.length > 0 && compareBytes(key, previous) < 0) throw',
    kind: 'wrong comparison',
  },
  {
    id: 'sstable-trailer-length',
    file: 'src/core/checkpoint/sstable.ts',
    from: 'if (handle.offset + handle.size + 5 > footerStart) {',
    to: 'if (handle.offset + handle.size + 4 > footerStart) {',
    kind: 'off-by-one',
  },
  {
    id: 'values-size-check',
    file: 'src/core/checkpoint/values.ts',
    from: 'n * info.bytes !== entry.size',
    to: 'n * info.bytes > entry.size',
    kind: 'wrong comparison',
  },
  {
    id: 'dtype-float16-bytes',
    file: 'src/core/checkpoint/dtype.ts',
    from: "19: { name: 'float16', bytes: 2,",
    to: "19: { name: 'float16', bytes: 4,",
    kind: 'wrong constant',
  },
  {
    id: 'config-check-direction',
    file: 'src/core/checkpoint/configCheck.ts',
    from: "if (typeof stored === 'number' && stored > 0 && stored !== value) {",
    to: "if (typeof stored === 'number' && stored > 0 && stored < value) {",
    kind: 'wrong comparison',
  },
  // inference
  {
    id: 'attention-mask-row',
    file: 'src/core/inference/math.ts',
    from: 'adders[Math.floor(i / A)]',
    to: 'adders[i % B]',
    kind: "wrong index (another row's mask)",
  },
  {
    id: 'gelu-constant',
    file: 'src/core/inference/math.ts',
    from: 'tf.mul(tf.square(x), 2 * 0.044715 * SQRT_2_OVER_PI)',
    to: 'tf.mul(tf.square(x), 0.044715 * SQRT_2_OVER_PI)',
    kind: 'wrong constant',
  },
  {
    id: 'mask-adder-swapped',
    file: 'src/core/inference/model.ts',
    from: "tf.mul(tf.sub(1, tf.tensor2d(maskArr, [B, S], 'float32')), MASK_ADDER)",
    to: "tf.mul(tf.sub(tf.tensor2d(maskArr, [B, S], 'float32'), 1), MASK_ADDER)",
    kind: 'swapped arguments',
  },
  {
    id: 'finite-infinity',
    file: 'src/core/inference/finite.ts',
    from: 'if (v - v !== 0) {',
    to: 'if (v !== v) {',
    kind: 'dropped case (infinity)',
  },
  // download
  {
    id: 'download-206-start',
    file: 'src/core/download/downloadFile.ts',
    from: 'if (!range || range.start !== have) {',
    to: 'if (!range) {',
    kind: 'dropped check',
  },
  {
    id: 'download-416-total',
    file: 'src/core/download/downloadFile.ts',
    from: 'if (range?.total === have) return finish(',
    to: 'if (range?.total !== null) return finish(',
    kind: 'wrong comparison',
  },
  {
    id: 'download-500-retry',
    file: 'src/core/download/downloadFile.ts',
    from: 'if (response.status >= 500 || response.status === 429',
    to: 'if (response.status > 500 || response.status === 429',
    kind: 'off-by-one',
  },
  {
    id: 'download-short-body',
    file: 'src/core/download/downloadFile.ts',
    from: 'if (total !== null && bytes < total) {',
    to: 'if (total !== null && bytes > total) {',
    kind: 'wrong comparison',
  },
  {
    id: 'download-validator-changed',
    file: 'src/core/download/downloadFile.ts',
    from: 'if (validator !== null && validator !== info?.validator) {',
    to: 'if (validator !== null && info?.validator === undefined) {',
    kind: 'wrong condition',
  },
  {
    id: 'extract-setid-bits',
    file: 'src/core/download/extract.ts',
    from: 'withMode.mode &= 0o777;',
    to: 'withMode.mode &= 0o7777;',
    kind: 'wrong constant',
  },
  {
    id: 'extract-dotdot',
    file: 'src/core/download/extract.ts',
    from: "return normalized === '..' || normalized.startsWith('../');",
    to: "return normalized.startsWith('../');",
    kind: 'dropped case',
  },
  {
    id: 'cache-new-url-needs-force',
    file: 'src/core/download/cache.ts',
    from: 'if (request.url !== undefined && request.url !== manifest.url) {',
    to: 'if (request.url !== undefined && request.url === manifest.url) {',
    kind: 'wrong comparison',
  },
  {
    id: 'read-input-limit',
    file: 'src/core/files/readInput.ts',
    from: 'if (st.size > options.maxBytes) {',
    to: 'if (st.size >= options.maxBytes) {',
    kind: 'off-by-one',
  },
  // events
  {
    id: 'tfrecord-last-record',
    file: 'src/core/events/tfrecord.ts',
    from: 'if (end > n) break;',
    to: 'if (end >= n) break;',
    kind: 'off-by-one',
  },
  {
    id: 'tfrecord-length-crc',
    file: 'src/core/events/tfrecord.ts',
    from: 'if (maskCrc(crc32cRange(bytes, pos, pos + 8)) !== u32(bytes, pos + 8)) {',
    to: 'if (maskCrc(crc32cRange(bytes, pos, pos + 4)) !== u32(bytes, pos + 8)) {',
    kind: 'wrong constant',
  },
  {
    id: 'smooth-debias-count',
    file: 'src/core/events/smooth.ts',
    from: 'last / (1 - Math.pow(weight, debias))',
    to: 'last / (1 - Math.pow(weight, i + 1))',
    kind: 'wrong counter (non-finite points counted)',
  },
  {
    id: 'event-packed-float-endianness',
    file: 'src/core/events/event.ts',
    from: 'for (let q = next; q < e; q += 4) values.push(view.getFloat32(q, true));',
    to: 'for (let q = next; q < e; q += 4) values.push(view.getFloat32(q));',
    kind: 'dropped argument (big-endian)',
  },
];

/** Unit test files that take long: run last, so a cheaper file usually catches the mutation first. */
const SLOW_TESTS = [
  'tokenizers-wordpiece-parity',
  'tokenizers-sentencepiece-parity',
  'checkpoint-mutation',
  'checkpoint-scale',
  'launch-scale',
  'inference-cli-bench',
];

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = args[at + 1];
  args.splice(at, 2);
  return value;
};
const timeLimit = Number(option('--time-limit', '300')) * 1000;
const keep = args.includes('--keep');
const list = args.includes('--list');
const wanted = args.filter((a) => !a.startsWith('--')).flatMap((a) => a.split(','));
const unknown = wanted.filter((id) => !MUTATIONS.some((m) => m.id === id));
if (unknown.length > 0) {
  console.error(`unknown mutation id: ${unknown.join(', ')}`);
  process.exit(2);
}
const selected = wanted.length > 0 ? MUTATIONS.filter((m) => wanted.includes(m.id)) : MUTATIONS;

// Every mutation must still apply exactly once, or the audit has gone stale with the code.
const stale = [];
for (const m of MUTATIONS) {
  const text = fs.readFileSync(path.join(root, m.file), 'utf8');
  const count = text.split(m.from).length - 1;
  if (count !== 1) stale.push(`${m.id}: ${m.file} holds its text ${count} times (must be once)`);
}
if (new Set(MUTATIONS.map((m) => m.id)).size !== MUTATIONS.length) stale.push('duplicate mutation ids');
if (stale.length > 0) {
  console.error(`stale mutations; update scripts/mutation-audit.mjs:\n  ${stale.join('\n  ')}`);
  process.exit(2);
}
if (list) {
  for (const m of selected) console.log(`${m.id.padEnd(34)} ${m.file.padEnd(36)} ${m.kind}`);
  process.exit(0);
}

// The temporary tree: links to everything here but `out`, and its own compiled `out`.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-mutation-'));
let cleaned = false;
const children = new Set();
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (keep) console.log(`kept ${tmp}`);
  else fs.rmSync(tmp, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  console.error(error);
  cleanup();
  process.exit(1);
});

for (const entry of fs.readdirSync(root)) {
  if (entry === 'out' || entry === '.git') continue;
  fs.symlinkSync(path.join(root, entry), path.join(tmp, entry));
}
const out = path.join(tmp, 'out');
console.log(`compiling the tests into ${out} …`);
const tsc = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.test.json', '--outDir', out],
  { cwd: root, stdio: 'inherit' },
);
if (tsc.status !== 0) {
  console.error('tsc failed: fix the build before auditing');
  process.exit(1);
}

// Which unit test files load which compiled module (transitively, through relative requires).
const testDir = path.join(out, 'test', 'unit');
const testFiles = fs
  .readdirSync(testDir)
  .filter((f) => f.endsWith('.test.js'))
  .map((f) => path.join(testDir, f));
const requiresOf = new Map();
function closure(file, seen = new Set()) {
  if (seen.has(file) || !fs.existsSync(file)) return seen;
  seen.add(file);
  let deps = requiresOf.get(file);
  if (!deps) {
    deps = [];
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
      const base = path.resolve(path.dirname(file), match[1]);
      for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')])
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
          deps.push(candidate);
          break;
        }
    }
    // Worker threads started by a test: `new Worker(path.join(__dirname, …, 'x.js'))`.
    for (const match of text.matchAll(/path\.join\(__dirname,((?:\s*'[^']+',?)+)\)/g)) {
      const parts = [...match[1].matchAll(/'([^']+)'/g)].map((p) => p[1]);
      const target = path.resolve(path.dirname(file), ...parts);
      if (target.endsWith('.js') && fs.existsSync(target)) deps.push(target);
    }
    requiresOf.set(file, deps);
  }
  for (const dep of deps) closure(dep, seen);
  return seen;
}
const loads = new Map(testFiles.map((t) => [t, closure(t)]));
const compiledOf = (file) => path.join(out, file.replace(/\.ts$/, '.js'));
const weight = (t) => SLOW_TESTS.findIndex((s) => path.basename(t) === `${s}.test.js`);
function testsFor(file) {
  const target = compiledOf(file);
  return testFiles
    .filter((t) => loads.get(t).has(target))
    .sort((a, b) => weight(a) - weight(b) || fs.statSync(a).size - fs.statSync(b).size);
}

const env = {
  ...process.env,
  MODEL_GARDEN_FIXTURES: process.env.MODEL_GARDEN_FIXTURES ?? path.resolve(root, '..', 'shared', 'fixtures'),
  MODEL_GARDEN_REFERENCE:
    process.env.MODEL_GARDEN_REFERENCE ?? path.resolve(root, '..', 'shared', 'reference'),
};
const niceAvailable = spawnSync('nice', ['-n', '0', 'true']).status === 0;

/** Runs one mocha file; resolves to { ok, timedOut, failure, output }. */
function runMocha(testFile, deadline) {
  return new Promise((resolve) => {
    const command = [process.execPath, path.join(root, 'node_modules/mocha/bin/mocha.js')];
    const argv = [...command, '--timeout', '120000', '--bail', '--reporter', 'spec', testFile];
    const child = spawn(
      niceAvailable ? 'nice' : argv[0],
      niceAvailable ? ['-n', '10', ...argv] : argv.slice(1),
      {
        cwd: tmp,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.add(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      },
      Math.max(1000, deadline - Date.now()),
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      const failure = /^\s+1\) (.+)$/m.exec(output)?.[1]?.trim();
      resolve({ ok: code === 0 && !timedOut, timedOut, failure, output });
    });
  });
}

const baseline = new Map();
async function passesUnmutated(testFile) {
  if (!baseline.has(testFile)) {
    const result = await runMocha(testFile, Date.now() + timeLimit);
    baseline.set(testFile, result.ok);
    if (!result.ok)
      console.log(
        `    (${path.basename(testFile)} fails without any mutation:)\n${result.output.slice(-1500)}`,
      );
  }
  return baseline.get(testFile);
}

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  esModuleInterop: true,
  resolveJsonModule: true,
};
const transpile = (source, file) =>
  ts.transpileModule(source, { compilerOptions, fileName: path.join(root, file) }).outputText;

const results = [];
const started = Date.now();
for (const m of selected) {
  const source = fs.readFileSync(path.join(root, m.file), 'utf8');
  const target = compiledOf(m.file);
  const original = fs.readFileSync(target);
  const mutated = transpile(
    source.replace(m.from, () => m.to),
    m.file,
  );
  if (mutated === transpile(source, m.file)) {
    results.push({ ...m, verdict: 'no-op', detail: 'compiles to the same JavaScript' });
    continue;
  }
  const tests = testsFor(m.file);
  const t0 = Date.now();
  let verdict = 'survived';
  let detail = `${tests.length} test files passed`;
  fs.writeFileSync(target, mutated);
  try {
    const deadline = Date.now() + timeLimit;
    for (const testFile of tests) {
      const result = await runMocha(testFile, deadline);
      if (result.ok) continue;
      if (result.timedOut) {
        verdict = 'caught';
        detail = `time bound of ${timeLimit / 1000} s exceeded in ${path.basename(testFile)} (a hang)`;
        break;
      }
      fs.writeFileSync(target, original);
      const clean = await passesUnmutated(testFile);
      fs.writeFileSync(target, mutated);
      if (!clean) {
        verdict = 'unknown';
        detail = `${path.basename(testFile)} fails without the mutation`;
        break;
      }
      verdict = 'caught';
      detail = `${path.basename(testFile, '.test.js')}: ${result.failure ?? '(failed)'}`;
      break;
    }
  } finally {
    fs.writeFileSync(target, original);
  }
  const seconds = ((Date.now() - t0) / 1000).toFixed(0);
  results.push({ ...m, verdict, detail });
  console.log(
    `${verdict === 'caught' ? 'CAUGHT  ' : verdict.toUpperCase().padEnd(8)} ${m.id} (${seconds} s) — ${detail}`,
  );
}

const counted = results.filter((r) => r.verdict === 'caught' || r.verdict === 'survived');
const caught = counted.filter((r) => r.verdict === 'caught').length;
console.log('');
for (const r of results.filter((r) => r.verdict !== 'caught'))
  console.log(
    `${r.verdict}: ${r.id} [${r.kind}] ${r.file}: ${r.from.trim().split('\n')[0]} → ${r.to.trim().split('\n')[0] || '(deleted)'}`,
  );
console.log(
  `mutation audit: ${caught} of ${counted.length} caught (${counted.length ? Math.round((100 * caught) / counted.length) : 0} %)` +
    `, ${results.length - counted.length} not counted, in ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exitCode = counted.length - caught > 0 ? 1 : 0;
