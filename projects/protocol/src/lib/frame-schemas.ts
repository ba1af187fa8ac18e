import { ClientFrame, ControlFrame } from './frames';
import {
  FieldRule,
  isCollection,
  isCollectionList,
  isEpoch,
  isInteger,
  isRowId,
  isRowIdList,
  isSeq,
  isString,
} from './field-rule';

/**
 * The rules of a frame's fields: `required` ones must obey theirs, `optional` ones when present
 * (absent or `undefined`; `null` is a value and breaks the rule). Unlisted fields pass through.
 */
export interface FrameSchema {
  readonly required?: Readonly<Record<string, FieldRule>>;
  readonly optional?: Readonly<Record<string, FieldRule>>;
}

/**
 * The fields of every frame of protocol v1 (docs/protocol.md), in one place so both decoders,
 * and so both ends, apply the same rules.
 */
export const NOTIFICATION_SCHEMA: FrameSchema = {
  required: { collection: isCollection },
  optional: { op: isString, id: isRowId, seq: isSeq },
};

const COLLECTIONS: FrameSchema = { required: { collections: isCollectionList }, optional: { ids: isRowIdList } };

export const CONTROL_FRAME_SCHEMAS: Readonly<Record<ControlFrame['type'], FrameSchema>> = {
  welcome: { required: { protocol: isInteger, epoch: isEpoch, seq: isSeq, heartbeat: isSeq } },
  subscribed: { required: { collections: isCollectionList, seq: isSeq }, optional: { ids: isRowIdList } },
  reset: { required: { collections: isCollectionList } },
  pong: {},
  error: { required: { code: isString, message: isString }, optional: { collections: isCollectionList } },
};

export const CLIENT_FRAME_SCHEMAS: Readonly<Record<ClientFrame['type'], FrameSchema>> = {
  subscribe: COLLECTIONS,
  unsubscribe: COLLECTIONS,
  resume: { required: { epoch: isEpoch, after: isSeq } },
  ping: {},
};
