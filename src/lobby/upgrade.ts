/**
 * WebSocket upgrade plumbing shared by both bot endpoints: recognising an upgrade, echoing
 * the `chipzen-bot-token` subprotocol sentinel (bot protocol §4, §9 item 1), and refusing a
 * connection the way clients can see it — finish the upgrade, then close with the code.
 */

/** The subprotocol sentinel bots offer before their token; echoed, never the token itself. */
export const BOT_TOKEN_SUBPROTOCOL = "chipzen-bot-token";

export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/**
 * The values offered in `Sec-WebSocket-Protocol`: a comma list with optional spaces;
 * several header lines arrive joined with ", " by the runtime.
 */
export function offeredSubprotocols(request: Request): string[] {
  return (request.headers.get("sec-websocket-protocol") ?? "")
    .split(",")
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

/** Headers for a `101`: the sentinel when it was offered, nothing otherwise (§4). */
export function upgradeHeaders(request: Request): Headers {
  const headers = new Headers();
  if (offeredSubprotocols(request).includes(BOT_TOKEN_SUBPROTOCOL)) {
    headers.set("sec-websocket-protocol", BOT_TOKEN_SUBPROTOCOL);
  }
  return headers;
}

/**
 * Accepts the upgrade and closes the socket at once with `code`: clients see the close
 * code (an HTTP error status would only surface as a failed handshake).
 */
export function closedUpgrade(request: Request, close: { code: number; reason: string }): Response {
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  server.accept();
  server.close(close.code, close.reason);
  return new Response(null, { status: 101, webSocket: client, headers: upgradeHeaders(request) });
}
