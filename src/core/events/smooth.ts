// TensorBoard's scalar smoothing: a debiased exponential moving average (tensorboard's
// scalar card `classicSmoothing`): the first points are not pulled towards zero, and a
// constant series stays constant. Non-finite values pass through unsmoothed.

export function smoothEma(values: readonly number[], weight: number): number[] {
  const out = new Array<number>(values.length);
  let last = 0;
  let debias = 0;
  const constant = values.every((v) => v === values[0]);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    if (constant) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    debias++;
    out[i] = weight === 1 ? last : last / (1 - Math.pow(weight, debias));
  }
  return out;
}
