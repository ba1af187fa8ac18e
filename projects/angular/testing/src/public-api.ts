/*
 * Public API Surface of @changefeed/angular/testing
 */
export { provideNotificationsTesting } from './provide-notifications-testing';
export { NotificationsTestingController } from './notifications-testing-controller';
export { FakeWebSocket } from './fake-websocket';
export { FakeClock } from './fake-clock';
