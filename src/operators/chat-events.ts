/**
 * `chat` events: a channel's messages for the operators subscribed to it. The payload is
 * the official `ChatFinalEvent` shape (a finished message of the session `sessionKey`), so
 * an OpenClaw client renders it as a chat line; the message itself is botgate's channel
 * entry.
 */
import { type HubEnv, reportEvent } from "./hub-reporter.ts";

/** The topic of a channel's `chat` events (see `chat.subscribe`). */
export function chatTopic(channel: string): string {
  return `chat:${channel}`;
}

/** One channel message as `chat.history` lists it and `chat` events carry it. */
export interface ChannelMessage {
  seq: number;
  ts: number;
  from: string;
  payload: unknown;
}

export function chatEventPayload(channel: string, message: ChannelMessage) {
  return {
    runId: `${channel}:${message.seq}`,
    sessionKey: channel,
    seq: message.seq,
    state: "final" as const,
    message: { channel, ...message },
  };
}

/** Called by a channel that operators watch, for every stored message. */
export function reportChannelMessage(env: HubEnv, channel: string, message: ChannelMessage): void {
  reportEvent(env, {
    event: "chat",
    topic: chatTopic(channel),
    payload: chatEventPayload(channel, message),
    at: message.ts,
  });
}
