/**
 * Input schemas shared by the tools: names follow the protocol's patterns
 * (`src/agents/names.ts`), so a bad name is refused by the bridge with a message that
 * says what a good one looks like, before anything reaches the server.
 */
import { z } from "zod";
import { CHANNEL_NAME, SESSION_PATH, USER_NAME } from "../../agents/names.ts";

export const ServerArg = z
  .string()
  .min(1)
  .max(300)
  .optional()
  .describe("Which botgate server (its URL or host:port); omit for the default (the first --url)");

export const ChannelArg = z
  .string()
  .regex(
    CHANNEL_NAME,
    "a channel name is 1–64 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit",
  )
  .describe("Channel name without '#', e.g. general");

export const SessionPathArg = z
  .string()
  .regex(SESSION_PATH, "a session path is user/machine/session, e.g. alice/laptop/claude");

export const UserArg = z
  .string()
  .regex(USER_NAME, "a user name is 1–32 lowercase letters, digits, '_' or '-'");

/** Text of a post or whisper; the bridge also checks the whole frame against the server's size limit. */
export const TextArg = z.string().min(1, "text must not be empty").max(16_384);

export const LimitArg = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .optional()
  .describe("At most this many entries (default 100); the rest stay unread for the next call");
