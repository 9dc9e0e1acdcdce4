// A minimal ONNX ModelProto writer (protobuf by hand, field numbers from onnx/onnx.proto) that builds
// the same BERT encoder as src/core/inference/model.ts from EncoderWeights, for the benchmark peer
// onnxruntime-node. Opset 17 (LayerNormalization); GELU as the tanh formula.
import type { DenseWeights, EncoderWeights, LayerNormWeights, Tensor } from '../src/core/model/encoder';

class Proto {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.parts.push(bytes);
    this.size += bytes.length;
  }

  private varint(n: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(n));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, n: number | bigint): this {
    this.key(field, 0);
    this.varint(n);
    return this;
  }

  float(field: number, f: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, f, true);
    this.push(b);
    return this;
  }

  bytes(field: number, bytes: Uint8Array): this {
    this.key(field, 2);
    this.varint(bytes.length);
    this.push(bytes);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Proto): this {
    return this.bytes(field, m.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

const FLOAT = 1;
const INT64 = 7;

type Attr = { name: string } & ({ f: number } | { i: number } | { ints: number[] });

export class OnnxGraph {
  private readonly nodes: Proto[] = [];
  private readonly initializers: Proto[] = [];
  private readonly inputs: Proto[] = [];
  private readonly outputs: Proto[] = [];
  private counter = 0;

  name(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  node(op: string, inputs: string[], attrs: Attr[] = [], outputName?: string): string {
    const out = outputName ?? this.name(op);
    const n = new Proto();
    for (const i of inputs) n.string(1, i);
    n.string(2, out).string(3, out).string(4, op);
    for (const a of attrs) {
      const p = new Proto().string(1, a.name);
      if ('f' in a) p.float(2, a.f).int(20, 1);
      else if ('i' in a) p.int(3, a.i).int(20, 2);
      else {
        for (const v of a.ints) p.int(8, v);
        p.int(20, 7);
      }
      n.message(5, p);
    }
    this.nodes.push(n);
    return out;
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    const t = new Proto();
    for (const d of dims) t.int(1, d);
    t.int(2, FLOAT)
      .string(8, name)
      .bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.initializers.push(t);
    return name;
  }

  int64s(name: string, values: readonly number[]): string {
    const t = new Proto().int(1, values.length).int(2, INT64).string(8, name);
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    t.bytes(9, new Uint8Array(data.buffer));
    this.initializers.push(t);
    return name;
  }

  scalar(value: number): string {
    return this.floats(this.name('c'), [], Float32Array.of(value));
  }

  private valueInfo(name: string, elemType: number, dims: readonly number[]): Proto {
    const shape = new Proto();
    for (const d of dims) shape.message(1, new Proto().int(1, d));
    const tensorType = new Proto().int(1, elemType).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
  }

  input(name: string, elemType: 'int64' | 'float', dims: readonly number[]): string {
    this.inputs.push(this.valueInfo(name, elemType === 'int64' ? INT64 : FLOAT, dims));
    return name;
  }

  output(name: string, dims: readonly number[]): void {
    this.outputs.push(this.valueInfo(name, FLOAT, dims));
  }

  model(): Uint8Array {
    const g = new Proto();
    for (const n of this.nodes) g.message(1, n);
    g.string(2, 'encoder');
    for (const t of this.initializers) g.message(5, t);
    for (const i of this.inputs) g.message(11, i);
    for (const o of this.outputs) g.message(12, o);
    return new Proto()
      .int(1, 8)
      .string(2, 'model-garden-nlp bench')
      .message(7, g)
      .message(8, new Proto().string(1, '').int(2, 17))
      .finish();
  }
}

/**
 * Inputs `input_ids`, `type_ids`, `position_ids` (int64 [B, S]) and `mask_adder` (float [B, 1, 1, S]);
 * outputs `sequence` [B, S, H] and `pooled` [B, H].
 */
export function buildEncoderOnnx(w: EncoderWeights, seqLength: number, batch = 1): Uint8Array {
  const g = new OnnxGraph();
  const B = batch;
  const c = w.config;
  const S = seqLength;
  const H = c.hiddenSize;
  const A = c.numHeads;
  const d = H / A;
  const t = (name: string, x: Tensor) => g.floats(name, x.shape, x.data);
  const dense = (x: string, p: string, dw: DenseWeights) =>
    g.node('Add', [g.node('MatMul', [x, t(`${p}/kernel`, dw.kernel)]), t(`${p}/bias`, dw.bias)]);
  const norm = (x: string, p: string, n: LayerNormWeights) =>
    g.node(
      'LayerNormalization',
      [x, t(`${p}/gamma`, n.gamma), t(`${p}/beta`, n.beta)],
      [
        { name: 'axis', i: -1 },
        { name: 'epsilon', f: c.layerNormEpsilon },
      ],
    );
  const half = g.scalar(0.5);
  const one = g.scalar(1);
  const k1 = g.scalar(0.044715);
  const k2 = g.scalar(Math.sqrt(2 / Math.PI));
  const gelu = (x: string) => {
    const cube = g.node('Mul', [g.node('Mul', [x, x]), x]);
    const inner = g.node('Mul', [g.node('Add', [x, g.node('Mul', [cube, k1])]), k2]);
    return g.node('Mul', [g.node('Mul', [x, half]), g.node('Add', [g.node('Tanh', [inner]), one])]);
  };
  const ids = g.input('input_ids', 'int64', [B, S]);
  const types = g.input('type_ids', 'int64', [B, S]);
  const positions = g.input('position_ids', 'int64', [B, S]);
  const adder = g.input('mask_adder', 'float', [B, 1, 1, S]);
  const emb = g.node('Add', [
    g.node('Add', [
      g.node('Gather', [t('word', w.wordEmbeddings), ids]),
      g.node('Gather', [t('position', w.positionEmbeddings), positions]),
    ]),
    g.node('Gather', [t('type', w.typeEmbeddings), types]),
  ]);
  let x = norm(emb, 'emb_norm', w.embeddingNorm);
  if (w.embeddingProjection) x = dense(x, 'projection', w.embeddingProjection);
  const headsShape = g.int64s('heads_shape', [B, S, A, d]);
  const flatShape = g.int64s('flat_shape', [B, S, H]);
  const scale = g.scalar(1 / Math.sqrt(d));
  w.layers.forEach((l, i) => {
    const p = `layer_${i}`;
    const split = (y: string, perm: number[]) =>
      g.node('Transpose', [g.node('Reshape', [y, headsShape])], [{ name: 'perm', ints: perm }]);
    const q = split(dense(x, `${p}/q`, l.query), [0, 2, 1, 3]);
    const kT = split(dense(x, `${p}/k`, l.key), [0, 2, 3, 1]);
    const v = split(dense(x, `${p}/v`, l.value), [0, 2, 1, 3]);
    const scores = g.node('Add', [g.node('Mul', [g.node('MatMul', [q, kT]), scale]), adder]);
    const probs = g.node('Softmax', [scores], [{ name: 'axis', i: -1 }]);
    const ctx = g.node('Reshape', [
      g.node('Transpose', [g.node('MatMul', [probs, v])], [{ name: 'perm', ints: [0, 2, 1, 3] }]),
      flatShape,
    ]);
    const x1 = norm(g.node('Add', [dense(ctx, `${p}/o`, l.attentionOutput), x]), `${p}/ln1`, l.attentionNorm);
    const inner = gelu(dense(x1, `${p}/i`, l.intermediate));
    x = norm(g.node('Add', [dense(inner, `${p}/out`, l.output), x1]), `${p}/ln2`, l.outputNorm);
  });
  g.node('Identity', [x], [], 'sequence');
  g.output('sequence', [B, S, H]);
  if (w.pooler) {
    const first = g.node('Gather', [x, g.int64s('zero', [0])], [{ name: 'axis', i: 1 }]);
    const flat = g.node('Reshape', [first, g.int64s('pooled_shape', [B, H])]);
    g.node('Tanh', [dense(flat, 'pooler', w.pooler)], [], 'pooled');
    g.output('pooled', [B, H]);
  }
  return g.model();
}
