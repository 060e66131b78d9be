/**
 * Polls `check` every `pollMs` until it holds; fails naming `what` after `timeoutMs`. For in-process tests
 * whose conditions change on timers (no event to wait on).
 */
export async function until(
  what: string,
  check: () => boolean,
  timeoutMs = 10_000,
  pollMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
