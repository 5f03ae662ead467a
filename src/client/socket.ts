/**
 * One WebSocket attempt that always ends, exactly once. Every socket of the SDK (the lobby,
 * match sessions, agent channels and the inbox) dials through here, so a failed dial is a
 * drop like any other: the caller backs off and re-dials.
 */

/**
 * The WebSocket class: the platform's (browsers, Node ≥ 22), else the `ws` package's, which
 * has the same interface (Node 20 has no global WebSocket). The name is a variable so that
 * bundlers for the browser do not try to resolve `ws`.
 */
const WebSocketClass: typeof WebSocket =
  globalThis.WebSocket ?? (await import(["w", "s"].join(""))).WebSocket;

/** `readyState` of an open socket (the same in every implementation). */
export const OPEN = 1;

/** How one attempt ended. `opened`: the opening handshake finished (a 101 was received). */
export interface SocketEnd {
  code: number;
  reason: string;
  opened: boolean;
}

/** The close code reported for a socket that failed without a close frame (RFC 6455 §7.1.5). */
export const ABNORMAL_CLOSE = 1006;

/**
 * Opens `url` and resolves when the socket is over, whichever way it ends: a close (its
 * code and reason), or an `error` — Node's WebSocket reports a refused or failed dial (and a
 * connection lost during the opening handshake) with `error` and never a `close`, so waiting
 * for `close` alone would wait for ever. `wire` attaches the caller's `onopen`/`onmessage`
 * before any event can be dispatched; nothing reaches them once the attempt has ended.
 * `signal` closes the socket (1000) and ends the attempt at once: the closing handshake is
 * not waited for (a peer that keeps the TCP connection open would hold it for 30 s).
 */
export function dialOnce(
  url: string,
  protocols: string[] | undefined,
  wire: (ws: WebSocket) => void,
  signal?: AbortSignal,
): Promise<SocketEnd> {
  return new Promise((resolve) => {
    const ws = protocols ? new WebSocketClass(url, protocols) : new WebSocketClass(url);
    let opened = false;
    let settled = false;
    const settle = (code: number, reason: string) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", abort);
      ws.onopen = null;
      ws.onmessage = null;
      resolve({ code, reason, opened });
    };
    const abort = () => {
      settle(1000, "closed by this client");
      ws.close(1000);
    };
    wire(ws);
    ws.addEventListener("open", () => {
      opened = true;
    });
    ws.onclose = (event) => settle(event.code, event.reason);
    ws.onerror = () => {
      if (settled) return;
      settle(ABNORMAL_CLOSE, opened ? "connection lost" : "connection failed");
      // Releases the socket; on a failed dial this re-enters `onerror`, which is settled now.
      ws.close();
    };
    if (signal?.aborted) abort();
    else signal?.addEventListener("abort", abort, { once: true });
  });
}
