// Proves the server frame builders: the envelope's key order and stamping (§5.3), the server
// hello (§5.1), the turn_request clock on first send and re-send (§5.4.3, §5.9) and every
// action_rejected field (§5.4.9).
import { describe, expect, it } from "vitest";
import { DEFAULT_MATCH_CONFIG } from "../../../src/match/config.ts";
import {
  actionRejected,
  closingError,
  matchStart,
  serverHello,
  stamp,
  turnRequest,
} from "../../../src/match/frames.ts";

const NOW = Date.UTC(2026, 10, 2, 18, 4, 0);
const turn = {
  seat: 1,
  request_id: "req_0123456789ab",
  valid_actions: ["fold", "call"],
  state: { pot: 30 },
  deadline: NOW + 30_000,
};

describe("frame builders", () => {
  it("stamps seq and server_ts right after type and match_id", () => {
    const stamped = stamp(
      { type: "phase_change", match_id: "m", state: { phase: "flop", board: [] } },
      7,
      NOW,
    );
    expect(Object.keys(stamped)).toEqual(["type", "match_id", "seq", "server_ts", "state"]);
    expect(stamped).toMatchObject({ seq: 7, server_ts: "2026-11-02T18:04:00.000Z" });
  });

  it("builds the server hello and the closing error with seq 1", () => {
    expect(serverHello("m", true, NOW)).toEqual({
      type: "hello",
      match_id: "m",
      seq: 1,
      server_ts: "2026-11-02T18:04:00.000Z",
      supported_versions: ["1.0"],
      selected_version: "1.0",
      server_name: "chipzen",
      game_type: "poker",
      capabilities: ["reconnect"],
    });
    expect(serverHello("m", false, NOW).capabilities).toEqual([]);
    expect(closingError("m", "duplicate_participant", "x", NOW)).toMatchObject({
      seq: 1,
      code: "duplicate_participant",
    });
  });

  it("gives a turn_request the time left on its clock", () => {
    expect(turnRequest("m", turn, NOW)).toMatchObject({
      timeout_ms: 30_000,
      turn_duration_ms: 30_000,
      deadline_ts: NOW + 30_000,
    });
    expect(turnRequest("m", turn, NOW + 12_345)).toMatchObject({
      timeout_ms: 17_655,
      deadline_ts: NOW + 30_000,
    });
    expect(turnRequest("m", turn, NOW + 40_000).timeout_ms).toBe(1);
  });

  it("fills every action_rejected field", () => {
    expect(actionRejected("m", turn, "all_in", "nope", NOW + 1000)).toEqual({
      type: "action_rejected",
      match_id: "m",
      request_id: turn.request_id,
      reason: "nope",
      message: "nope",
      details: { valid_actions: ["fold", "call"] },
      submitted_action: "all_in",
      remaining_ms: 29_000,
      valid_actions: ["fold", "call"],
    });
  });

  it("marks only the recipient as self in match_start", () => {
    const seats = [
      { seat: 0, name: "Alpha", participant_id: "p_a" },
      { seat: 1, name: "Bravo", participant_id: "p_b" },
    ];
    const frame = matchStart("m", seats, DEFAULT_MATCH_CONFIG, 1);
    expect(frame.seats.map((s) => s.is_self)).toEqual([false, true]);
    expect(frame).toMatchObject({
      your_seat: 1,
      game_config: { num_players: 2, starting_stack: 2000 },
    });
  });
});
