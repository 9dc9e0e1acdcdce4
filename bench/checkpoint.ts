// Benchmark: open a BERT-base-sized index and read every weight of a generated BERT-base-sized
// checkpoint (written to a temp dir with the test writer). Peers in one run: reading with tensor
// CRC checks, without them, and a plain sequential read of the data file as the I/O ceiling.
// Run: node out/bench/checkpoint.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointReader } from '../src/core/checkpoint';
import { writeCheckpoint, type WriterTensor } from '../test/support/checkpointWriter';

function bertBase(): WriterTensor[] {
  const V = 30522;
  const H = 768;
  const I = 3072;
  const fill = (n: number) => () => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = ((i * 2654435761) % 1000) / 1e5;
    return a;
  };
  const t = (name: string, shape: number[]): WriterTensor => ({
    name,
    shape,
    data: fill(shape.reduce((a, b) => a * b, 1)),
  });
  const tensors = [
    t('bert/embeddings/word_embeddings', [V, H]),
    t('bert/embeddings/position_embeddings', [512, H]),
    t('bert/embeddings/token_type_embeddings', [2, H]),
    t('bert/embeddings/LayerNorm/gamma', [H]),
    t('bert/embeddings/LayerNorm/beta', [H]),
  ];
  for (let l = 0; l < 12; l++) {
    const p = `bert/encoder/layer_${l}`;
    for (const n of ['query', 'key', 'value'])
      tensors.push(t(`${p}/attention/self/${n}/kernel`, [H, H]), t(`${p}/attention/self/${n}/bias`, [H]));
    tensors.push(
      t(`${p}/attention/output/dense/kernel`, [H, H]),
      t(`${p}/attention/output/dense/bias`, [H]),
      t(`${p}/attention/output/LayerNorm/gamma`, [H]),
      t(`${p}/attention/output/LayerNorm/beta`, [H]),
      t(`${p}/intermediate/dense/kernel`, [H, I]),
      t(`${p}/intermediate/dense/bias`, [I]),
      t(`${p}/output/dense/kernel`, [I, H]),
      t(`${p}/output/dense/bias`, [H]),
      t(`${p}/output/LayerNorm/gamma`, [H]),
      t(`${p}/output/LayerNorm/beta`, [H]),
    );
  }
  tensors.push(t('bert/pooler/dense/kernel', [H, H]), t('bert/pooler/dense/bias', [H]));
  tensors.push({ name: 'global_step', shape: [], data: BigInt64Array.of(1000000n) });
  return tensors;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-bench-ckpt-'));
  try {
    const prefix = path.join(dir, 'bert_model.ckpt');
    const [writeMs] = await time(() => writeCheckpoint(prefix, bertBase()));
    const dataBytes = fs.statSync(prefix + '.data-00000-of-00001').size;
    const mb = dataBytes / 1e6;
    console.log(
      `generated BERT-base-sized checkpoint: ${mb.toFixed(0)} MB in ${(writeMs / 1000).toFixed(1)} s`,
    );

    // A BERT-base-with-Adam index (weights + adam_m + adam_v + global_step, ~600 entries) with tiny data.
    const adamPrefix = path.join(dir, 'adam.ckpt');
    const names = bertBase().flatMap((t) =>
      t.name === 'global_step' ? [t.name] : [t.name, `${t.name}/adam_m`, `${t.name}/adam_v`],
    );
    await writeCheckpoint(
      adamPrefix,
      names.map((name) => ({ name, shape: [1], data: Float32Array.of(1) })),
    );
    const adamOpens: number[] = [];
    for (let i = 0; i < 50; i++) {
      const [ms, reader] = await time(() => CheckpointReader.open(adamPrefix));
      adamOpens.push(ms);
      await reader.close();
    }
    adamOpens.sort((a, b) => a - b);
    console.log(
      `open a BERT-base+Adam index (${names.length} entries): median ${adamOpens[25].toFixed(2)} ms`,
    );

    const opens: number[] = [];
    let entries = 0;
    for (let i = 0; i < 20; i++) {
      const [ms, reader] = await time(() => CheckpointReader.open(prefix));
      opens.push(ms);
      entries = reader.tensors.length;
      await reader.close();
    }
    opens.sort((a, b) => a - b);
    console.log(`open index (${entries} entries): median ${opens[10].toFixed(2)} ms`);

    const readAll = async (verify: boolean) => {
      const reader = await CheckpointReader.open(prefix);
      try {
        let n = 0;
        for (const t of reader.tensors)
          n += (await reader.read(t, { verify })).shape.length >= 0 ? t.size : 0;
        return n;
      } finally {
        await reader.close();
      }
    };
    const rawRead = async () => {
      const handle = await fs.promises.open(prefix + '.data-00000-of-00001', 'r');
      const chunk = new Uint8Array(8 << 20);
      let n = 0;
      try {
        for (;;) {
          const { bytesRead } = await handle.read(chunk, 0, chunk.length, n);
          if (bytesRead === 0) return n;
          n += bytesRead;
        }
      } finally {
        await handle.close();
      }
    };
    await rawRead(); // warm the page cache so every peer reads from memory
    const results: [string, number][] = [];
    for (const [name, fn] of [
      ['plain sequential read of the data file', rawRead],
      ['read all weights, CRC checked', () => readAll(true)],
      ['read all weights, CRC off', () => readAll(false)],
    ] as const) {
      const [ms, bytes] = await time(fn);
      if (bytes !== dataBytes) throw new Error(`${name} read ${bytes} of ${dataBytes} bytes`);
      results.push([name, ms]);
    }
    const base = results[0][1];
    for (const [name, ms] of results) {
      console.log(
        `${name.padEnd(40)} ${ms.toFixed(0).padStart(6)} ms  ${(mb / (ms / 1000)).toFixed(0).padStart(6)} MB/s  x${(ms / base).toFixed(2)} of plain read`,
      );
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
