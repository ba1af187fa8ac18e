import type { Entry } from './entry.js';
import { Subscriptions } from './subscriptions.js';

const entry = (collection: string, id?: string | number, seq = 10): Entry => ({
  seq,
  collection,
  id: id === undefined ? undefined : String(id),
  json: undefined,
  n: undefined,
  frame: undefined,
  at: 0,
});

describe('Subscriptions', () => {
  it('keeps a row subscription when the whole collection is unsubscribed', () => {
    const subs = new Subscriptions();
    subs.add('products', [7], 0);
    subs.add('products', undefined, 0);
    expect(subs.remove('products', undefined)).toBeFalse();
    expect(subs.wants(entry('products', 7))).toBeTrue();
    expect(subs.wants(entry('products', 8))).toBeFalse();
  });

  it('counts overlapping id sets: unsubscribing [7, 8] keeps 7 of an earlier [7]', () => {
    const subs = new Subscriptions();
    subs.add('products', [7], 0);
    subs.add('products', [7, 8], 0);
    expect(subs.idCount).toBe(2);
    expect(subs.remove('products', [7, 8])).toBeFalse();
    expect(subs.wants(entry('products', 7))).toBeTrue();
    expect(subs.wants(entry('products', 8))).toBeFalse();
    expect(subs.idCount).toBe(1);
    expect(subs.remove('products', [7])).toBeTrue();
    expect(subs.has('products')).toBeFalse();
  });

  it('counts whole-collection subscribes', () => {
    const subs = new Subscriptions();
    subs.add('forums', undefined, 0);
    subs.add('forums', undefined, 0);
    expect(subs.remove('forums', undefined)).toBeFalse();
    expect(subs.wants(entry('forums', 1))).toBeTrue();
    expect(subs.remove('forums', undefined)).toBeTrue();
  });

  it('matches ids as strings, whichever type the client or the trigger used', () => {
    const subs = new Subscriptions();
    subs.add('products', ['7'], 0);
    expect(subs.wants(entry('products', 7))).toBeTrue();
  });

  it('ignores an unsubscribe of interest it never had', () => {
    const subs = new Subscriptions();
    subs.add('products', [7], 0);
    expect(subs.remove('products', [9])).toBeFalse();
    expect(subs.remove('products', undefined)).toBeFalse();
    expect(subs.remove('orders', undefined)).toBeFalse();
    expect(subs.wants(entry('products', 7))).toBeTrue();
  });

  it('delivers live only what comes after the subscription', () => {
    const subs = new Subscriptions();
    subs.add('forums', undefined, 10);
    expect(subs.wants(entry('forums', 1, 10))).toBeFalse();
    expect(subs.wants(entry('forums', 1, 11))).toBeTrue();
    expect(subs.matches(entry('forums', 1, 10))).toBeTrue();
  });
});
