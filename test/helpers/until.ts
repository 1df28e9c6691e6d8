/**
 * Polls `ok` every 10 ms until it holds; throws naming `what` once `ms` have passed. The default bound is
 * generous on purpose: a 2-core machine running other jobs beside the suite takes seconds for what
 * takes milliseconds alone, and a bound only decides how long a broken test takes to fail.
 */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
