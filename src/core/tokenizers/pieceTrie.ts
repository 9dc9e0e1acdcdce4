// The pieces of a SentencePiece model as a trie over UTF-16 units, stored flat: an open-addressing hash of
// (node, unit) -> child in typed arrays, so the Viterbi inner loop allocates nothing.

export class PieceTrie {
  /** Piece id ending at each node, or -1. Node 0 is the root. */
  private ids: Int32Array = new Int32Array(1024).fill(-1);
  private nodes = 1;
  private keyNode: Int32Array;
  private keyUnit: Int32Array;
  private child: Int32Array;
  private mask: number;
  private edges = 0;

  constructor(capacity = 1 << 16) {
    this.keyNode = new Int32Array(capacity).fill(-1);
    this.keyUnit = new Int32Array(capacity);
    this.child = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The child of `node` by UTF-16 unit `unit`, or -1. */
  next(node: number, unit: number): number {
    let h = (Math.imul(node, 0x9e3779b1) ^ unit) & this.mask;
    for (;;) {
      const k = this.keyNode[h];
      if (k === -1) return -1;
      if (k === node && this.keyUnit[h] === unit) return this.child[h];
      h = (h + 1) & this.mask;
    }
  }

  /** Piece id at a node, or -1. */
  id(node: number): number {
    return this.ids[node];
  }

  add(piece: string, id: number): void {
    let node = 0;
    for (let i = 0; i < piece.length; i++) {
      const unit = piece.charCodeAt(i);
      let c = this.next(node, unit);
      if (c < 0) {
        c = this.newNode();
        this.insertEdge(node, unit, c);
      }
      node = c;
    }
    if (this.ids[node] < 0) this.ids[node] = id;
  }

  private newNode(): number {
    if (this.nodes === this.ids.length) {
      const grown = new Int32Array(this.ids.length * 2).fill(-1);
      grown.set(this.ids);
      this.ids = grown;
    }
    return this.nodes++;
  }

  private insertEdge(node: number, unit: number, c: number): void {
    if ((this.edges + 1) * 2 > this.keyNode.length) this.rehash(this.keyNode.length * 2);
    let h = (Math.imul(node, 0x9e3779b1) ^ unit) & this.mask;
    while (this.keyNode[h] !== -1) h = (h + 1) & this.mask;
    this.keyNode[h] = node;
    this.keyUnit[h] = unit;
    this.child[h] = c;
    this.edges++;
  }

  private rehash(capacity: number): void {
    const { keyNode, keyUnit, child } = this;
    this.keyNode = new Int32Array(capacity).fill(-1);
    this.keyUnit = new Int32Array(capacity);
    this.child = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.edges = 0;
    for (let i = 0; i < keyNode.length; i++)
      if (keyNode[i] !== -1) this.insertEdge(keyNode[i], keyUnit[i], child[i]);
  }
}
