// Vocabulary entries that are not words: [PAD] [UNK] [CLS] [SEP] [MASK], BERT's [unused0]…, and
// SentencePiece's <pad> <unk> <s> </s>. Fill-Mask leaves them out unless asked.

const SPECIAL = /^\[[^\]\s]+\]$|^<\/?[^>\s]+>$/;

export function isSpecialPiece(piece: string): boolean {
  return SPECIAL.test(piece);
}
