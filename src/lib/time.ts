/** ISO-8601 UTC with millisecond precision (`YYYY-MM-DDTHH:mm:ss.sssZ`), the wire timestamp format. */
export function isoNow(now: number = Date.now()): string {
  return new Date(now).toISOString();
}
