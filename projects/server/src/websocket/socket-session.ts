import {
  CloseCode,
  decodeClientFrame,
  encodeFrame,
  PROTOCOL_VERSION,
  type RowId,
  type ServerFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
  type ResumeFrame,
} from '@changefeed/protocol';
import type { WebSocket } from 'ws';
import {
  CLOSE_GRACE_MS,
  MAX_COLLECTIONS_PER_CONNECTION,
  MAX_IDS_PER_CONNECTION,
  MAX_QUEUED_COMMANDS,
  RATE_LIMIT_STRIKES,
} from '../constants.js';
import { toError } from '../errors.js';
import { authorizeCollections, type Verdicts } from '../core/authorization.js';
import type { HubContext } from '../core/context.js';
import type { Entry } from '../core/entry.js';
import type { Subscriber } from '../core/hub.js';
import type { LogRange } from '../core/log-follower.js';
import { overBudget } from '../core/outgoing-budget.js';
import { RateLimiter } from '../core/rate-limiter.js';
import { Subscriptions } from '../core/subscriptions.js';
import type { Beating } from './heartbeat.js';
import { FrameJoiner, RawFrameWriter, textFrame } from './raw-frame-writer.js';

/** What a session needs from the WebSocket endpoint. */
export interface SessionContext extends HubContext {
  /** Joins frames once per turn for every socket that gets the same ones. */
  joiner: FrameJoiner;
  /** Called once when the session has closed. */
  onClosed(session: SocketSession): void;
}

interface HeldReset {
  seq: -1;
  collections: string[] | undefined;
  rebase: number | undefined;
}

const RATE_LIMITED = Symbol('rate limited');
type Inbound = Buffer | string | typeof RATE_LIMITED;

/**
 * One WebSocket connection: processes its frames strictly in order (authorize may be async),
 * holds live deliveries back while frames are pending, and never sends a seq at or below the
 * last one it sent (its cursor).
 */
export class SocketSession implements Subscriber, Beating {
  /** Last seq written to this socket. */
  private cursor = 0;
  private readonly subs = new Subscriptions();
  // Allocated only while needed: most connections sit idle, and 10,000 of them should cost little.
  private inbox: Inbound[] | undefined;
  private processing = false;
  private held: (Entry | HeldReset)[] | undefined;
  /**
   * A resume sent ahead of its subscribes, and how many of them are still to come: live
   * deliveries are held until the last one is processed and the resume answered.
   */
  private waitingResume: { frame: ResumeFrame; subscribes: number } | undefined;
  /** Frames written this turn, sent to the socket in one write at endTurn(). */
  private out: Buffer[] | undefined;
  private outBytes = 0;
  private closing = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly limiter: RateLimiter;
  private strikes = 0;
  /** Cleared by the heartbeat, set by any sign of life. */
  private alive = true;
  private readonly writer: RawFrameWriter;
  private isClosed = false;
  private closeWaiters: (() => void)[] | undefined;
  /** The epoch its `welcome` named: the only one the client knows its seqs in. */
  readonly epoch: string;

