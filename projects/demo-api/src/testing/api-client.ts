/** What a spec sees of one HTTP answer. */
export interface ApiAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** A fetch wrapper for specs: JSON in, parsed JSON (or text, or undefined for 204) out. */
export function apiClient(baseUrl: string) {
  return async function request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    init: { contentType?: string; raw?: string } = {},
  ): Promise<ApiAnswer<T>> {
    const payload = init.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const response = await fetch(baseUrl + path, {
      method,
      headers:
        payload === undefined ? {} : { 'content-type': init.contentType ?? 'application/json' },
      body: payload,
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.startsWith('application/json');
    return {
      status: response.status,
      headers: response.headers,
      body: text === '' ? undefined : isJson ? JSON.parse(text) : text,
    };
  };
}
