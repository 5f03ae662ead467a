/**
 * Wire frames of the agent channels protocol (docs/agent-channels.md): strict valibot
 * schemas for everything a client may send, typed shapes for everything the server sends,
 * and the close codes. Client frames are parsed here, once, at the edge of the objects.
 */
import * as v from "valibot";
import {
  CHANNEL_NAME,
  SESSION_NAME,
  SESSION_PATH,
  USER_NAME,
  VISIBILITIES,
} from "../agents/names.ts";

/** Protocol versions this server speaks (`hello.protocol_version`). */
export const PROTOCOL_VERSIONS: readonly number[] = [1];

/** The heartbeat: this exact text is answered by the runtime without waking the object. */
export const PING_TEXT = '{"type":"ping"}';
export const PONG_TEXT = '{"type":"pong"}';

/** Close codes (§10). */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  heartbeatMissed: 4000,
  authFailed: 4001,
  forbidden: 4003,
  notFound: 4004,
  handshakeTimeout: 4007,
  tooLarge: 4008,
  rateLimited: 4009,
  revoked: 4010,
  superseded: 4011,
  versionMismatch: 4013,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** `code` of an error frame (§10). */
export type ErrorCode =
  | "malformed"
  | "unknown_type"
  | "unknown_field"
  | "too_large"
  | "rate_limited"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "superseded"
  | "version_mismatch"
  | "internal";

const name = (pattern: RegExp, what: string) =>
  v.pipe(v.string(), v.regex(pattern, `invalid ${what}`));
const ClientId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const Seq = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const UserName = name(USER_NAME, "user name");
const Visibility = v.picklist(VISIBILITIES);
/** Topics are short human text; the channel's payloads carry anything bigger. */
const Topic = v.pipe(v.string(), v.maxLength(256));

/** Client frames (§3–§9), one strict schema each: unknown fields are refused. */
export const HelloSchema = v.strictObject({
  type: v.literal("hello"),
  protocol_version: v.pipe(v.number(), v.integer()),
  session: name(SESSION_NAME, "session name"),
  since_seq: v.optional(Seq),
  invite: v.optional(v.pipe(v.string(), v.maxLength(64))),
  echo: v.optional(v.boolean()),
});

export const AuthSchema = v.strictObject({
  type: v.literal("auth"),
  user: UserName,
  machine: name(USER_NAME, "machine name"),
  signature: v.pipe(v.string(), v.maxLength(128)),
});

export const PostSchema = v.strictObject({
  type: v.literal("post"),
  id: ClientId,
  payload: v.unknown(),
});

export const HistorySchema = v.strictObject({
  type: v.literal("history"),
  id: v.optional(ClientId),
  before_seq: v.optional(Seq),
  after_seq: v.optional(Seq),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
});

export const WhoSchema = v.strictObject({ type: v.literal("who"), id: v.optional(ClientId) });

/** A ping that is not byte-for-byte the auto-responded text still gets its pong. */
export const PingSchema = v.strictObject({ type: v.literal("ping") });

export const WhisperSchema = v.strictObject({
  type: v.literal("whisper"),
  id: ClientId,
  target: name(SESSION_PATH, "session path"),
  payload: v.unknown(),
});

const op = <const T extends string, E extends v.ObjectEntries>(opName: T, entries: E) =>
  v.strictObject({ type: v.literal("admin"), id: ClientId, op: v.literal(opName), ...entries });

/** Server-wide operations (§8): valid on any socket of a server admin (machines: also self). */
export const ServerAdminSchema = v.variant("op", [
  op("create_channel", {
    name: name(CHANNEL_NAME, "channel name"),
    visibility: Visibility,
    topic: v.optional(Topic),
  }),
  op("list_users", {}),
  op("remove_user", { user: UserName }),
  op("add_machine", {
    user: UserName,
    name: name(USER_NAME, "machine name"),
    pubkey: v.pipe(v.string(), v.maxLength(64)),
  }),
  op("remove_machine", { user: UserName, name: name(USER_NAME, "machine name") }),
]);

/** Channel operations (§8): channel admin or server admin, on that channel's socket. */
export const ChannelAdminSchema = v.variant("op", [
  op("set_topic", { topic: Topic }),
  op("set_visibility", { visibility: Visibility }),
  op("acl_add", { user: UserName }),
  op("acl_remove", { user: UserName }),
  op("invite_create", {
    uses: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000))),
    expires_in_s: v.optional(
      v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365 * 24 * 3600)),
    ),
  }),
  op("invite_revoke", { invite_id: v.pipe(v.string(), v.maxLength(64)) }),
  op("invite_list", {}),
  op("kick", { path: name(SESSION_PATH, "session path") }),
  op("ban", { user: UserName }),
  op("unban", { user: UserName }),
  op("ban_list", {}),
  op("delete_channel", {}),
  ServerAdminSchema,
]);

/** Everything a client may send on a channel socket. */
export const ChannelClientFrameSchema = v.variant("type", [
  HelloSchema,
  AuthSchema,
  PostSchema,
  HistorySchema,
  WhoSchema,
  PingSchema,
  WhisperSchema,
  ChannelAdminSchema,
]);

