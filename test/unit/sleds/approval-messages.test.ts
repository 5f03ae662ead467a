// The approvals channel's pure parts: its name, which payloads are replies, and what a reply
// is answered with.
import { describe, expect, it } from "vitest";
import {
  answerPayload,
  approvalsChannel,
  parseReply,
  projectOfChannel,
} from "../../../src/sleds/approval-messages.ts";

describe("the approvals channel", () => {
  it("is approvals-<project>, and no channel when the name would be too long", () => {
    expect(approvalsChannel("huskies")).toBe("approvals-huskies");
    expect(projectOfChannel("approvals-huskies")).toBe("huskies");
    expect(projectOfChannel("approvals-")).toBeNull();
    expect(projectOfChannel("general")).toBeNull();
    expect(approvalsChannel("a".repeat(54))).toBe(`approvals-${"a".repeat(54)}`);
    expect(approvalsChannel("a".repeat(55))).toBeNull();
  });

  it("reads only approval.reply payloads as replies, and says what is wrong with a bad one", () => {
    expect(parseReply({ text: "hi" })).toBeNull();
    expect(parseReply("approval.reply")).toBeNull();
    expect(parseReply([{ type: "approval.reply" }])).toBeNull();
    expect(parseReply({ type: "approval.reply", id: "p:1", decision: "deny" })).toEqual({
      id: "p:1",
      decision: "deny",
    });
    expect(parseReply({ type: "approval.reply", id: "", decision: "deny" })).toHaveProperty(
      "error",
    );
    expect(parseReply({ type: "approval.reply", id: 7, decision: "deny" })).toHaveProperty("error");
    expect(parseReply({ type: "approval.reply", id: "p:1", decision: "yes" })).toHaveProperty(
      "error",
    );
    expect(parseReply({ type: "approval.reply", id: "p:1" })).toHaveProperty("error");
  });

  it("answers a reply with its seq and sender", () => {
    const reply = { seq: 9, from: "alice/laptop/s", id: null };
    expect(answerPayload(reply, { error: "malformed", message: "bad" })).toEqual({
      type: "approval.answer",
      reply_to: 9,
      to: "alice/laptop/s",
      id: null,
      ok: false,
      error: "malformed",
      message: "bad",
    });
  });
});
