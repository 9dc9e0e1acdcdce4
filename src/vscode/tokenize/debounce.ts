// A debounced task whose pending run is visible as one promise (for `idle()`), however often it is rescheduled.

export class Debounced {
  private timer: NodeJS.Timeout | undefined;
  private settle: (() => void) | undefined;
  private promise: Promise<void> | undefined;

  constructor(
    private readonly task: () => Promise<unknown>,
    private readonly track: (p: Promise<unknown>) => void,
  ) {}

  schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    if (!this.promise) {
      this.promise = new Promise<void>((resolve) => (this.settle = resolve));
      this.track(this.promise);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const settle = this.settle!;
      this.promise = undefined;
      this.settle = undefined;
      this.task()
        .catch(() => undefined)
        .finally(settle);
    }, delay);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.settle?.();
  }
}
