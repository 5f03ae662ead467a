// Proves the participant state machine of §5.1/§5.6: what each frame means in each phase.
import { describe, expect, it } from "vitest";
import { handshakeStep } from "../../../src/match/handshake.ts";
import { parseClientFrame } from "../../../src/protocol/bot-frames.ts";

const frame = (value: unknown) =>
  parseClientFrame(typeof value === "string" ? value : JSON.stringify(value));

describe("handshakeStep", () => {
  it("opens with authenticate only, reading the token leniently", () => {
    expect(handshakeStep("auth", frame({ type: "authenticate", token: "t" }))).toEqual({
      kind: "authenticate",
      token: "t",
    });
    expect(handshakeStep("auth", frame({ type: "authenticate", token: 1 }))).toEqual({
      kind: "authenticate",
      token: "",
    });
    expect(handshakeStep("auth", frame({ type: "hello", supported_versions: ["1.0"] }))).toEqual({
      kind: "ignore",
    });
    expect(handshakeStep("auth", frame("garbage"))).toEqual({ kind: "ignore" });
  });

  it("takes the next frame as the client hello: usable versions bind, anything else is a mismatch", () => {
    expect(
      handshakeStep("hello", frame({ type: "hello", supported_versions: ["1.0"], x: 1 })),
    ).toEqual({ kind: "hello" });
    expect(handshakeStep("hello", frame({ type: "hello", supported_versions: ["9.9"] }))).toEqual({
      kind: "protocol_mismatch",
    });
    expect(handshakeStep("hello", frame("{"))).toEqual({ kind: "protocol_mismatch" });
    expect(handshakeStep("hello", frame({ type: "pong" }))).toEqual({ kind: "protocol_mismatch" });
    expect(handshakeStep("hello", frame({ type: "authenticate" }))).toEqual({ kind: "ignore" });
  });

  it("hands live frames to the game and ignores everything once closed", () => {
    const parsed = frame({ type: "pong" });
    expect(handshakeStep("live", parsed)).toEqual({ kind: "game", parsed });
    expect(handshakeStep("closed", parsed)).toEqual({ kind: "ignore" });
  });
});
