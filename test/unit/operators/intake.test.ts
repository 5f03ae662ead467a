// Proves how one inbound frame is classified and how frames go out: binary and oversized
// frames close the socket (1003 after an answer, 1009), garbage before `connect` closes it
// without an answer and after `connect` is answered with the request's id (or `invalid`),
// arrays are not objects; protocol-3 connections get `result`, `params` and an integer code,
// protocol 4 never does.
import { describe, expect, it } from "vitest";
import { MAX_PAYLOAD, takeFrame } from "../../../src/operators/intake.ts";
import { eventText, outgoing, responseText } from "../../../src/operators/outbound.ts";

describe("takeFrame", () => {
  it("closes on binary and oversized frames", () => {
    expect(takeFrame(new ArrayBuffer(2), true)).toEqual({
      kind: "refuse",
      code: 1003,
      reason: "binary frames are not supported",
      answer: { id: "invalid", message: "binary frames are not supported" },
    });
    expect(takeFrame("x".repeat(MAX_PAYLOAD + 1), true)).toMatchObject({
      kind: "refuse",
      code: 1009,
    });
    expect(takeFrame("é".repeat(MAX_PAYLOAD / 2 + 1), true)).toMatchObject({
      kind: "refuse",
      code: 1009,
    });
  });

  it("closes on anything but a request before connect", () => {
    for (const text of ["nope", "[]", '{"type":"event","event":"x"}', '{"type":"req","id":"a"}']) {
      expect(takeFrame(text, false)).toEqual({
        kind: "refuse",
        code: 1008,
        reason: "invalid request frame",
      });
    }
  });

  it("answers a bad frame after connect with its id", () => {
    expect(takeFrame("nope", true)).toEqual({
      kind: "answer",
      id: "invalid",
      message: "invalid request frame: not JSON",
    });
    expect(takeFrame('{"type":"req","id":"a","method":"x","extra":1}', true)).toEqual({
      kind: "answer",
      id: "a",
      message: "invalid request frame: unexpected property extra",
    });
    expect(takeFrame('[{"type":"req","id":"a","method":"x"}]', true)).toMatchObject({
      kind: "answer",
      id: "invalid",
    });
  });

  it("passes a request through", () => {
    expect(takeFrame('{"type":"req","id":"a","method":"status","params":{}}', true)).toEqual({
      kind: "request",
      frame: { type: "req", id: "a", method: "status", params: {} },
    });
  });
});

describe("outbound frames", () => {
  it("adds the protocol-3 keys only on protocol 3", () => {
    const event = outgoing("presence", { added: [] }, { presence: 1, health: 1 });
    expect(JSON.parse(eventText(event, 7, 4))).toEqual({
      type: "event",
      event: "presence",
      payload: { added: [] },
      seq: 7,
      stateVersion: { presence: 1, health: 1 },
    });
    expect(JSON.parse(eventText(event, 7, 3))).toMatchObject({
      params: { added: [] },
      payload: { added: [] },
    });
    const error = {
      type: "res" as const,
      id: "x",
      ok: false as const,
      error: { code: "FORBIDDEN" as const, message: "no" },
    };
    expect(JSON.parse(responseText(error, 4))).toEqual(error);
    expect(JSON.parse(responseText(error, 3))).toEqual({
      type: "res",
      id: "x",
      ok: false,
      error: { code: 403, message: "no", details: { gatewayCode: "FORBIDDEN" } },
    });
    expect(JSON.parse(responseText({ type: "res", id: "y", ok: true, payload: 1 }, 3))).toEqual({
      type: "res",
      id: "y",
      ok: true,
      payload: 1,
      result: 1,
    });
  });
});
