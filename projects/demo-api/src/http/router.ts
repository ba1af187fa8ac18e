import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './api-error';
import { sendJson } from './send-json';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteContext {
  req: IncomingMessage;
  url: URL;
  /** Named path segments, e.g. `{ id: '42' }` for `/api/forums/:id`. */
  params: Record<string, string>;
}

/** What a handler answers; `body: undefined` is an empty 204-style answer. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (context: RouteContext) => Promise<Reply>;

interface Route {
  method: Method;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

/** A tiny method + path router: enough for two resources, no dependency needed. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: Method, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  /** Answers the request; throws `ApiError` 404 / 405 when no route fits. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const matches = this.routes.flatMap((route) => {
      const match = route.pattern.exec(url.pathname);
      return match ? [{ route, match }] : [];
    });
    // A literal path outranks a pattern that also matches it: `GET /api/forums/burst` is a 405
    // listing POST, not a 400 for the id "burst" of `/api/forums/:id`.
    const literal = matches.filter(({ route }) => route.names.length === 0);
    const candidates = literal.length > 0 ? literal : matches;
    const hit = candidates.find(({ route }) => route.method === req.method);
    if (hit) {
      const params = Object.fromEntries(
        hit.route.names.map((name, i) => [name, decodeSegment(hit.match[i + 1]!, name)]),
      );
      const reply = await hit.route.handler({ req, url, params });
      sendJson(res, reply.status, reply.body, reply.headers);
      return;
    }
    if (candidates.length > 0) {
      throw new ApiError(
        405,
        'method_not_allowed',
        `${req.method} is not allowed on ${url.pathname}`,
        undefined,
        { allow: [...new Set(candidates.map(({ route }) => route.method))] },
      );
    }
    throw ApiError.notFound(`route ${req.method} ${url.pathname}`);
  }
}

/** A path segment without its percent-encoding; `%ZZ` or a lone `%E0` is a 400 naming the segment. */
function decodeSegment(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw ApiError.invalidField(name, `${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}
