/**
 * Helpers for WebSocket upgrades on the match leg, used by the Worker and the object alike.
 */
import { CloseReason } from "../protocol/bot-frames.ts";
import { BOT_TOKEN_PATTERN } from "../registry/tokens.ts";

/** The subprotocol sentinel bots offer before their token (§4). */
export const BOT_TOKEN_SENTINEL = "chipzen-bot-token";
/** The subprotocol sentinel of the admin credential on the spectator socket (our choice). */
export const ADMIN_SENTINEL = "botgate-admin";

/**
 * Reads `Sec-WebSocket-Protocol` per §9 item 1: a comma list, spaces optional, possibly over
 * several header lines (joined with commas by `Headers`). The credential is the element right
 * after the sentinel, else the first element matching `pattern`.
 */
export function subprotocolCredential(
  header: string | null,
  sentinel: string,
  pattern: RegExp | null,
): { offered: boolean; sentinel: boolean; credential: string | null } {
  const items = (header ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  const at = items.indexOf(sentinel);
  const afterSentinel = at >= 0 ? (items[at + 1] ?? null) : null;
  const byShape = pattern ? (items.find((item) => pattern.test(item)) ?? null) : null;
  return { offered: items.length > 0, sentinel: at >= 0, credential: afterSentinel ?? byShape };
}

/** The bot token of a match upgrade: header first, the deprecated `?token=` only as fallback. */
export function botTokenOf(request: Request): { token: string | null; protocol: string | null } {
  const offer = subprotocolCredential(
    request.headers.get("sec-websocket-protocol"),
    BOT_TOKEN_SENTINEL,
    BOT_TOKEN_PATTERN,
  );
  const token = offer.credential ?? new URL(request.url).searchParams.get("token");
  return { token, protocol: offer.sentinel ? BOT_TOKEN_SENTINEL : null };
}

/**
 * Finishes the upgrade, then closes with `code` so the client sees the code rather than an
 * HTTP error (§4, our choice). The sentinel is echoed when it was offered.
 */
export function refuseUpgrade(code: number, protocol: string | null): Response {
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  server.accept();
  server.close(code, CloseReason[code] ?? "");
  const init: ResponseInit = { status: 101, webSocket: client };
  if (protocol) init.headers = { "Sec-WebSocket-Protocol": protocol };
  return new Response(null, init);
}
