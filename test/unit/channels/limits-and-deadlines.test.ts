// Proves the pure per-socket rules: the token bucket (20/s, burst 40), warnings then a
// close on the fifth violation in a minute, which frames each handshake phase admits, and
// the sweep's handshake and heartbeat deadlines.
import { describe, expect, it } from "vitest";
import { admits, deadlines, newAttachment } from "../../../src/channels/connection.ts";
import { recordViolation, TokenBucket } from "../../../src/channels/rate-limit.ts";

describe("TokenBucket", () => {
  it("allows a burst of 40, then 20 per second", () => {
    const bucket = new TokenBucket({ perSecond: 20, burst: 40 }, 0);
    let allowed = 0;
    for (let i = 0; i < 50; i += 1) if (bucket.take(0)) allowed += 1;
    expect(allowed).toBe(40);
    expect(bucket.take(49)).toBe(false);
    expect(bucket.take(50)).toBe(true);
    let later = 0;
    for (let i = 0; i < 30; i += 1) if (bucket.take(1_050)) later += 1;
    expect(later).toBe(20);
  });

  it("never holds more than the burst after a long idle time", () => {
    const bucket = new TokenBucket({ perSecond: 20, burst: 40 }, 0);
    let allowed = 0;
    for (let i = 0; i < 100; i += 1) if (bucket.take(3_600_000)) allowed += 1;
    expect(allowed).toBe(40);
  });
});

describe("recordViolation", () => {
  const limits = { maxViolations: 5, windowMs: 60_000 };
  it("warns four times and closes on the fifth violation within a minute", () => {
    let recent: number[] = [];
    const verdicts: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const result = recordViolation(recent, i * 1_000, limits);
      recent = result.violations;
      verdicts.push(result.verdict);
    }
    expect(verdicts).toEqual(["warn", "warn", "warn", "warn", "close"]);
  });

  it("forgets violations older than the window", () => {
    const recent = [0, 1_000, 2_000, 3_000];
    expect(recordViolation(recent, 62_000, limits)).toEqual({
      violations: [3_000, 62_000],
      verdict: "warn",
    });
  });
});

describe("admits", () => {
  it("accepts only the next handshake step, and everything but the handshake once live", () => {
    expect(admits("greeting", "hello")).toBeNull();
    expect(admits("greeting", "post")).toMatchObject({ code: "unauthorized" });
    expect(admits("challenged", "auth")).toBeNull();
    expect(admits("challenged", "hello")).toMatchObject({ code: "malformed" });
    expect(admits("verifying", "auth")).toMatchObject({ code: "unauthorized" });
    expect(admits("live", "post")).toBeNull();
    expect(admits("live", "auth")).toMatchObject({ code: "malformed" });
    for (const phase of ["greeting", "challenged", "verifying", "live"] as const) {
      expect(admits(phase, "ping")).toBeNull();
    }
  });
});

describe("deadlines", () => {
  const limits = { handshakeTimeoutMs: 10_000, heartbeatTimeoutMs: 75_000 };
  const live = (id: string, liveAt: number) => ({
    ...newAttachment(id, "/ws/channel/c", 0),
    phase: "live" as const,
    liveAt,
  });

  it("expires handshakes after 10 s and silent live sockets after 75 s", () => {
    const due = deadlines(
      [
        { attachment: newAttachment("new", "/x", 0), lastPing: null },
        { attachment: newAttachment("fresh", "/x", 5_000), lastPing: null },
        { attachment: live("silent", 1_000), lastPing: null },
        { attachment: live("pinging", 1_000), lastPing: 50_000 },
      ],
      80_000,
      limits,
    );
    expect(due.handshakeExpired).toEqual(["new", "fresh"]);
    expect(due.heartbeatExpired).toEqual(["silent"]);
    expect(due.next).toBe(125_000);
  });

  it("looks again at the earliest future deadline, or never when nobody is left", () => {
    const due = deadlines(
      [{ attachment: newAttachment("a", "/x", 1_000), lastPing: null }],
      0,
      limits,
    );
    expect(due).toEqual({ handshakeExpired: [], heartbeatExpired: [], next: 11_000 });
    expect(deadlines([], 0, limits).next).toBeNull();
  });
});
