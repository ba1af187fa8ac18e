import type { EventSourceOptions } from './event-source-options';
import { NotificationsError } from './notifications-error';
import { NotificationsFeature } from './notifications-feature';
import { NotificationsOptions } from './notifications-options';

/** setTimeout's longest delay, in ms: browsers fire a longer one at once. */
const MAX_TIMER = 2_147_483_647;
/** The rule of an option that ends up in a timer, in words. */
const timerRange = (min: number) => `from ${min} to ${MAX_TIMER} ms`;

/**
 * Dev mode's checks of `provideNotifications()`: every option against its rule (the defaults
 * filled in, so `maxDelay` is held against the `initialDelay` that applies), and the features.
 * Throws a `NotificationsError` whose message names the option, states the rule and shows the
 * value: `withReconnect({ multiplier }) must be ≥ 1, got 0`.
 */
export function checkNotificationsOptions(
  options: NotificationsOptions,
  features: readonly NotificationsFeature[],
): void {
  checkFeatures(features);
  const config = (field: string, value: unknown, valid: boolean, rule: string) =>
    check(`provideNotifications({ ${field} })`, value, valid, rule);
  const { url, protocols, welcomeTimeout, linger, keepAlive, queueSize } = options;
  config(
    'url',
    url,
    typeof url === 'string' || typeof url === 'function',
    "a URL ('/ws', http(s) or ws(s)) or a function returning one or a Promise of one",
  );
  config(
    'protocols',
    protocols,
    protocols === undefined ||
      typeof protocols === 'string' ||
      (Array.isArray(protocols) && protocols.every((p) => typeof p === 'string')),
    'a string or an array of strings',
  );
  config('welcomeTimeout', welcomeTimeout, between(welcomeTimeout, 1, MAX_TIMER), timerRange(1));
  config('linger', linger, between(linger, 0, MAX_TIMER), timerRange(0));
  config('keepAlive', keepAlive, typeof keepAlive === 'boolean', 'true or false');
  config('queueSize', queueSize, wholeNumber(queueSize), 'a whole number ≥ 0');

  const reconnect = (field: string, value: unknown, valid: boolean, rule: string) =>
    check(`withReconnect({ ${field} })`, value, valid, rule);
  const { initialDelay, multiplier, maxDelay, visibleMaxDelay, stableAfter, maxAttempts } =
    options.reconnect;
  reconnect('initialDelay', initialDelay, between(initialDelay, 1, MAX_TIMER), timerRange(1));
  reconnect('multiplier', multiplier, between(multiplier, 1, Infinity), '≥ 1');
  reconnect(
    'maxDelay',
    maxDelay,
    between(maxDelay, initialDelay, MAX_TIMER),
    `from initialDelay (${initialDelay}) to ${MAX_TIMER} ms`,
  );
  reconnect(
    'visibleMaxDelay',
    visibleMaxDelay,
    between(visibleMaxDelay, 1, MAX_TIMER),
    timerRange(1),
  );
  reconnect('stableAfter', stableAfter, between(stableAfter, 0, Infinity), '≥ 0 ms');
  reconnect(
    'maxAttempts',
    maxAttempts,
    maxAttempts === Infinity || wholeNumber(maxAttempts),
    'a whole number ≥ 0, or Infinity',
  );

  if (options.heartbeat) {
    const { timeout } = options.heartbeat;
    check('withHeartbeat({ timeout })', timeout, between(timeout, 1, MAX_TIMER), timerRange(1));
  }
}

/** The features' own values, and no two of a kind that say different things. */
function checkFeatures(features: readonly NotificationsFeature[]): void {
  // The same feature twice is harmless when identical; with different values one would silently win.
  const seen = new Map<string, NotificationsFeature>();
  for (const feature of features) {
    switch (feature?.kind) {
      case 'withReconnect':
        check('withReconnect(options)', feature.value, isObject(feature.value), 'an object');
        break;
      case 'withHeartbeat':
        check(
          'withHeartbeat(options)',
          feature.value,
          feature.value === false || isObject(feature.value),
          'an object or false',
        );
        break;
      case 'withWebSocketFactory':
        check(
          'withWebSocketFactory(factory)',
          feature.value,
          typeof feature.value === 'function',
          'a function',
        );
        break;
      case 'withEventSource':
        checkEventSource(feature.value);
        break;
      default:
        throw new NotificationsError(
          'invalid_config',
          `provideNotifications() takes features made by withReconnect(), withHeartbeat(), withWebSocketFactory() or withEventSource(), got ${show(feature)}`,
        );
    }
    const earlier = seen.get(feature.kind);
    if (earlier && differ(earlier, feature)) {
      throw new NotificationsError(
        'conflicting_features',
        `${describe(earlier)} and ${describe(feature)} contradict each other; pass only one.`,
      );
    }
    seen.set(feature.kind, feature);
  }
}

function checkEventSource(options: EventSourceOptions): void {
  check('withEventSource(options)', options, isObject(options), 'an object');
  const { url, withCredentials, fallback } = options;
  const field = (name: string, value: unknown, valid: boolean, rule: string) =>
    check(`withEventSource({ ${name} })`, value, valid, rule);
  field(
    'url',
    url,
    url === undefined || typeof url === 'string' || typeof url === 'function',
    fallback
      ? "the Server-Sent Events URL ('/events', http(s)) or a function returning one, required with fallback: true (provideNotifications' url is the WebSocket's)"
      : "a URL ('/events', http(s)) or a function returning one or a Promise of one",
  );
  field(
    'withCredentials',
    withCredentials,
    withCredentials === undefined || typeof withCredentials === 'boolean',
    'true or false',
  );
  field(
    'fallback',
    fallback,
    fallback === undefined || typeof fallback === 'boolean',
    'true or false',
  );
  if (fallback)
    field(
      'url',
      url,
      url !== undefined,
      "the Server-Sent Events URL ('/events'), required with fallback: true",
    );
}

function check(option: string, value: unknown, valid: boolean, rule: string): void {
  if (!valid)
    throw new NotificationsError('invalid_config', `${option} must be ${rule}, got ${show(value)}`);
}

function between(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}

function wholeNumber(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Two features of one kind that say different things: options that differ, or two factories. */
function differ(a: NotificationsFeature, b: NotificationsFeature): boolean {
  return a.kind === 'withWebSocketFactory' ? a.value !== b.value : describe(a) !== describe(b);
}

/** A feature as the app wrote it: `withReconnect({"maxDelay":1})`, `withWebSocketFactory(name)`. */
function describe(feature: NotificationsFeature): string {
  if (feature.kind === 'withWebSocketFactory')
    return `withWebSocketFactory(${feature.value.name || 'factory'})`;
  if (feature.kind === 'withEventSource') return `withEventSource(${show(feature.value)})`;
  return `${feature.kind}(${show(feature.value)})`;
}

/** A value as an error message shows it: strings quoted, objects as JSON, functions by name. */
function show(value: unknown): string {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'string' || isObject(value) || Array.isArray(value)) {
    try {
      return JSON.stringify(value);
    } catch {
      // A cycle: fall back to what String() says.
    }
  }
  return String(value);
}
