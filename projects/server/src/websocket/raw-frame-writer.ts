import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { JOIN_WRITES_UP_TO } from '../constants.js';

/**
 * The one place that relies on `ws` internals. It is the hub's fast path: a notification is
 * framed once (server frames are unmasked, so the bytes are the same for every socket) and a
 * socket's frames of one event-loop turn go to its TCP socket in one write, instead of two writes
 * per message through ws's Sender.
 *
 * What it relies on, each checked by raw-frame-writer.spec.ts against the installed `ws`:
 * - `ws._socket` is the connection's `net.Socket`, and `ws.bufferedAmount` counts what is queued
 *   on it (so the outgoing budget sees these bytes too);
 * - permessage-deflate is off (the notifier's WebSocketServer sets `perMessageDeflate: false`):
 *   with compression, frames would need the RSV1 bit and ws's Sender would queue behind its
 *   deflate stream, so a raw write could overtake a queued frame;
 * - {@link textFrame} yields the bytes ws's own `Sender.frame()` yields for an unmasked text frame.
 */
export class RawFrameWriter {
  private readonly socket: Socket;

  constructor(private readonly ws: WebSocket) {
    const internals = ws as unknown as { _socket?: Socket; _extensions?: Record<string, unknown> };
    if (internals._socket === undefined || typeof internals._socket.write !== 'function') {
      throw new Error(
        '@changefeed/server: ws no longer exposes its net.Socket as _socket; see websocket/raw-frame-writer.ts',
      );
    }
    if (internals._extensions !== undefined && Object.keys(internals._extensions).length > 0) {
      throw new Error(
        '@changefeed/server: a WebSocket extension (permessage-deflate) is active; raw frames would be invalid',
      );
    }
    this.socket = internals._socket;
  }

  /** Writes complete frames made by {@link textFrame}, `bytes` in all, in one write where small. */
  write(frames: Buffer[], bytes: number, joiner: FrameJoiner): void {
    const socket = this.socket;
    if (frames.length === 1) socket.write(frames[0]);
    else if (bytes <= JOIN_WRITES_UP_TO) socket.write(joiner.join(frames, bytes));
    else {
      socket.cork();
      for (const b of frames) socket.write(b);
      socket.uncork();
    }
  }
}

/**
 * Ends the connection's TCP socket without waiting for the peer's close frame: after a protocol
 * error ws has sent its close frame and stopped reading, and would wait 30 s for the peer's.
 */
export function endSocket(ws: WebSocket): void {
  (ws as unknown as { _socket?: Socket })._socket?.end();
}

/** `text` as an unmasked, final WebSocket text frame (header + UTF-8 payload, RFC 6455 §5.2). */
export function textFrame(text: string): Buffer {
  const len = Buffer.byteLength(text);
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + len);
  frame[0] = 0x81; // FIN + text
  if (head === 2) frame[1] = len;
  else if (head === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  frame.write(text, head, 'utf8');
  return frame;
}

/**
 * Joins frames for one write, once per distinct sequence of frames rather than once per socket:
 * in a turn with several notifications every subscriber of them usually gets the same frames.
 * Frames are immutable once made, so the same array of buffers always joins to the same bytes.
 */
export class FrameJoiner {
  private lastParts: Buffer[] | undefined;
  private lastJoined: Buffer | undefined;

  /** The caller must not change `parts` afterwards. */
  join(parts: Buffer[], bytes: number): Buffer {
    const last = this.lastParts;
    if (last !== undefined && last.length === parts.length) {
      let i = 0;
      while (i < parts.length && last[i] === parts[i]) i++;
      if (i === parts.length) return this.lastJoined!;
    }
    this.lastParts = parts;
    return (this.lastJoined = Buffer.concat(parts, bytes));
  }
}
