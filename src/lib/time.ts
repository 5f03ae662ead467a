import * as v from "valibot";

/** ISO-8601 UTC with millisecond precision (`YYYY-MM-DDTHH:mm:ss.sssZ`), the wire timestamp format. */
export function isoNow(now: number = Date.now()): string {
  return new Date(now).toISOString();
}

/** A wire timestamp as the API's schemas describe it (`isoNow`'s format). */
export const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());
