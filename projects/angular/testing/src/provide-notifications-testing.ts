import { EnvironmentProviders, inject, makeEnvironmentProviders } from '@angular/core';
import {
  NOTIFICATIONS_CLOCK,
  NOTIFICATIONS_RANDOM,
  NotificationsConfig,
  NotificationsFeature,
  provideNotifications,
  WEBSOCKET_FACTORY,
} from '@changefeed/angular';
import { NotificationsTestingController } from './notifications-testing-controller';

/**
 * The real `NotificationService` and `WebSocketService` over a fake socket, a fake clock and
 * pinned randomness, all driven through `NotificationsTestingController`. `linger` defaults to 0
 * here so an unsubscribe shows at once.
 *
 * @example
 * TestBed.configureTestingModule({ providers: [provideNotificationsTesting()] });
 */
export function provideNotificationsTesting(
  config: Partial<NotificationsConfig> = {},
  ...features: NotificationsFeature[]
): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideNotifications({ url: 'ws://changefeed.test/ws', linger: 0, ...config }, ...features),
    NotificationsTestingController,
    // Declared after provideNotifications() so they win over withWebSocketFactory().
    {
      provide: WEBSOCKET_FACTORY,
      useFactory: () => inject(NotificationsTestingController).factory,
    },
    {
      provide: NOTIFICATIONS_CLOCK,
      useFactory: () => inject(NotificationsTestingController).clock,
    },
    {
      provide: NOTIFICATIONS_RANDOM,
      useFactory: () => {
        const controller = inject(NotificationsTestingController);
        return () => controller.random;
      },
    },
  ]);
}
