import { MonoTypeOperatorFunction, Observable } from 'rxjs';

/**
 * Turns a burst into two emissions: the first value at once (leading edge), then the latest one
 * once the burst has been quiet for `windowMs` (trailing edge). A view refetches right away and
 * once more after the burst, never 1,000 times — however long the burst takes to arrive, which on
 * a busy page can be longer than any fixed window. A stream that never pauses still emits at
 * least every `maxWaitMs`, so a view under constant change does not freeze.
 *
 * @example
 * notifications.filterByCollection('orders')
 *   .pipe(coalesceNotifications(100), takeUntilDestroyed(this.destroyRef))
 *   .subscribe(() => this.reload());
 */
export function coalesceNotifications<T>(windowMs = 50, maxWaitMs = 1000): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let quiet: ReturnType<typeof setTimeout> | undefined;
      /** When the current burst last emitted; undefined between bursts. */
      let emittedAt: number | undefined;
      let pending: { value: T } | undefined;
      const emitPending = () => {
        if (!pending) return;
        const { value } = pending;
        pending = undefined;
        subscriber.next(value);
      };
      const endBurst = () => {
        quiet = undefined;
        emittedAt = undefined;
        emitPending();
      };
      const subscription = source.subscribe({
        next: (value) => {
          const now = Date.now();
          pending = { value };
          if (emittedAt === undefined || now - emittedAt >= maxWaitMs) {
            emittedAt = now;
            emitPending();
          }
          clearTimeout(quiet);
          quiet = setTimeout(endBurst, windowMs);
        },
        error: (error) => subscriber.error(error),
        complete: () => {
          clearTimeout(quiet);
          endBurst();
          subscriber.complete();
        },
      });
      return () => {
        clearTimeout(quiet);
        subscription.unsubscribe();
      };
    });
}
