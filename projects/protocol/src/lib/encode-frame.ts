import { ClientFrame, ServerFrame } from './frames';

/**
 * Serialises a frame for the wire. Both ends use it so the encoding cannot drift;
 * a server serialises each notification once and sends the same string to every socket.
 */
export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}
