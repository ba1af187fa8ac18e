/*
 * Public API Surface of @changefeed/protocol
 */
export { PROTOCOL_VERSION, isNotification } from './lib/frames';
export type {
  RowId,
  Op,
  Notification,
  WelcomeFrame,
  SubscribedFrame,
  ResetFrame,
  PongFrame,
  ServerErrorCode,
  ErrorFrame,
  ControlFrame,
  ServerFrame,
  SubscribeFrame,
  UnsubscribeFrame,
  ResumeFrame,
  PingFrame,
  ClientFrame,
} from './lib/frames';
export { CloseCode, ClientCloseCode, BackOffCloseCode } from './lib/close-codes';
export {
  goingAwayReason,
  reconnectWindow,
  MIN_RECONNECT_WINDOW,
  MAX_RECONNECT_WINDOW,
} from './lib/reconnect-window';
export { Limits } from './lib/limits';
export type { DecodeError, DecodeErrorCode, DecodeResult } from './lib/decode-error';
export { checkServerFrame } from './lib/check-server-frame';
export { checkClientFrame } from './lib/check-client-frame';
export type { FrameCheck, Violation } from './lib/frame-check';
export type { FieldRule } from './lib/field-rule';
export { decodeServerFrame } from './lib/decode-server-frame';
export type { DecodeServerFrameOptions } from './lib/decode-server-frame';
export { decodeClientFrame } from './lib/decode-client-frame';
export type { DecodeClientFrameOptions } from './lib/decode-client-frame';
export { encodeFrame } from './lib/encode-frame';
