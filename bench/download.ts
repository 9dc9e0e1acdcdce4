// Benchmark: the resumable downloader against plain peers, on one 200 MB body served from memory
// by a 127.0.0.1 server (so the network is not the limit and the downloader's own cost shows).
// Peers in one run: fetch piped straight to a file (no checks), the same plus a streaming sha256,
// and downloadFile (.part, progress, size check, streaming sha256, rename). Then extraction of a
// 200 MB .tar.gz: extractArchive (entry checks, temp folder, rename) against a bare tar.x.
// Run: node out/bench/download.js [MB]
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { downloadFile, extractArchive } from '../src/core/download';

const MB = Number(process.argv[2] ?? 200);
const RUNS = 3;

function body(bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  let x = 12345;
  for (let i = 0; i < bytes; i += 4) {
    x = (x * 1103515245 + 12345) >>> 0;
    out.writeUInt32LE(x, Math.min(i, bytes - 4));
  }
  return out;
}

async function best(label: string, run: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  const ms = Math.min(...times);
  console.log(
    `${label.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  ${((MB * 1e3) / ms).toFixed(0).padStart(5)} MB/s`,
  );
  return ms;
}

async function main(): Promise<void> {
  const data = body(MB * 1_000_000);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-length': String(data.length), etag: '"b"' });
    res.end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/f`;
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mg-bench-dl-'));
  const file = path.join(dir, 'f.bin');
  try {
    console.log(`download of ${MB} MB from 127.0.0.1, best of ${RUNS}`);
    const plain = await best('fetch → file (no checks)', async () => {
      const response = await fetch(url);
      await pipeline(Readable.fromWeb(response.body as never), fs.createWriteStream(file));
    });
    const hashed = await best('fetch → file + sha256', async () => {
      const response = await fetch(url);
      const hash = createHash('sha256');
      const source = Readable.fromWeb(response.body as never);
      source.on('data', (chunk: Buffer) => hash.update(chunk));
      await pipeline(source, fs.createWriteStream(file));
      hash.digest('hex');
    });
    const ours = await best('downloadFile (.part, checks, sha256, rename)', async () => {
      await downloadFile(url, file, { minFreeBytes: 0 });
    });
    console.log(
      `ratio downloadFile / plain fetch: ${(ours / plain).toFixed(2)}; / fetch+sha256: ${(ours / hashed).toFixed(2)}`,
    );

    // Extraction: a tarball of 4 files of MB/4 each (a checkpoint's shape: a few large files).
    const src = path.join(dir, 'src');
    await fs.promises.mkdir(src);
    for (let i = 0; i < 4; i++)
      await fs.promises.writeFile(path.join(src, `part${i}`), data.subarray(0, data.length / 4));
    const archive = path.join(dir, 'a.tar.gz');
    await tar.c({ gzip: { level: 1 }, file: archive, cwd: src }, ['part0', 'part1', 'part2', 'part3']);
    console.log(`extraction of ${MB} MB in 4 files, best of ${RUNS}`);
    const bare = await best('tar.x (no checks)', async () => {
      const out = path.join(dir, 'bare');
      await fs.promises.rm(out, { recursive: true, force: true });
      await fs.promises.mkdir(out);
      await tar.x({ file: archive, cwd: out });
    });
    const safe = await best('extractArchive (checks, temp folder, rename)', async () => {
      await extractArchive(archive, path.join(dir, 'safe'));
    });
    console.log(`ratio extractArchive / tar.x: ${(safe / bare).toFixed(2)}`);
  } finally {
    server.close();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

void main();
