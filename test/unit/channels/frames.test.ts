// Proves client frame parsing at the edge: valid frames come out typed; every failure is
// an error frame with the most specific code (malformed, unknown_type, unknown_field,
// version_mismatch) and echoes the client id when there is one.
import { describe, expect, it } from "vitest";
import {
  ChannelClientFrameSchema,
  InboxClientFrameSchema,
  parseClientFrame,
} from "../../../src/protocol/channel-frames.ts";

const channel = (frame: unknown) =>
  parseClientFrame(
    typeof frame === "string" ? frame : JSON.stringify(frame),
    ChannelClientFrameSchema,
  );

describe("parseClientFrame", () => {
  it("parses every channel frame", () => {
    for (const frame of [
      { type: "hello", protocol_version: 1, session: "s", since_seq: 3, invite: "x", echo: true },
      { type: "auth", user: "u", machine: "m", signature: "sig" },
      { type: "post", id: "1", payload: { any: ["json"] } },
      { type: "post", id: "1", payload: null },
      { type: "history", before_seq: 5, limit: 10 },
      { type: "who" },
      { type: "ping" },
      { type: "whisper", id: "w", target: "u/m/s", payload: "hi" },
      { type: "admin", id: "a", op: "kick", path: "u/m/s" },
      { type: "admin", id: "a", op: "list_users" },
    ]) {
      expect(channel(frame)).toEqual({ ok: true, frame });
    }
  });

  it("names unknown fields, including a client-supplied from", () => {
    expect(channel({ type: "post", id: "p", payload: 1, from: "a/b/c" })).toEqual({
      ok: false,
      error: { type: "error", code: "unknown_field", message: "Unknown field: from", id: "p" },
    });
  });

  it("distinguishes unknown types from malformed frames", () => {
    expect(channel({ type: "teleport", id: "t" })).toMatchObject({
      error: { code: "unknown_type", id: "t" },
    });
    for (const bad of ["nope", "[]", "null", "{}", '{"type":5}']) {
      expect(channel(bad)).toMatchObject({ error: { code: "malformed" } });
    }
    expect(channel({ type: "post", id: "p" })).toMatchObject({
      error: { code: "malformed", id: "p" },
    });
    expect(channel({ type: "admin", id: "a", op: "nuke" })).toMatchObject({
      error: { code: "malformed", message: "Unknown admin op: nuke" },
    });
  });

  it("answers an unsupported protocol version before strict validation", () => {
    expect(channel({ type: "hello", protocol_version: 7, session: "s", novel: 1 })).toMatchObject({
      error: { code: "version_mismatch", supported_versions: [1] },
    });
  });

  it("validates names and bounds", () => {
    expect(channel({ type: "hello", protocol_version: 1, session: "UPPER" })).toMatchObject({
      error: { code: "malformed" },
    });
    expect(channel({ type: "whisper", id: "w", target: "u/m", payload: 1 })).toMatchObject({
      error: { code: "malformed" },
    });
    expect(channel({ type: "history", limit: 1001 })).toMatchObject({
      error: { code: "malformed" },
    });
    expect(channel({ type: "history", since_seq: -1 })).toMatchObject({
      error: { code: "unknown_field" },
    });
  });

  it("refuses channel frames on an inbox socket", () => {
    const parsed = parseClientFrame('{"type":"post","id":"p","payload":1}', InboxClientFrameSchema);
    expect(parsed).toMatchObject({ error: { code: "unknown_type" } });
    const op = parseClientFrame(
      '{"type":"admin","id":"a","op":"kick","path":"u/m/s"}',
      InboxClientFrameSchema,
    );
    expect(op).toMatchObject({ error: { code: "malformed" } });
  });
});
