/**
 * The participant handshake of §5.1/§5.6 as a pure state machine: what one inbound frame
 * means in each phase of a seat socket. The match room performs the actions.
 */
import { type ClientFrame, commonVersions, type ParsedFrame } from "../protocol/bot-frames.ts";

/** Phases of one seat socket: waiting for `authenticate`, then the client `hello`, then live. */
export type HandshakePhase = "auth" | "hello" | "live" | "closed";

/** Per-socket data kept in the hibernation attachment (survives eviction with the socket). */
export interface ConnInfo {
  conn: string;
  role: "seat" | "spectator";
  /** The seat for `role: "seat"`; -1 for spectators. */
  seat: number;
  phase: HandshakePhase;
  /**
   * The bot the Worker verified from the upgrade's token, or null on the path where the
   * credential arrives in the `authenticate` frame and the room must verify it.
   */
  verifiedBotId: string | null;
}

/** What the room must do with one inbound frame. */
export type HandshakeStep =
  /** Drop silently (§3.3-style: a frame that means nothing in this phase). */
  | { kind: "ignore" }
  /** `authenticate` arrived: check the seat and answer with the server hello (or a refusal). */
  | { kind: "authenticate"; token: string }
  /** A usable client `hello`: bind the socket to its seat. */
  | { kind: "hello" }
  /** No common version, or an unusable hello: close 4013 (§5.1 step 4). */
  | { kind: "protocol_mismatch" }
  /** A frame on a live socket: the game loop handles it. */
  | { kind: "game"; parsed: ParsedFrame };

export function handshakeStep(phase: HandshakePhase, parsed: ParsedFrame): HandshakeStep {
  const frame: ClientFrame | null = parsed.ok ? parsed.frame : null;
  switch (phase) {
    case "auth":
      // Only `authenticate` opens the handshake; its credential shape is free-form (§9 item 2).
      if (frame?.type !== "authenticate") return { kind: "ignore" };
      return { kind: "authenticate", token: typeof frame.token === "string" ? frame.token : "" };
    case "hello":
      // A repeated authenticate is harmless; anything else is taken as the client hello.
      if (frame?.type === "authenticate") return { kind: "ignore" };
      if (frame?.type !== "hello" || commonVersions(frame).length === 0) {
        return { kind: "protocol_mismatch" };
      }
      return { kind: "hello" };
    case "live":
      return { kind: "game", parsed };
    case "closed":
      return { kind: "ignore" };
  }
}
