/**
 * Open event streams per holder (a session, an API key, a widget visitor). Each open stream holds
 * a subscription, a timer and a socket for as long as the client stays: a cap per holder keeps one
 * token from pinning thousands of them. Counted in this process's memory; a stream lives in one
 * process, so the bound is per holder per API process.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes a slot for `holder`; returns how to give it back (once), or null when all are taken. */
  take(holder: string): (() => void) | null {
    const taken = this.open.get(holder) ?? 0;
    if (taken >= this.limit) return null;
    this.open.set(holder, taken + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(holder) ?? 1) - 1;
      if (left > 0) this.open.set(holder, left);
      else this.open.delete(holder);
    };
  }
}
