/** The 101 of every WebSocket endpoint (the Durable Objects that accept the sockets). */
import { deflateAnswer } from "../lib/websocket-deflate.ts";

/**
 * The 101 that hands `client` to the peer, answering the compression the request offered
 * (`deflateAnswer`) beside `headers` (e.g. the echoed subprotocol).
 */
export function upgradeResponse(
  request: Request,
  client: WebSocket,
  headers: Record<string, string> = {},
): Response {
  const answer = deflateAnswer(request.headers.get("Sec-WebSocket-Extensions"));
  return new Response(null, {
    status: 101,
    webSocket: client,
    headers: answer === null ? headers : { ...headers, "Sec-WebSocket-Extensions": answer },
  });
}
