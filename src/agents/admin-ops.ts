/**
 * Server-wide administration (agent channels §8), shared by the admin HTTP routes and the
 * `admin` frame of a server admin: channels, users and machines, and the kill switch that
 * force-drops every live socket of a removed machine or user, in every channel and inbox.
 */
import {
  channelsOfUser,
  deleteChannelEntry,
  forgetUserEntries,
  insertChannel,
  updateChannelEntry,
} from "../channels/directory";
import { describeError, log } from "../lib/log";
import { isoNow } from "../lib/time";
import type { ChannelInfo } from "../protocol/channel-frames";
import { isValidPublicKey } from "./ed25519";
import type { Visibility } from "./names";
import {
  addMachine,
  type EnrolResult,
  type Removed,
  removeMachine,
  removeUser,
  userExists,
} from "./registry";

/** A channel to create. */
export interface NewChannel {
  name: string;
  visibility: Visibility;
  topic: string;
  /** The channel admin (its creator); `null` when created with the admin token alone. */
  admin: string | null;
}

/** What `createChannel` did. */
export type CreateChannelResult =
  | { status: "created"; channel: ChannelInfo }
  | { status: "exists" | "admin_not_found" };

/**
 * Creates a channel: the directory row first (its primary key settles a race between two
 * creators), then the channel object. If the object cannot be created the row is taken
 * back, so the directory never lists a channel that does not exist.
 */
export async function createChannel(env: Env, input: NewChannel): Promise<CreateChannelResult> {
  if (input.admin !== null && !(await userExists(env.DB, input.admin))) {
    return { status: "admin_not_found" };
  }
  const createdAt = Date.now();
  const inserted = await insertChannel(env.DB, { ...input, created_at: isoNow(createdAt) });
  if (!inserted) return { status: "exists" };
  try {
    const result = await env.CHANNEL.getByName(input.name).create({
      ...input,
      created_at: createdAt,
    });
    if (!result.created) {
      // The object outlived a lost directory row: the object's settings win.
      await updateChannelEntry(env.DB, input.name, result.channel);
      return { status: "exists" };
    }
    return { status: "created", channel: result.channel };
  } catch (err) {
    await deleteChannelEntry(env.DB, input.name);
    throw err;
  }
}

/** Deletes a channel: every socket closes with 4004, history is deleted. */
export async function deleteChannel(env: Env, name: string): Promise<boolean> {
  const existed = await env.CHANNEL.getByName(name).destroy();
  await deleteChannelEntry(env.DB, name);
  return existed;
}

/** Enrols a machine key for an existing user. */
export async function enrolMachine(
  env: Env,
  user: string,
  machine: string,
  pubkey: string,
): Promise<EnrolResult | "invalid_key"> {
  if (!(await isValidPublicKey(pubkey))) return "invalid_key";
  return addMachine(env.DB, user, machine, pubkey);
}

/** Removes a machine key and force-drops its sockets everywhere. `false`: no such machine. */
export async function removeMachineEverywhere(
  env: Env,
  user: string,
  machine: string,
): Promise<boolean> {
  const removed = await removeMachine(env.DB, user, machine);
  if (!removed) return false;
  await dropEverywhere(env, removed);
  return true;
}

/**
 * Removes a user: their machines (force-dropping every socket), their channel memberships
 * and channel-admin roles (so a later user of the same name inherits nothing).
 */
export async function removeUserEverywhere(env: Env, user: string): Promise<boolean> {
  const channels = await channelsOfUser(env.DB, user);
  const removed = await removeUser(env.DB, user);
  if (!removed) return false;
  await dropEverywhere(env, removed);
  await settleAll(
    channels.map((name) => ({
      what: `channel ${name}`,
      run: () => env.CHANNEL.getByName(name).forgetUser(user),
    })),
  );
  await forgetUserEntries(env.DB, user);
  return true;
}

/** Sends the force-drop to every object that may hold the removed machines' sockets. */
async function dropEverywhere(env: Env, removed: Removed): Promise<void> {
  if (removed.machineIds.length === 0) return;
  await settleAll(
    removed.objects.map((object) => ({
      what: `${object.kind} ${object.name}`,
      run: () =>
        object.kind === "channel"
          ? env.CHANNEL.getByName(object.name).dropMachines(removed.machineIds)
          : env.INBOX.getByName(object.name).dropMachines(removed.machineIds),
    })),
  );
}

/** Runs calls to many objects at once; one failing object does not stop the others. */
async function settleAll(calls: Array<{ what: string; run: () => Promise<unknown> }>) {
  const results = await Promise.allSettled(calls.map((call) => call.run()));
  results.forEach((result, i) => {
    if (result.status === "rejected") {
      log("error", "agent_admin_fanout_failed", {
        object: calls[i]?.what,
        error: describeError(result.reason),
      });
    }
  });
}
