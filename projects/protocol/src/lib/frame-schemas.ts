import { ClientFrame, ControlFrame } from './frames';
import {
  FieldRule,
  isCollection,
  isCollectionList,
  isEpoch,
  isRowId,
  isRowIdList,
  isSeq,
  isString,
  optional,
} from './field-rule';

/** The rules of a frame's fields, field name → rule (`optional(rule)` for optional ones). Unlisted fields pass through. */
export type FrameSchema = Readonly<Record<string, FieldRule>>;

/**
 * The fields of every frame of protocol v1 (docs/protocol.md), in one place so both decoders,
 * and so both ends, apply the same rules.
 */
export const NOTIFICATION_SCHEMA: FrameSchema = {
  collection: isCollection,
  op: optional(isString),
  id: optional(isRowId),
  seq: optional(isSeq),
};

/** Collections, narrowed to some rows by `ids`: subscribe, unsubscribe and their `subscribed`. */
const COLLECTIONS: FrameSchema = { collections: isCollectionList, ids: optional(isRowIdList) };

export const CONTROL_FRAME_SCHEMAS: Readonly<Record<ControlFrame['type'], FrameSchema>> = {
  welcome: { protocol: isSeq, epoch: isEpoch, seq: isSeq, heartbeat: isSeq },
  subscribed: { ...COLLECTIONS, seq: isSeq },
  reset: { collections: isCollectionList },
  pong: {},
  error: { code: isString, message: isString, collections: optional(isCollectionList) },
};

export const CLIENT_FRAME_SCHEMAS: Readonly<Record<ClientFrame['type'], FrameSchema>> = {
  subscribe: COLLECTIONS,
  unsubscribe: COLLECTIONS,
  // Marked pure so that a bundle decoding only server frames (the SDK's) can drop these rules.
  resume: { epoch: isEpoch, after: isSeq, subscribes: /* @__PURE__ */ optional(isSeq) },
  ping: {},
};
