/** WebSocket upgrade checks of the lobby leg, on top of the match leg's subprotocol parsing. */
import { BOT_TOKEN_SENTINEL, subprotocolCredential } from "../match/upgrade";

/** Whether the request asks for a WebSocket upgrade. */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

/** The subprotocol to answer with: the `chipzen-bot-token` sentinel when offered (§3.1, §4). */
export function echoedProtocol(request: Request): string | null {
  const offer = subprotocolCredential(
    request.headers.get("sec-websocket-protocol"),
    BOT_TOKEN_SENTINEL,
    null,
  );
  return offer.sentinel ? BOT_TOKEN_SENTINEL : null;
}
