// Matrix-multiply work of one encoder forward pass (2 FLOPs per multiply-add), the figure the
// performance baselines use: 22.35 GFLOP for BERT-base at sequence length 128.
import type { EncoderConfig } from '../model/encoder';

export function encoderMatmulFlops(config: EncoderConfig, seqLength: number, batch = 1): number {
  const S = seqLength;
  const H = config.hiddenSize;
  const F = config.intermediateSize;
  const perLayer = 2 * (4 * S * H * H + 2 * S * S * H + 2 * S * H * F);
  const projection = config.embeddingSize !== H ? 2 * S * config.embeddingSize * H : 0;
  return batch * (config.numLayers * perLayer + projection);
}
