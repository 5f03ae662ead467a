/**
 * `route()`: the one place a route says what it is. The same object validates the request
 * (strict JSON body, strict query) and describes the operation for `GET /openapi.json`, so
 * the document cannot drift from what the route accepts. See "Adding a route" in
 * docs/http-api.md.
 */

import { toJsonSchema } from "@valibot/to-json-schema";
import type { MiddlewareHandler } from "hono";
import type { BlankInput } from "hono/types";
import { type DescribeRouteOptions, describeRoute, resolver } from "hono-openapi";
import * as v from "valibot";
import { readJsonBody, validationError } from "./body";
import type { AppEnv } from "./context";
import { REQUEST_ID_HEADER } from "./request-id";

/** Who may call an operation; each is a security scheme of the document but `public`. */
export type Auth = "public" | "admin" | "botToken" | "operatorToken" | "agentSignature";

/** Tags of the document, in the order the reference shows them. */
export const TAGS = {
  Service: "Health and this description",
  Bots: "The admin's bot directory and each bot's lobby side",
  Tokens: "Bot tokens (bot protocol §8.2), admin only",
  Lobby: "The bot-token routes of bot protocol §8.1: house-bot challenge and matchmaking",
  Matches: "Matches: create, read, hand histories",
  Tournaments: "Tournaments: the admin creates, starts and cancels; bots enter; anyone reads",
  Ratings: "Ratings and the leaderboard (public)",
  Agents: "Agent registration and channel discovery",
  Admin: "Agent-channel server administration (agent channels §8)",
  Operators: "Operator tokens and the planned close of the operator gateway, admin only",
  Sleds: "Sled uplink tokens, their approvals and their MCP tools (docs/sleds.md)",
  WebSockets: "WebSocket upgrades; the frames are in the protocol documents",
} as const;
export type Tag = keyof typeof TAGS;

/** A success answer: a JSON body, no body, or another media type. */
export type Answer =
  | { description: string; body: v.GenericSchema }
  | { description: string; media: string; body?: undefined }
  | { description: string; body?: undefined; media?: undefined };

/** Statuses an error envelope may carry. */
export type ErrorStatus = 400 | 401 | 403 | 405 | 409 | 413 | 426 | 429 | 500 | 503;
/** `error_code`s by status. */
export type ErrorCodes = Partial<Record<ErrorStatus, readonly string[]>>;

export interface RouteSpec<
  B extends v.GenericSchema | undefined,
  Q extends v.GenericSchema | undefined,
> {
  /** `operationId`: camelCase, unique in the document (the typed client's name for it). */
  id: string;
  summary: string;
  description?: string;
  tag: Tag;
  /** One scheme, or alternatives (any one suffices; `public` = none needed). */
  auth: Auth | readonly Auth[];
  /** The strict JSON body, read by `readJsonBody`; the handler gets `c.req.valid("json")`. */
  body?: B;
  /** The strict query (string fields); the handler gets `c.req.valid("query")`. */
  query?: Q;
  /** Path parameters by name (every `:name` of the path is documented, with or without). */
  params?: Record<string, { description: string; pattern?: RegExp }>;
  responses: Partial<Record<number, Answer>>;
  /**
   * The route's own error codes by status, or several such maps (e.g. a shared module's
   * `DISPATCH_ERRORS` and the route's own); the common ones are added (`commonErrors`).
   */
  errors?: ErrorCodes | readonly ErrorCodes[];
  /** A WebSocket upgrade: adds the upgrade headers and `426 UPGRADE_REQUIRED`. */
  upgrade?: boolean;
}

type BodyInput<B> = B extends v.GenericSchema
  ? { in: { json: v.InferInput<B> }; out: { json: v.InferOutput<B> } }
  : BlankInput;
type QueryInput<Q> = Q extends v.GenericSchema
  ? { in: { query: Record<string, string> }; out: { query: v.InferOutput<Q> } }
  : BlankInput;
/** What the handler can read with `c.req.valid(...)`. */
type Validated<B, Q> = BodyInput<B> & QueryInput<Q>;

/** The error body of every non-2xx answer, with the codes one answer may carry. */
export function errorEnvelopeSchema(codes: readonly [string, ...string[]]) {
  return v.strictObject({
    error_code: v.picklist(codes),
    message: v.string(),
    request_id: v.pipe(v.string(), v.description(`Also in the \`${REQUEST_ID_HEADER}\` header`)),
  });
}

function isErrorCodesList(
  errors: ErrorCodes | readonly ErrorCodes[],
): errors is readonly ErrorCodes[] {
  return Array.isArray(errors);
}

