/**
 * A token bucket: `commands` tokens, refilled continuously at `commands` per `perMs`. Bursts up to
 * `commands` pass (a reconnecting client sends its subscribes at once); a sustained flood does not.
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt = Date.now();

  constructor(
    private readonly commands: number,
    private readonly perMs: number,
  ) {
    this.tokens = commands;
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(
      this.commands,
      this.tokens + ((now - this.refilledAt) * this.commands) / this.perMs,
    );
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}
