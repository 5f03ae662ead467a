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

/** The deadlines of one connection, each a schedule row (see `Schedule`). */
export type DeadlineKind = "auth" | "ping" | "pong" | "resume";
const KINDS: readonly DeadlineKind[] = ["auth", "ping", "pong", "resume"];

/** Schedule keys of one connection's deadlines. */
export const scheduleKey = {
  auth: (connId: string) => `auth:${connId}`,
  ping: (connId: string) => `ping:${connId}`,
  pong: (connId: string) => `pong:${connId}`,
  /** The end of the connection's resume settle window (`resume-window.ts`). */
  resume: (connId: string) => `resume:${connId}`,
  all: (connId: string) => KINDS.map((kind) => `${kind}:${connId}`),
  parse(key: string): { kind: DeadlineKind; connId: string } | null {
    const match = /^(auth|ping|pong|resume):(.+)$/.exec(key);
    if (!match?.[1] || !match[2]) return null;
    return { kind: match[1] as DeadlineKind, connId: match[2] };
  },
};
