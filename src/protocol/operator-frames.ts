/**
 * Wire frames of the operator gateway (the OpenClaw gateway protocol, docs/operator-
 * gateway.md): strict valibot schemas for what a client may send (`req`, `connect`
 * params), typed shapes for what the server sends, the error and close codes, and the
 * protocol-3 framing leniency. Client frames are parsed here, once, at the edge of the hub.
 */
import * as v from "valibot";

/** Protocol versions botgate speaks, newest first (the real gateway speaks 4 only). */
export const PROTOCOLS = [4, 3] as const;
export const CURRENT_PROTOCOL = 4;

/** Close codes (§6). */
export const OperatorClose = {
  normal: 1000,
  protocolMismatch: 1002,
  binary: 1003,
  policy: 1008,
  tooLarge: 1009,
  internal: 1011,
  restart: 1012,
} as const;

/** `res.error.code` values botgate sends (§2). */
export type ErrorCode = "INVALID_REQUEST" | "FORBIDDEN" | "UNAVAILABLE" | "AGENT_TIMEOUT";

const NonEmpty = v.pipe(v.string(), v.minLength(1));

/** A JSON object (valibot's object schemas alone also accept arrays). */
const PlainObject = v.custom<Record<string, unknown>>(
  (value) => typeof value === "object" && value !== null && !Array.isArray(value),
  "must be an object",
);

/** A strict object schema that refuses arrays too. */
export function strict<const E extends v.ObjectEntries>(entries: E) {
  return v.pipe(PlainObject, v.strictObject(entries));
}
const StringList = v.array(NonEmpty);

/** `req` (schema `RequestFrame`): strict, like the real gateway. */
export const RequestFrameSchema = strict({
  type: v.literal("req"),
  id: NonEmpty,
  method: NonEmpty,
  params: v.optional(v.unknown()),
  traceparent: v.optional(v.pipe(v.string(), v.maxLength(128))),
});
export type RequestFrame = v.InferOutput<typeof RequestFrameSchema>;

/**
 * `connect` params (schema `ConnectParams`). Every key of the official schema is accepted
 * and unknown keys are refused, like the real gateway. **(ours, leniency)** `client.id` and
 * `client.mode` are free strings: the official enums refuse older control centres
 * (`id:"control-center"`, `mode:"operator"`). Node-only keys (`commands`, `permissions`,
 * `pathEnv`, `computerUse`, `workerRuns`) are accepted and ignored.
 */
export const ConnectParamsSchema = strict({
  minProtocol: v.pipe(v.number(), v.integer(), v.minValue(1)),
  maxProtocol: v.pipe(v.number(), v.integer(), v.minValue(1)),
  client: strict({
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
    displayName: v.optional(NonEmpty),
    version: NonEmpty,
    buildId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(96))),
    platform: NonEmpty,
    deviceFamily: v.optional(NonEmpty),
    modelIdentifier: v.optional(NonEmpty),
    timeZone: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
    mode: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
    instanceId: v.optional(NonEmpty),
  }),
  caps: v.optional(StringList),
  commands: v.optional(StringList),
  computerUse: v.optional(v.unknown()),
  workerRuns: v.optional(v.unknown()),
  permissions: v.optional(v.pipe(PlainObject, v.record(v.string(), v.boolean()))),
  pathEnv: v.optional(v.string()),
  role: v.optional(NonEmpty),
  scopes: v.optional(v.pipe(StringList, v.maxLength(32))),
  device: v.optional(
    strict({
      id: NonEmpty,
      publicKey: NonEmpty,
      signature: NonEmpty,
      signedAt: v.pipe(v.number(), v.integer(), v.minValue(0)),
      nonce: NonEmpty,
    }),
  ),
  auth: v.optional(
    strict({
      token: v.optional(v.string()),
      bootstrapToken: v.optional(v.string()),
      deviceToken: v.optional(v.string()),
      password: v.optional(v.string()),
      approvalRuntimeToken: v.optional(v.string()),
      agentRuntimeIdentityToken: v.optional(v.string()),
    }),
  ),
  locale: v.optional(v.string()),
  userAgent: v.optional(v.string()),
});
export type ConnectParams = v.InferOutput<typeof ConnectParamsSchema>;

/** `error` of a `res` (schema `ErrorShape`). */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

/** The two counters carried by `presence` and `health` events and the snapshot. */
export interface StateVersionFrame {
  presence: number;
  health: number;
}

export type ResponseFrame =
  | { type: "res"; id: string; ok: true; payload: unknown }
  | { type: "res"; id: string; ok: false; error: ErrorShape };

export interface EventFrame {
  type: "event";
  event: string;
  payload?: unknown;
  seq?: number;
  stateVersion?: StateVersionFrame;
}

/** One issue of a failed parse, as the message of an `INVALID_REQUEST`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const issue = issues[0];
  if (!issue) return "invalid";
  const path = v.getDotPath(issue);
  // valibot reports an unknown key of a strict object as expecting "never".
  if (issue.type === "strict_object" && issue.expected === "never") {
    return `unexpected property ${path ?? String(issue.input)}`;
  }
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * **(ours, leniency: protocol-3 framing)** Early control-centre clients built for protocol 3
 * decode `res.result`, an integer `error.code`, `event.params` and a top-level `connId` in
 * the hello result. On a connection that negotiated protocol 3, every frame keeps today's
 * fields and adds those; protocol-4 frames never carry them.
 */
export const LEGACY_ERROR_CODES: Record<string, number> = {
  INVALID_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  AGENT_TIMEOUT: 504,
};

/** The integer code a protocol-3 client reads for `error`. */
export function legacyErrorCode(error: ErrorShape): number {
  const detail = typeof error.details?.code === "string" ? error.details.code : "";
  if (detail.endsWith("_NOT_FOUND")) return 404;
  if (detail === "RATE_LIMITED" || detail === "AUTH_RATE_LIMITED") return 429;
  return LEGACY_ERROR_CODES[error.code] ?? 500;
}

/** A `res` as a protocol-3 connection receives it. */
export function legacyResponse(frame: ResponseFrame): Record<string, unknown> {
  if (frame.ok) return { ...frame, result: frame.payload };
  const { code, ...rest } = frame.error;
  return {
    ...frame,
    error: {
      ...rest,
      code: legacyErrorCode(frame.error),
      details: { ...(frame.error.details ?? {}), gatewayCode: code },
    },
  };
}
