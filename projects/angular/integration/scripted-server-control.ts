/** What the scripted server reports after every command. */
export interface ScriptedServerInfo {
  port: number;
  epoch: string;
  /** Connections accepted since the last reset. */
  connections: number;
  /** Connections open now. */
  open: number;
  /** Every frame clients sent, with the connection number it came on. */
  log: { connection: number; frame: { type: string; [field: string]: unknown } }[];
}

export type ScriptedServerCommand =
  | { action: 'reset'; mode?: 'protocol' | 'plain'; heartbeat?: number }
  | { action: 'close'; code: number }
  | { action: 'silence' }
  | { action: 'raw'; raw: string }
  | { action: 'notify'; notification: { collection: string; [field: string]: unknown } }
  | { action: 'restart' }
  | { action: 'info' };

/** Steers the scripted server Karma started (integration/scripted-server.cjs). */
export async function control(command: ScriptedServerCommand): Promise<ScriptedServerInfo> {
  const response = await fetch('/changefeed-control', {
    method: 'POST',
    body: JSON.stringify(command),
  });
  if (!response.ok) throw new Error(`scripted server: ${await response.text()}`);
  return response.json();
}

/**
 * Waits until `check` holds, polling. The deadline only turns a hang into a readable failure;
 * no assertion depends on how long anything took.
 */
export async function eventually(
  what: string,
  check: () => boolean | Promise<boolean>,
  deadlineMs = 8000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
