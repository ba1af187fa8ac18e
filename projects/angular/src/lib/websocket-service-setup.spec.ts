// Shared by websocket.service.spec.ts and websocket.service.liveness.spec.ts. Named .spec.ts so
// that it stays out of the library build, which must not depend on the testing entry point.
import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { ServerFrame } from '@changefeed/protocol';
import { NotificationsConfig } from './notifications-config';
import { NotificationsError } from './notifications-error';
import { NotificationsFeature } from './notifications-feature';
import { WebSocketService } from './websocket.service';

/** A `welcome` for the testing controller's `accept()`. */
export const welcome = (heartbeat = 0) => ({ epoch: 'e1', heartbeat });

/** The real WebSocketService over the testing kit's fakes, recording its frames and errors. */
export function setupWebSocketService(
  config: Partial<NotificationsConfig> = {},
  ...features: NotificationsFeature[]
) {
  TestBed.configureTestingModule({ providers: [provideNotificationsTesting(config, ...features)] });
  const controller = TestBed.inject(NotificationsTestingController);
  const ws = TestBed.inject(WebSocketService);
  const errors: NotificationsError[] = [];
  const frames: ServerFrame[] = [];
  ws.errors$.subscribe((error) => errors.push(error));
  const consume = () => ws.messages$.subscribe((frame) => frames.push(frame));
  /** Fails the current socket before it opens: one failed attempt. */
  const fail = (code = 1006) => controller.socket!.drop(code);
  return { controller, ws, errors, frames, consume, fail, clock: controller.clock };
}
