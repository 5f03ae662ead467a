// Proves a channel's access rules over real SQLite: who may join by visibility, ACL and
// ban (server admins excepted), invites that are single-use, limited or expiring, and what
// a removed user leaves behind.
import { describe, expect, it } from "vitest";
import { ChannelState } from "../../../src/channels/channel-state.ts";
import { memorySql } from "./sqlite.ts";

function channel(visibility: "public" | "unlisted" | "private", admin: string | null = "owner") {
  const state = new ChannelState(memorySql());
  state.create({ name: "c", visibility, topic: "", admin, created_at: 1 });
  return state;
}

function invite(state: ChannelState, id: string, uses: number | null, expiresAt: number | null) {
  state.addInvite({
    invite_id: id,
    token_hash: `hash-${id}`,
    uses_left: uses,
    expires_at: expiresAt,
    created_at: 1,
    created_by: "owner",
  });
}

describe("ChannelState", () => {
  it("creates once and makes the creator a member", () => {
    const state = channel("private");
    expect(
      state.create({ name: "c", visibility: "public", topic: "", admin: null, created_at: 2 }),
    ).toBe(false);
    expect(state.settings()).toMatchObject({ visibility: "private", admin: "owner" });
    expect(state.isMember("owner")).toBe(true);
  });

  it("admits anyone to public and unlisted channels, only members to private ones", () => {
    expect(channel("public").refusal("x", false)).toBeNull();
    expect(channel("unlisted").refusal("x", false)).toBeNull();
    const secret = channel("private");
    expect(secret.refusal("x", false)).toBe("not_member");
    expect(secret.refusal("x", true)).toBeNull();
    secret.addMember("x", "owner", 1);
    expect(secret.refusal("x", false)).toBeNull();
  });

  it("refuses banned users even when they are members, except server admins", () => {
    const state = channel("private");
    state.addMember("x", "owner", 1);
    state.ban("x", "owner", 2);
    expect(state.refusal("x", false)).toBe("banned");
    expect(state.refusal("x", true)).toBeNull();
    expect(state.unban("x")).toBe(true);
    expect(state.unban("x")).toBe(false);
    expect(state.refusal("x", false)).toBeNull();
  });

  it("redeems an invite into membership and counts its uses down", () => {
    const state = channel("private");
    invite(state, "two", 2, null);
    expect(state.redeemInvite("hash-two", "a", 10)).toBe(true);
    expect(state.isMember("a")).toBe(true);
    expect(state.invites(10)).toEqual([
      expect.objectContaining({ invite_id: "two", uses_left: 1 }),
    ]);
    expect(state.redeemInvite("hash-two", "b", 10)).toBe(true);
    expect(state.redeemInvite("hash-two", "c", 10)).toBe(false);
    expect(state.isMember("c")).toBe(false);
    expect(state.invites(10)).toEqual([]);
  });

  it("refuses expired, revoked and unknown invites", () => {
    const state = channel("private");
    invite(state, "soon", null, 100);
    invite(state, "gone", null, null);
    expect(state.revokeInvite("gone")).toBe(true);
    expect(state.redeemInvite("hash-gone", "a", 10)).toBe(false);
    expect(state.redeemInvite("hash-soon", "a", 100)).toBe(false);
    expect(state.redeemInvite("hash-none", "a", 10)).toBe(false);
    expect(state.isMember("a")).toBe(false);
  });

  it("forgets a removed user's membership and admin role, but keeps bans", () => {
    const state = channel("private");
    state.ban("owner", null, 1);
    state.forgetUser("owner");
    expect(state.isMember("owner")).toBe(false);
    expect(state.settings()?.admin).toBeNull();
    expect(state.isBanned("owner")).toBe(true);
  });
});