  constructor(
    private readonly ws: WebSocket,
    private readonly user: unknown,
    private readonly ctx: SessionContext,
  ) {
    this.writer = new RawFrameWriter(ws);
    this.limiter = new RateLimiter(ctx.options.rateLimit.commands, ctx.options.rateLimit.perMs);
    ctx.metrics.connections++;
    ctx.hub.add(this);
    ws.on('close', () => {
      clearTimeout(this.graceTimer);
      this.closing = true;
      this.isClosed = true;
      this.detach();
      ctx.metrics.connections--;
      ctx.onClosed(this);
      for (const w of this.closeWaiters ?? []) w();
    });
    ws.on('message', (data: Buffer, isBinary: boolean) =>
      this.receive(isBinary ? data : data.toString('utf8')),
    );
    ws.on('pong', () => (this.alive = true));
    this.epoch = ctx.hub.epoch;
    this.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      epoch: this.epoch,
      seq: ctx.hub.head,
      heartbeat: ctx.options.heartbeat,
    });
  }

  /** Resolves once the socket has closed. */
  whenClosed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => (this.closeWaiters ??= []).push(resolve));
  }

  /** Called by the heartbeat: terminates a peer silent since the last beat, pings the others. */
  beat(): void {
    if (!this.alive) return void this.ws.terminate();
    this.alive = false;
    this.ws.ping();
  }

  /** Closes with a code; a peer that does not complete the close handshake is terminated. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.detach();
    this.ws.close(code, reason);
    this.graceTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
    this.graceTimer.unref();
  }

  private detach(): void {
    this.ctx.hub.remove(this, this.subs.collections());
    this.held = undefined;
    this.out = undefined;
  }

  private get busy(): boolean {
    return (
      this.processing ||
      this.waitingResume !== undefined ||
      (this.inbox !== undefined && this.inbox.length > 0)
    );
  }

  private receive(data: Inbound): void {
    if (this.closing) return;
    this.alive = true;
    if (!this.limiter.take()) {
      this.ctx.metrics.rateLimited++;
      // One error frame per burst; the rest are counted, and sustained abuse closes the socket.
      if (this.strikes++ === 0) data = RATE_LIMITED;
      else if (this.strikes > RATE_LIMIT_STRIKES)
        return this.close(CloseCode.Policy, 'rate limit exceeded');
      else return;
    } else {
      this.strikes = 0;
    }
    const inbox = (this.inbox ??= []);
    if (inbox.length >= MAX_QUEUED_COMMANDS)
      return this.close(CloseCode.TryLater, 'too many pending commands');
    inbox.push(data);
    if (!this.processing) this.pump();
  }

  /** Processes queued frames in order; an async step pauses the queue until it settles. */
  private pump(): void {
    const inbox = this.inbox!;
    while (inbox.length > 0 && !this.closing) {
      const data = inbox.shift()!;
      let pending: Promise<void> | undefined;
      try {
        pending = this.handle(data);
      } catch (e) {
        this.internalError(e);
      }
      if (pending) {
        this.processing = true;
        pending.then(
          () => this.resumePump(),
          (e) => {
            this.internalError(e);
            this.resumePump();
          },
        );
        return;
      }
    }
    if (inbox.length === 0 && this.inbox === inbox) this.inbox = undefined;
    if (!this.closing && this.held !== undefined && this.waitingResume === undefined)
      this.release();
  }

  private resumePump(): void {
    this.processing = false;
    this.pump();
  }

  private internalError(e: unknown): void {
    this.ctx.options.onError(toError(e));
    this.send({
      type: 'error',
      code: 'internal',
      message: 'the server failed while handling the frame',
    });
  }

  private handle(data: Inbound): Promise<void> | undefined {
    if (data === RATE_LIMITED) {
      const { commands, perMs } = this.ctx.options.rateLimit;
      this.send({
        type: 'error',
        code: 'rate_limited',
        message: `more than ${commands} commands in ${perMs} ms; further abuse closes the connection`,
      });
      // A subscribe the waiting resume counts on may be among the frames dropped: it would wait
      // for ever, holding every live notification. It ends here, with a reset for what it covers.
      if (this.waitingResume !== undefined) {
        this.waitingResume = undefined;
        this.sendReset(undefined);
      }
      return undefined;
    }
    const result = decodeClientFrame(data, { maxLength: this.ctx.options.maxPayload });
    if (!result.ok) {
      this.ctx.metrics.badFrames++;
      this.send({ type: 'error', code: 'bad_request', message: result.error.message });
      return undefined;
    }
    const frame = result.frame;
    switch (frame.type) {
      case 'ping':
        this.send({ type: 'pong' });
        return undefined;
      case 'subscribe': {
        const subscribed = this.subscribe(frame);
        if (this.waitingResume === undefined) return subscribed;
        return subscribed
          ? subscribed.then(() => this.subscribedForResume())
          : this.subscribedForResume();
      }
      case 'unsubscribe':
        this.unsubscribe(frame);
        return undefined;
      case 'resume':
        return this.startResume(frame);
    }
  }

  /**
   * A resume that names its subscribes waits for them: were it answered after them instead, as
   * separate frames that may arrive in separate reads, live notifications released in between
   * would pass `after` and the resume could only be answered with a reset.
   */
  private startResume(frame: ResumeFrame): Promise<void> | undefined {
    if (this.waitingResume !== undefined) {
      this.send({
        type: 'error',
        code: 'bad_request',
        message: `a resume is still waiting for ${this.waitingResume.subscribes} subscribe frames`,
      });
      return undefined;
    }
    if (!frame.subscribes) return this.resume(frame);
    this.waitingResume = { frame, subscribes: frame.subscribes };
    return undefined;
  }

  private subscribedForResume(): Promise<void> | undefined {
    const waiting = this.waitingResume;
    if (this.closing || waiting === undefined || --waiting.subscribes > 0) return undefined;
    this.waitingResume = undefined;
    return this.resume(waiting.frame);
  }

  private subscribe(frame: SubscribeFrame): Promise<void> | undefined {
    const collections = [...new Set(frame.collections)];
    const ids = frame.ids === undefined ? undefined : [...new Set(frame.ids)];
    const added = collections.filter((c) => !this.subs.has(c)).length;
    if (
      this.subs.size + added > MAX_COLLECTIONS_PER_CONNECTION ||
      this.subs.idCount + (ids ? ids.length * collections.length : 0) > MAX_IDS_PER_CONNECTION
    ) {
      this.send({
        type: 'error',
        code: 'too_many',
        message: `a connection may hold at most ${MAX_COLLECTIONS_PER_CONNECTION} collections and ${MAX_IDS_PER_CONNECTION} row ids`,
        collections,
      });
      return undefined;
    }
    const verdicts = authorizeCollections(this.ctx, this.user, collections, ids);
    if (!(verdicts instanceof Promise)) return void this.apply(ids, verdicts);
    return verdicts.then((v) => {
      if (!this.closing) this.apply(ids, v);
    });
  }

  private apply(ids: RowId[] | undefined, { allowed, denied, failed }: Verdicts): void {
    const head = this.ctx.hub.head;
    for (const c of allowed) if (this.subs.add(c, ids, head)) this.ctx.hub.indexUnder(this, c);
    if (allowed.length > 0)
      this.send({ type: 'subscribed', collections: allowed, ...(ids ? { ids } : {}), seq: head });
    if (denied.length > 0)
      this.send({
        type: 'error',
        code: 'forbidden',
        message: 'not authorized for these collections',
        collections: denied,
      });
    if (failed.length > 0) {
      this.send({
        type: 'error',
        code: 'internal',
        message: 'authorization failed; try again later',
        collections: failed,
      });
    }
  }

  private unsubscribe(frame: UnsubscribeFrame): void {
    for (const c of frame.collections)
      if (this.subs.remove(c, frame.ids)) this.ctx.hub.unindex(this, c);
  }

  /** Replays from the ring, or (cluster mode) from the log: then the session is busy until the read settles. */
  private resume(frame: ResumeFrame): Promise<void> | undefined {
    const hub = this.ctx.hub;
    const plan = this.cursor <= frame.after ? hub.resumePlan(frame.epoch, frame.after) : 'reset';
    switch (plan) {
      case 'replay':
        return void this.replay(hub.since(frame.after), hub.head);
      case 'ahead':
        // Seen elsewhere already; this instance's tail delivers what follows as it arrives.
        this.cursor = frame.after;
        return undefined;
      case 'read':
        return hub
          .readRange(frame.epoch, frame.after, () => this.closing)
          .then((range: LogRange | undefined) => {
            if (this.closing) return;
            if (range) this.replay(range.entries, range.head);
            else this.sendReset(undefined);
          });
      case 'reset':
        return void this.sendReset(undefined);
    }
  }

  private replay(entries: Iterable<Entry>, head: number): void {
    for (const entry of entries) {
      if (!this.subs.matches(entry)) continue;
      this.write(entry);
      this.ctx.metrics.replayed++;
      // Written in maxBuffered-sized pieces, so a reader that cannot take the replay is dropped
      // before all of it sits in memory.
      if (this.outBytes >= this.ctx.options.maxBuffered) {
        this.endTurn();
        if (this.closing) return;
      }
    }
    // Everything up to head was considered: live fan-out of those seqs is now a duplicate.
    this.cursor = Math.max(this.cursor, head);
    this.endTurn();
  }

  offer(e: Entry): void {
    if (this.closing) return;
    if (this.busy) return this.hold(e);
    if (e.seq <= this.cursor || !this.subs.wants(e)) return;
    if (this.out === undefined) this.ctx.hub.touch(this);
    this.write(e);
    // A burst bigger than the budget is written (and checked) as it comes, not held for the turn's end.
    if (this.outBytes >= this.ctx.options.maxBuffered) this.endTurn();
  }

  offerReset(collections: string[] | undefined, rebase?: number): void {
    if (this.closing) return;
    if (this.busy) return this.hold({ seq: -1, collections, rebase });
    this.sendReset(collections, rebase);
  }

  private hold(item: Entry | HeldReset): void {
    const held = (this.held ??= []);
    held.push(item);
    if (held.length > this.ctx.options.retention.count) {
      this.ctx.metrics.drops++;
      this.drop('too many held notifications');
    }
  }

  /** Sends what was held back while frames were processed, in order, through the usual filters. */
  private release(): void {
    const held = this.held!;
    this.held = undefined;
    for (const item of held) {
      if (item.seq === -1)
        this.sendReset((item as HeldReset).collections, (item as HeldReset).rebase);
      else {
        const e = item as Entry;
        if (e.seq > this.cursor && this.subs.wants(e)) this.write(e);
      }
    }
    this.endTurn();
  }

  private write(e: Entry): void {
    const frame = (e.frame ??= textFrame(this.ctx.hub.json(e)));
    (this.out ??= []).push(frame);
    this.outBytes += frame.length;
    this.cursor = e.seq;
    this.ctx.metrics.deliveries++;
  }

  /** Writes this turn's frames to the socket at once (see raw-frame-writer.ts). */
  endTurn(): void {
    const out = this.out;
    if (out === undefined) return;
    this.out = undefined;
    const bytes = this.outBytes;
    this.outBytes = 0;
    // A socket whose close handshake has begun must not get data frames after its close frame.
    if (this.ws.readyState !== 1) return;
    this.writer.write(out, bytes, this.ctx.joiner);
    if (overBudget(this.ws.bufferedAmount, this.ctx)) this.drop('slow consumer');
  }

  private drop(reason: string): void {
    if (this.closing) return;
    this.close(CloseCode.TryLater, reason);
  }

  private sendReset(only: string[] | undefined, rebase?: number): void {
    if (rebase !== undefined) {
      this.cursor = rebase;
      this.subs.rebase(rebase);
    }
    const collections = only ? only.filter((c) => this.subs.has(c)) : [...this.subs.collections()];
    if (collections.length === 0) return;
    this.ctx.metrics.resets++;
    this.send({ type: 'reset', collections });
  }

  /**
   * Control frames take the notifications' path: queued behind this turn's frames (order kept),
   * written at once, and counted against the same `maxBuffered` bound, so a client that floods
   * commands and never reads the replies is dropped like any slow consumer.
   */
  private send(frame: ServerFrame): void {
    if (this.closing) return;
    const bytes = textFrame(encodeFrame(frame));
    (this.out ??= []).push(bytes);
    this.outBytes += bytes.length;
    this.endTurn();
  }
}
