/**
 * Hostile names and headers: what goes into every path parameter (traversal, encoded
 * traversal, NUL, encoded slashes, invalid percent-encoding, very long, unicode) and into
 * the credential headers (Sec-WebSocket-Protocol lists, Authorization variants). Paths are
 * sent verbatim by the raw client, so the server sees exactly these bytes.
 */
import type { Rng } from "./rng.ts";

/** Path segments no entry point may treat as a name it knows. */
export const HOSTILE_SEGMENTS: readonly string[] = [
  "..",
  ".",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "..%2f..%2f..%2fetc%2fpasswd",
  "..%5c..%5c",
  "%00",
  "a%00b",
  "%2f",
  "a%2Fb",
  "%ZZ",
  "%E0%A4%A",
  "%",
  "%C3%A9",
  "%F0%9F%98%80",
  "%E2%80%AE",
  "%EF%BB%BF",
  "a%20b",
  "%3Cscript%3E",
  "a;b",
  "%3F",
  "%23",
  "~",
  "a".repeat(300),
  "b".repeat(5000),
  "__proto__",
  "constructor",
  "null",
  "undefined",
  "-1",
  "0",
];

/** Seeded extra segments: random bytes percent-encoded, or random printable text. */
export function randomSegment(rng: Rng): string {
  if (rng.chance(0.5)) {
    const bytes = Array.from({ length: rng.int(1, 24) }, () => rng.int(0, 255));
    return bytes.map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
  }
  return encodeURIComponent(rng.string(rng.int(1, 40), "abcXYZ09._-~!$&'()*+,;=:@ é中😀"));
}

/** `Sec-WebSocket-Protocol` values around a credential: order, spacing, repeats, junk. */
export function subprotocolVariants(sentinel: string, credential: string): string[] {
  return [
    sentinel,
    `${sentinel},`,
    `,${sentinel}`,
    `${credential}, ${sentinel}`,
    `${sentinel},${credential}`,
    `${sentinel} , ${credential} ,`,
    `${sentinel}, ${sentinel}`,
    `${sentinel}, ${credential}, ${credential}`,
    `${sentinel}, ${credential.toUpperCase()}`,
    `${sentinel}, ${credential}x`,
    `${sentinel.toUpperCase()}, ${credential}`,
    ",,,",
    " ",
    "x".repeat(8000),
    `${sentinel}, é`,
    `${sentinel}\t${credential}`,
  ];
}

/**
 * `Sec-WebSocket-Extensions` offers: what clients send, what RFC 7692 lets a client ask for,
 * and what no client should send (junk, unknown parameters, bad values, 8,000 bytes).
 */
export function extensionOffers(): string[] {
  return [
    "permessage-deflate; client_max_window_bits",
    "permessage-deflate",
    "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
    "permessage-deflate; server_max_window_bits=10; client_max_window_bits=12",
    'permessage-deflate; server_max_window_bits="15"',
    "permessage-deflate; server_max_window_bits=8, permessage-deflate",
    "permessage-deflate; server_max_window_bits=8",
    "permessage-deflate; client_max_window_bits=abc",
    "permessage-deflate; server_max_window_bits=99",
    "permessage-deflate; unknown_parameter",
    "permessage-deflate; server_no_context_takeover=yes",
    "permessage-deflate; client_max_window_bits; client_max_window_bits",
    "x-webkit-deflate-frame",
    ";;;,,,",
    " ",
    "permessage-deflate; é",
    "x".repeat(8000),
  ];
}

/** `Authorization` header values that carry no usable credential. */
export function garbageAuthorizations(credential: string): string[] {
  return [
    "",
    "Bearer",
    "Bearer ",
    `Basic ${credential}`,
    `Bearer ${credential} extra`,
    `Bearer${credential}`,
    `bearer  ${credential}x`,
    `Bearer ${credential.slice(0, -1)}`,
    `Bearer ${"A".repeat(8000)}`,
    "Bearer cz_extbot_00000000000000000000000000000000",
    "Bearer cz_extbot_",
  ];
}

/**
 * Whether the URL parser treats `segment` as a dot segment (`.`/`..`, also spelled with
 * `%2e`): it is removed with its parent before routing, so the request reaches another path.
 */
export function isDotSegment(segment: string): boolean {
  return /^(\.|%2e){1,2}$/i.test(segment);
}