/** Everything a client may send on an inbox socket: it receives whispers, and may send them. */
export const InboxClientFrameSchema = v.variant("type", [
  HelloSchema,
  AuthSchema,
  PingSchema,
  WhisperSchema,
  ServerAdminSchema,
]);

/** Client frame types, inferred from the schemas so the two never drift. */
export type Hello = v.InferOutput<typeof HelloSchema>;
export type Auth = v.InferOutput<typeof AuthSchema>;
export type Post = v.InferOutput<typeof PostSchema>;
export type HistoryRequest = v.InferOutput<typeof HistorySchema>;
export type WhisperRequest = v.InferOutput<typeof WhisperSchema>;
export type ServerAdminOp = v.InferOutput<typeof ServerAdminSchema>;
export type ChannelAdminOp = v.InferOutput<typeof ChannelAdminSchema>;
export type ChannelClientFrame = v.InferOutput<typeof ChannelClientFrameSchema>;
export type InboxClientFrame = v.InferOutput<typeof InboxClientFrameSchema>;

// ---- server frames ----

/** A channel as frames (and the directory) show it. */
export const ChannelInfoSchema = v.strictObject({
  name: v.string(),
  visibility: Visibility,
  topic: v.string(),
});
export type ChannelInfo = v.InferOutput<typeof ChannelInfoSchema>;

/** A stored channel message or whisper as it travels (without the frame `type`). */
export interface LoggedEntry {
  seq: number;
  ts: number;
  from: string;
  payload: unknown;
}

/** The error frame (§10); `id` echoes the client frame that caused it. */
export interface ErrorFrame {
  type: "error";
  code: ErrorCode;
  message: string;
  id?: string;
  /** On `version_mismatch`: what this server speaks. */
  supported_versions?: readonly number[];
}

/** Every frame the server sends; handlers type their frames against it. */
export type ServerFrame =
  | ErrorFrame
  | { type: "challenge"; nonce: string; server_id: string }
  | { type: "established"; path: string; admin: boolean; channel?: ChannelInfo; seq?: number }
  | { type: "ack"; id: string; seq: number; ts: number }
  | ({ type: "message" } & LoggedEntry)
  | ({ type: "whisper" } & LoggedEntry)
  | { type: "caught_up"; seq: number; gap: boolean; from_seq?: number; more?: true }
  | { type: "history"; id?: string; messages: LoggedEntry[]; more: boolean }
  | { type: "presence"; joined: string[]; left: string[]; version: number }
  | { type: "who"; id?: string; sessions: Array<{ path: string; since: number }>; version: number }
  | { type: "whisper_ack"; id: string; status: "delivered" | "queued" }
  | { type: "admin_result"; id: string; ok: true; op: string; [field: string]: unknown }
  | { type: "channel_updated"; channel: ChannelInfo }
  | { type: "pong" };

// ---- parsing ----

/** A parsed client frame, or the error frame to answer. */
export type Parsed<F> = { ok: true; frame: F } | { ok: false; error: ErrorFrame };

/**
 * Parses one text frame against a socket's schema. Every failure becomes an error frame
 * with the most specific code: `malformed` (not a JSON object, wrong types),
 * `unknown_type`, `unknown_field`, or `version_mismatch` for a hello this server cannot
 * speak (checked before the strict schema, so a future hello with new fields is still
 * answered with the versions we support).
 */
export function parseClientFrame<S extends v.GenericSchema>(
  text: string,
  schema: S,
): Parsed<v.InferOutput<S>> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail("malformed", "Frame is not valid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail("malformed", "Frame must be a JSON object");
  }
  const fields = raw as Record<string, unknown>;
  const id = typeof fields.id === "string" && fields.id.length <= 64 ? fields.id : undefined;
  if (typeof fields.type !== "string") return fail("malformed", "Frame needs a string type", id);
  if (fields.type === "hello" && typeof fields.protocol_version === "number") {
    if (!PROTOCOL_VERSIONS.includes(fields.protocol_version)) {
      return {
        ok: false,
        error: {
          type: "error",
          code: "version_mismatch",
          message: `Unsupported protocol_version; supported: ${PROTOCOL_VERSIONS.join(", ")}`,
          supported_versions: PROTOCOL_VERSIONS,
        },
      };
    }
  }
  const result = v.safeParse(schema, raw);
  if (result.success) return { ok: true, frame: result.output };
  const issues = result.issues;
  const unknownKey = issues.find((i) => i.type === "strict_object" && i.expected === "never");
  if (unknownKey) {
    return fail("unknown_field", `Unknown field: ${v.getDotPath(unknownKey) ?? "?"}`, id);
  }
  const first = issues[0];
  const path = first ? v.getDotPath(first) : null;
  if (first?.type === "variant" && path === "type") {
    return fail("unknown_type", `Unknown frame type: ${fields.type.slice(0, 32)}`, id);
  }
  if (first?.type === "variant" && path === "op") {
    return fail("malformed", `Unknown admin op: ${String(fields.op).slice(0, 32)}`, id);
  }
  return fail("malformed", path ? `${path}: ${first?.message}` : "Invalid frame", id);
}

function fail(code: ErrorCode, message: string, id?: string): { ok: false; error: ErrorFrame } {
  return {
    ok: false,
    error: { type: "error", code, message, ...(id === undefined ? {} : { id }) },
  };
}
