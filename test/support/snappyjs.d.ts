declare module 'snappyjs' {
  /** Raw (unframed) Snappy; throws on an invalid stream or when the declared length exceeds maxLength. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
