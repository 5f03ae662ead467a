/**
 * Bookkeeping of one lobby socket: its phase, kept in the socket's hibernation attachment so
 * it survives eviction, and the schedule keys of its deadlines.
 */
import type { LobbySocketState } from "./presence";

/** The socket's phase, from its hibernation attachment (`null` before one is written). */
export function readSocketState(ws: WebSocket): LobbySocketState | null {
  return (ws.deserializeAttachment() as LobbySocketState | null) ?? null;
}

/** Stores the socket's phase in its attachment (≤ 16 KiB, survives hibernation). */
export function writeSocketState(ws: WebSocket, state: LobbySocketState): void {
  ws.serializeAttachment(state);
}

/** Schedule keys of one connection's deadlines. */
export const scheduleKey = {
  auth: (connId: string) => `auth:${connId}`,
  ping: (connId: string) => `ping:${connId}`,
  pong: (connId: string) => `pong:${connId}`,
  all: (connId: string) => [`auth:${connId}`, `ping:${connId}`, `pong:${connId}`],
  parse(key: string): { kind: "auth" | "ping" | "pong"; connId: string } | null {
    const match = /^(auth|ping|pong):(.+)$/.exec(key);
    if (!match?.[1] || !match[2]) return null;
    return { kind: match[1] as "auth" | "ping" | "pong", connId: match[2] };
  },
};
