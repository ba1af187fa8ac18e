import type { Notification } from '@changefeed/protocol';

/** One numbered notification, serialised once for every subscriber and the replay buffer. */
export interface Entry {
  seq: number;
  collection: string;
  /** String form of the row id, or undefined for a whole-collection notification. */
  id: string | undefined;
  /** The wire text, made once at fan-out (or at an earlier replay) by `Hub.json()`. */
  json: string | undefined;
  /** The caller's object until it is serialised. */
  n: Notification | undefined;
  /**
   * A transport's cached wire form of `json` (the WebSocket transport keeps its frame here, made
   * on first delivery and written to every socket); the hub never reads it.
   */
  frame: Buffer | undefined;
  /** When it was fanned out (ms since epoch); 0 until then. */
  at: number;
}

/** A reset waiting in the hub's fan-out queue beside the entries (seq -1 tells them apart). */
export interface ResetItem {
  seq: -1;
  collections: string[] | undefined;
  /** Set when seqs start again (a new epoch): subscribers' cursors move here. */
  rebase: number | undefined;
}

/** `body` is a JSON object without seq: seq goes in before its closing brace (no re-serialising). */
export function withSeq(body: string, seq: number): string {
  return `${body.slice(0, -1)},"seq":${seq}}`;
}

/** Holds a seq in the ring that nobody receives (a reset marker, an unreadable entry). */
export function placeholder(seq: number): Entry {
  return { seq, collection: '', id: undefined, json: '{}', n: undefined, frame: undefined, at: 0 };
}
