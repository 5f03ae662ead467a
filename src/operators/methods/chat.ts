/**
 * Channels for operators: `chat.history` (a channel's messages), `chat.send` (a post as
 * the operator, idempotent by key), `chat.subscribe` / `chat.unsubscribe` **(ours)** (the
 * channel's messages as `chat` events). Each goes through the channel's own object. A
 * channel is named by `channel` (ours) or by the official `sessionKey` (`<name>` or
 * `channel:<name>`), so official clients and botgate's own both work.
 */
import * as v from "valibot";
import { CHANNEL_NAME } from "../../agents/names.ts";
import { describeError, log } from "../../lib/log.ts";
import { strict } from "../../protocol/operator-frames.ts";
import { type ChannelMessage, chatTopic } from "../chat-events.ts";
import { MAX_TOPICS } from "../connection.ts";
import { defineMethod, MethodError, type MethodGroup, notFound, unavailable } from "./registry.ts";

/** How long one `chat.subscribe` keeps a channel reporting; the hub renews it while needed. */
export const WATCH_LEASE_MS = 10 * 60_000;
/** Largest `payload` an operator may post, serialized (the agents' own frame limit). */
const MAX_POST_BYTES = 16_384;

const Named = {
  channel: v.optional(v.string()),
  sessionKey: v.optional(v.pipe(v.string(), v.maxLength(512))),
};
/** Keys of the official params that botgate accepts and ignores. */
const ignored = (keys: readonly string[]) =>
  Object.fromEntries(keys.map((key) => [key, v.optional(v.unknown())]));

const HistoryParams = strict({
  ...Named,
  since: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
  ...ignored([
    "agentId",
    "cursor",
    "offset",
    "pendingBefore",
    "inputRunIds",
    "messageId",
    "sessionId",
    "maxChars",
  ]),
});

const SendParams = strict({
  ...Named,
  payload: v.optional(v.unknown()),
  message: v.optional(v.string()),
  idempotencyKey: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  ...ignored(["agentId", "sessionId", "thinking", "deliver", "attachments", "timeoutMs"]),
});

const SubscribeParams = strict(Named);

/** The channel a request names, or an `INVALID_REQUEST`. */
function channelOf(params: {
  channel?: string | undefined;
  sessionKey?: string | undefined;
}): string {
  const raw = params.channel ?? params.sessionKey?.replace(/^channel:/, "");
  if (raw === undefined) {
    throw new MethodError("INVALID_REQUEST", "invalid params: channel (or sessionKey) is required");
  }
  if (!CHANNEL_NAME.test(raw)) {
    throw new MethodError("INVALID_REQUEST", "invalid params: not a channel name");
  }
  return raw;
}

/** An RPC to the channel's object; a failure to reach it is `UNAVAILABLE`. */
async function viaChannel<T>(channel: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    log("warn", "operator_channel_rpc_failed", { channel, error: describeError(err) });
    throw unavailable("the channel could not be reached");
  }
}

function noChannel(): MethodError {
  return notFound("CHANNEL_NOT_FOUND", "no such channel");
}

/** The sender of an operator's post: never a valid session path (`:` is not allowed there). */
export function operatorSender(label: string): string {
  return `operator:${label}`;
}

export const chatGroup: MethodGroup = {
  name: "chat",
  methods: [
    defineMethod({
      name: "chat.history",
      scope: "operator.read",
      params: HistoryParams,
      async handler(params, ctx) {
        const channel = channelOf(params);
        const page = await viaChannel(channel, () =>
          ctx.env.CHANNEL.getByName(channel).operatorHistory({
            ...(params.since === undefined ? {} : { after_seq: params.since }),
            ...(params.limit === undefined ? {} : { limit: params.limit }),
          }),
        );
        if (!page) throw noChannel();
        const messages: ChannelMessage[] = page.messages.map((m) => ({
          ...m,
          payload: JSON.parse(m.payload),
        }));
        return { sessionKey: channel, channel, messages, hasMore: page.more };
      },
    }),
    defineMethod({
      name: "chat.send",
      scope: "operator.write",
      params: SendParams,
      async handler(params, ctx) {
        const channel = channelOf(params);
        const payload = params.payload ?? params.message;
        if (payload === undefined) {
          throw new MethodError(
            "INVALID_REQUEST",
            "invalid params: payload (or message) is required",
          );
        }
        if (new TextEncoder().encode(JSON.stringify(payload)).byteLength > MAX_POST_BYTES) {
          throw new MethodError(
            "INVALID_REQUEST",
            `invalid params: payload over ${MAX_POST_BYTES} bytes`,
          );
        }
        const stored = await viaChannel(channel, () =>
          ctx.env.CHANNEL.getByName(channel).operatorPost({
            from: operatorSender(ctx.caller.label),
            id: params.idempotencyKey,
            payload,
          }),
        );
        if (!stored) throw noChannel();
        return { runId: `${channel}:${stored.seq}`, status: "ok", channel, ...stored };
      },
    }),
    defineMethod({
      name: "chat.subscribe",
      scope: "operator.read",
      params: SubscribeParams,
      async handler(params, ctx) {
        const channel = channelOf(params);
        const topic = chatTopic(channel);
        if (!ctx.hub.topics().includes(topic) && ctx.hub.topics().length >= MAX_TOPICS) {
          throw new MethodError("INVALID_REQUEST", `at most ${MAX_TOPICS} subscriptions`, {
            code: "TOO_MANY_SUBSCRIPTIONS",
          });
        }
        const exists = await viaChannel(channel, () =>
          ctx.env.CHANNEL.getByName(channel).watchForOperators(Date.now() + WATCH_LEASE_MS),
        );
        if (!exists) throw noChannel();
        ctx.hub.subscribe(topic);
        return { subscribed: true, channel };
      },
    }),
    defineMethod({
      name: "chat.unsubscribe",
      scope: "operator.read",
      params: SubscribeParams,
      handler(params, ctx) {
        const channel = channelOf(params);
        ctx.hub.unsubscribe(chatTopic(channel));
        return { subscribed: false, channel };
      },
    }),
  ],
  events: [{ name: "chat", scope: "operator.read" }],
};
