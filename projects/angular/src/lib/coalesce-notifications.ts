import { MonoTypeOperatorFunction, Observable } from 'rxjs';

/**
 * Turns a burst into at most two emissions: the first value at once (leading edge), then the
 * latest value of the burst when `windowMs` has passed without a new window starting (trailing
 * edge). A view refetches right away and once more after the burst, never 1,000 times.
 *
 * @example
 * notifications.filterByCollection('orders')
 *   .pipe(coalesceNotifications(100), takeUntilDestroyed(this.destroyRef))
 *   .subscribe(() => this.reload());
 */
export function coalesceNotifications<T>(windowMs = 50): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let pending: { value: T } | undefined;
      // The window restarts from each trailing emission, so a steady trickle still arrives every windowMs.
      const close = () => {
        timer = undefined;
        if (!pending) return;
        const { value } = pending;
        pending = undefined;
        timer = setTimeout(close, windowMs);
        subscriber.next(value);
      };
      const subscription = source.subscribe({
        next: (value) => {
          if (timer !== undefined) {
            pending = { value };
            return;
          }
          timer = setTimeout(close, windowMs);
          subscriber.next(value);
        },
        error: (error) => subscriber.error(error),
        complete: () => {
          if (pending) subscriber.next(pending.value);
          subscriber.complete();
        },
      });
      return () => {
        clearTimeout(timer);
        subscription.unsubscribe();
      };
    });
}
