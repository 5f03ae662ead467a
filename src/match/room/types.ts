/** The shapes the match room shares with its Durable Object and with dispatch. */
import type { MatchConfig } from "../config.ts";
import type { ConnInfo } from "../handshake.ts";
import type { MatchOutcome } from "../results.ts";

/** What `MatchObject.create` receives: the seats and the full configuration. */
export interface MatchSpec {
  match_id: string;
  /** Dispatch time, epoch ms: the connection wait counts from here (§5.2). */
  created_at: number;
  config: MatchConfig;
  seats: {
    seat: number;
    participant_id: string;
    bot_id: string;
    name: string;
    /** A house bot's strategy; null for a remote bot that connects over a socket. */
    house_strategy: string | null;
  }[];
}

/** One socket as the room sees it. */
export interface Conn {
  readonly info: ConnInfo;
  send(text: string): void;
  close(code: number, reason: string): void;
  /** Stores new per-socket data (the hibernation attachment). */
  update(info: ConnInfo): void;
}

/** What the room needs from its Durable Object. */
export interface RoomHost {
  now(): number;
  random(): number;
  /** Runs `fn` as one storage transaction (rolled back if it throws). */
  transaction<T>(fn: () => T): T;
  /** The open socket with this connection id, if any. */
  conn(id: string): Conn | null;
  spectators(): Conn[];
  setAlarm(at: number | null): void;
  /**
   * Verifies a bot token against the registry: the bot id, or null. A token of `seatBotId`
   * (the seat's own bot: the socket is accepted) counts as a use of it.
   */
  verifyToken(token: string, seatBotId: string): Promise<string | null>;
  /** Writes the finished match to the registry (and runs the match-end hook). */
  recordEnd(outcome: MatchOutcome): Promise<void>;
}

/** How the room answers an upgrade for a seat. */
export type Admission = { ok: true; seat: number } | { ok: false; code: number };