/** The codes every route of a kind can answer, whatever the route adds. */
function commonErrors(spec: RouteSpec<v.GenericSchema | undefined, v.GenericSchema | undefined>) {
  const errors: Partial<Record<ErrorStatus, string[]>> = {};
  const add = (status: ErrorStatus, ...codes: string[]) => {
    errors[status] = [...(errors[status] ?? []), ...codes];
  };
  if (spec.body) {
    add(400, "MALFORMED_JSON", "INVALID_BODY", "UNKNOWN_FIELD");
    add(413, "BODY_TOO_LARGE");
  }
  if (spec.query) add(400, "INVALID_BODY", "UNKNOWN_FIELD");
  const auths = typeof spec.auth === "string" ? [spec.auth] : spec.auth;
  if (!auths.includes("public")) add(401, "UNAUTHORIZED");
  if (spec.upgrade) add(426, "UPGRADE_REQUIRED");
  const own = spec.errors ?? [];
  const maps: readonly ErrorCodes[] = isErrorCodesList(own) ? own : [own];
  for (const map of maps) {
    for (const [status, codes] of Object.entries(map)) {
      add(Number(status) as ErrorStatus, ...(codes ?? []));
    }
  }
  return errors;
}

/** Shared parts of the document, defined once in `src/api/openapi.ts`. */
const REQUEST_ID = { $ref: "#/components/headers/RequestId" };
const INTERNAL_ERROR = { $ref: "#/components/responses/InternalError" };

function operation<B extends v.GenericSchema | undefined, Q extends v.GenericSchema | undefined>(
  spec: RouteSpec<B, Q>,
) {
  const auths = typeof spec.auth === "string" ? [spec.auth] : spec.auth;
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(spec.responses)) {
    if (!answer) continue;
    const upgraded = status === "101";
    responses[status] = {
      description: answer.description,
      ...(upgraded ? {} : { headers: { [REQUEST_ID_HEADER]: REQUEST_ID } }),
      ...(answer.body
        ? { content: { "application/json": { schema: resolver(answer.body, TARGET) } } }
        : answer.media
          ? { content: { [answer.media]: {} } }
          : {}),
    };
  }
  // Every route can fail with a bug: one shared 500.
  responses["500"] = INTERNAL_ERROR;
  for (const [status, codes] of Object.entries(commonErrors(spec))) {
    const unique = [...new Set(codes)] as [string, ...string[]];
    responses[status] = {
      description: unique.map((code) => `\`${code}\``).join(", "),
      headers: { [REQUEST_ID_HEADER]: REQUEST_ID },
      content: {
        "application/json": { schema: resolver(errorEnvelopeSchema(unique), TARGET) },
      },
    };
  }
  const parameters: NonNullable<DescribeRouteOptions["parameters"]> = Object.entries(
    spec.params ?? {},
  ).map(([name, param]) => ({
    name,
    in: "path",
    required: true,
    description: param.description,
    schema: { type: "string", ...(param.pattern ? { pattern: param.pattern.source } : {}) },
  }));
  if (spec.query) parameters.push(...queryParameters(spec.query));
  if (spec.upgrade) {
    parameters.push(
      {
        name: "Upgrade",
        in: "header",
        required: true,
        schema: { type: "string", enum: ["websocket"] },
      },
      {
        name: "Connection",
        in: "header",
        required: true,
        schema: { type: "string", enum: ["Upgrade"] },
      },
    );
  }
  return describeRoute({
    operationId: spec.id,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: auths.map((auth) => (auth === "public" ? {} : { [auth]: [] })),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body
      ? {
          requestBody: {
            required: false,
            description: "A JSON object (an empty body counts as `{}`); unknown fields are refused",
            content: { "application/json": { schema: resolver(spec.body, TARGET) } },
          },
        }
      : {}),
    responses: responses as never,
  });
}

// JSON Schema 2020-12, the dialect of OpenAPI 3.1.
const TARGET = { options: { target: "draft-2020-12" } } as const;

/** One `in: query` parameter per field of a strict query schema. */
function queryParameters(schema: v.GenericSchema) {
  const json = toJsonSchema(schema, { errorMode: "ignore", target: TARGET.options.target });
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as { description?: string };
    return {
      name,
      in: "query" as const,
      required: required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * The middleware of a documented route: validates the body and query with the spec's
 * schemas (the same errors as `readJsonBody` everywhere) and carries the operation for the
 * document. Put it first on the route: `.post("/", route({...}), (c) => ...)`.
 */
export function route<
  B extends v.GenericSchema | undefined = undefined,
  Q extends v.GenericSchema | undefined = undefined,
  P extends string = string,
>(spec: RouteSpec<B, Q>): MiddlewareHandler<AppEnv, P, Validated<B, Q>> {
  const described = operation(spec);
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (spec.query) {
      const query = v.safeParse(spec.query, c.req.query());
      if (!query.success) throw validationError(query.issues);
      c.req.addValidatedData("query", query.output as object);
    }
    if (spec.body) c.req.addValidatedData("json", (await readJsonBody(c, spec.body)) as object);
    await next();
  };
  return Object.assign(middleware, described) as MiddlewareHandler<AppEnv, P, Validated<B, Q>>;
}
