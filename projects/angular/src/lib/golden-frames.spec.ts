import { TestBed } from '@angular/core/testing';
import {
  NotificationsTestingController,
  provideNotificationsTesting,
} from '@changefeed/angular/testing';
import { ServerFrame } from '@changefeed/protocol';
import valid from '../../../protocol/golden/server-frames.json';
import invalid from '../../../protocol/golden/server-invalid.json';
import { NotificationsError } from './notifications-error';
import { NotificationsErrorCode } from './notifications-error-code';
import { WebSocketService } from './websocket.service';

// The protocol's golden frames, fed through the SDK's real receive path (socket → decoder → messages$),
// so the SDK and the server cannot drift apart on what a frame means.
describe('golden server frames through WebSocketService', () => {
  function setup() {
    TestBed.configureTestingModule({ providers: [provideNotificationsTesting()] });
    const ws = TestBed.inject(WebSocketService);
    const frames: ServerFrame[] = [];
    const errors: NotificationsError[] = [];
    ws.messages$.subscribe((frame) => frames.push(frame));
    ws.errors$.subscribe((error) => errors.push(error));
    const socket = TestBed.inject(NotificationsTestingController).accept();
    return { socket, frames, errors };
  }

  for (const golden of valid as { name: string; raw: string; kind: string }[]) {
    it(`delivers "${golden.name}" as ${golden.kind}`, () => {
      const { socket, frames, errors } = setup();
      frames.length = 0;
      socket.receive(golden.raw);
      expect(errors).toEqual([]);
      expect(frames).toEqual([JSON.parse(golden.raw)]);
      const frame = frames[0] as { collection?: unknown; type?: unknown };
      expect(typeof frame.collection === 'string' ? 'notification' : frame.type).toBe(golden.kind);
    });
  }

  for (const golden of invalid as { name: string; raw: string; code: string }[]) {
    it(`reports "${golden.name}" on errors$ and delivers nothing`, () => {
      const { socket, frames, errors } = setup();
      frames.length = 0;
      socket.receive(golden.raw);
      expect(frames).toEqual([]);
      expect(errors.map((e) => e.code)).toEqual([NotificationsErrorCode.MalformedFrame]);
    });
  }
});
