import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import {
  ConnectionState,
  injectNotificationsTransport,
  WebSocketService,
} from '@changefeed/angular';

const LABELS: Record<ConnectionState, string> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Offline',
};

/**
 * The connection's state as a badge; `data-state` carries the raw value for styling and tests,
 * `data-transport` which transport carries it (`websocket`, or `eventsource` with `?transport=sse`).
 */
@Component({
  selector: 'app-connection-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span
      class="badge"
      role="status"
      [attr.data-state]="state()"
      [attr.data-transport]="transport()"
      [attr.title]="
        (transport() === 'eventsource' ? 'Server-Sent Events: ' : 'WebSocket: ') + state()
      "
    >
      <span class="badge-dot" aria-hidden="true"></span>
      <span class="visually-hidden">Connection: </span>{{ label() }}
    </span>
  `,
})
export class ConnectionBadgeComponent {
  protected readonly state = inject(WebSocketService).state;
  protected readonly transport = injectNotificationsTransport();
  protected readonly label = computed(() => LABELS[this.state()]);
}
