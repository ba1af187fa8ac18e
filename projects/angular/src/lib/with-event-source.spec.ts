import { PLATFORM_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { EventSourceService } from './event-source.service';
import { NotificationService } from './notification.service';
import { NotificationsErrorCode } from './notifications-error-code';
import { injectNotificationsTransport } from './notifications-transport';
import { provideNotifications } from './provide-notifications';
import { WebSocketFallback } from './websocket-fallback';
import { WebSocketService } from './websocket.service';
import { withEventSource } from './with-event-source';

describe('withEventSource', () => {
  const transportOf = () => TestBed.runInInjectionContext(() => injectNotificationsTransport());

  it('puts an EventSource transport in WebSocketService’s place', () => {
    TestBed.configureTestingModule({
      providers: [provideNotifications({ url: '/events' }, withEventSource())],
    });
    expect(TestBed.inject(WebSocketService)).toBeInstanceOf(EventSourceService);
    expect(transportOf()()).toBe('eventsource');
  });

  it('starts on WebSocket with fallback: true', () => {
    TestBed.configureTestingModule({
      providers: [
        provideNotifications({ url: '/ws' }, withEventSource({ url: '/events', fallback: true })),
      ],
    });
    expect(TestBed.inject(WebSocketService)).toBeInstanceOf(WebSocketFallback);
    expect(transportOf()()).toBe('websocket');
  });

  it('says websocket without it', () => {
    TestBed.configureTestingModule({ providers: [provideNotifications({ url: '/ws' })] });
    expect(transportOf()()).toBe('websocket');
  });

  it('is inert on the server platform: closed, and no EventSource is made', () => {
    const made = spyOn(window, 'EventSource');
    TestBed.configureTestingModule({
      providers: [
        { provide: PLATFORM_ID, useValue: 'server' },
        provideNotifications({ url: '/events' }, withEventSource()),
      ],
    });
    const completed: string[] = [];
    TestBed.inject(NotificationService)
      .filterByCollection('forums')
      .subscribe({ complete: () => completed.push('forums') });
    TestBed.inject(WebSocketService).messages$.subscribe({
      complete: () => completed.push('messages$'),
    });
    expect(TestBed.inject(NotificationService).state()).toBe('closed');
    expect(completed).toEqual(['forums', 'messages$']);
    expect(made).not.toHaveBeenCalled();
  });

  it('checks its options in dev mode, naming the option and the rule', () => {
    const cases: [unknown, string][] = [
      // provideNotifications' url is the WebSocket's with fallback: the stream needs its own.
      [{ fallback: true }, 'withEventSource({ url }) must be'],
      [{ url: 5 }, 'withEventSource({ url }) must be'],
      [{ withCredentials: 'yes' }, 'withEventSource({ withCredentials }) must be true or false'],
      [{ fallback: 1 }, 'withEventSource({ fallback }) must be true or false'],
    ];
    for (const [options, message] of cases) {
      expect(() => provideNotifications({ url: '/x' }, withEventSource(options as never)))
        .withContext(JSON.stringify(options))
        .toThrowMatching(
          (e) => e.code === NotificationsErrorCode.InvalidConfig && e.message.includes(message),
        );
    }
  });

  it('fails on two withEventSource() that say different things, naming both', () => {
    expect(() =>
      provideNotifications(
        { url: '/events' },
        withEventSource(),
        withEventSource({ withCredentials: true }),
      ),
    ).toThrowMatching(
      (e) =>
        e.code === NotificationsErrorCode.ConflictingFeatures &&
        e.message.includes('withEventSource({})') &&
        e.message.includes('withEventSource({"withCredentials":true})'),
    );
  });
});
