/**
 * Every HTTP route (docs/http-api.md, docs/lobby.md, docs/match.md, docs/agent-channels.md):
 * missing, misplaced, revoked and garbage credentials, another bot's token, hostile path
 * parameters sent verbatim, seeded mutations of every body, bad queries, lying and huge
 * bodies, and forged, stale or replayed agent signatures. Stored data must not move
 * (except a registration code a valid body asked for), no answer may be a 5xx, leak a
 * stack or echo a credential; the admin and agent flows still work afterwards.
 */
import assert from "node:assert/strict";
import { httpSignedString, registerSignedString } from "../../../src/agents/signed-strings.ts";
import { AgentKey, signedHeaders } from "../../harness/agent.ts";
import { api } from "../../harness/gateway.ts";
import { type CaseContext, defineGroup, type FixedCase } from "../case.ts";
import { assertDocumented, assertEnvelope, assertNoLeak, inParallel } from "../checks.ts";
import {
  garbageAuthorizations,
  HOSTILE_SEGMENTS,
  isDotSegment,
  randomSegment,
} from "../hostile.ts";
import { HOSTILE_STRINGS, Invalid, mutate, type Outcome, type Shape } from "../mutate.ts";
import type { UpgradeAnswer } from "../raw-socket.ts";
import type { BotCreds, World } from "../world.ts";

const MAX_BODY = 65_536;
const USER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const CHANNEL_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const HOUSE_BOT = "00000000-0000-4000-8000-000000000001";

interface HttpState {
  /** An external bot owned by `system`: the matchmaking queue refuses it (403). */
  systemBot: BotCreds;
  /** Registration codes a valid mutated body created (the one documented change). */
  codesCreated: number;
  /** Operator tokens minted by valid bodies (each a documented new row). */
  operatorTokensCreated: number;
  /** A cancelled tournament: entries are closed (409 TOURNAMENT_STARTED). */
  closedTournament: string;
  /** An open tournament the duplicate-entry case enters. */
  openTournament: string;
  /** Tournaments a valid mutated create body made (the other documented change). */
  tournamentsCreated: number;
}
type Ctx = CaseContext<HttpState>;

type Auth = "admin" | "bot" | "none";

/** What a valid body (the base, or a mutation that kept it valid) is answered with. */
interface ValidAnswer {
  status: number;
  code?: string;
}

interface Route {
  method: string;
  /** Path with `{param}` placeholders. */
  path: string;
  auth: Auth;
  /** Value of each placeholder when it is not the one under attack. */
  params?(world: World, state: HttpState): Record<string, string>;
  /** The answer to a hostile value of a placeholder, by placeholder. */
  miss?: Record<string, (decoded: string) => { status: number; code: string }>;
  body?: {
    shape: Shape;
    base(world: World, state: HttpState): Record<string, unknown>;
    /** The answer to a valid body (optional fields may have been dropped). */
    valid: ValidAnswer | ((body: Record<string, unknown>) => ValidAnswer);
  };
  /** The bot whose token calls a bot route. */
  bot?(world: World, state: HttpState): BotCreds;
}

const name = (pattern: RegExp) =>
  [...HOSTILE_STRINGS, ...Invalid.notString].filter((t) => {
    try {
      const value = JSON.parse(t) as unknown;
      return typeof value !== "string" || !pattern.test(value);
    } catch {
      return true;
    }
  });
const empty: Shape = { fields: {}, strict: true, maxBytes: MAX_BODY };
const int = (min: number, max: number) => [
  ...Invalid.notNumber,
  ...Invalid.notInteger,
  String(min - 1),
  String(max + 1),
];

/** Decodes a path segment the way the router does (an invalid escape stays as it is). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const notFound = (code: string) => () => ({ status: 400, code });

/** A create body the tournament rules refuse: a knockout given rounds, starting in the past. */
const PAST_START = "2020-01-01T00:00:00.000Z";

/**
 * The documented answer to a well-formed create body (docs/tournaments.md "Creating"): the
 * rules in order, else 201 (a tournament is created, the one change this route may make).
 */
function tournamentCreateAnswer(body: Record<string, unknown>): { status: number; code?: string } {
  const refused = { status: 400, code: "INVALID_TOURNAMENT" };
  if (body.format === "swiss" && body.rounds === undefined) return refused;
  if (body.format !== "swiss" && body.rounds !== undefined) return refused;
  if (typeof body.starts_at === "string") {
    const at = Date.parse(body.starts_at);
    if (at < Date.now() - 60_000 || at > Date.now() + 30 * 24 * 3600_000) return refused;
  }
  return { status: 201 };
}

const ROUTES: Route[] = [
  {
    method: "POST",
    path: "/api/bots",
    auth: "admin",
    body: {
      shape: {
        fields: {
          name: { required: true, invalid: name(/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/) },
          owner: { invalid: name(/^[A-Za-z0-9._-]{1,64}$/) },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({ name: world.victim.name }),
      valid: { status: 409, code: "BOT_NAME_TAKEN" },
    },
  },
  { method: "GET", path: "/api/bots", auth: "admin" },
  { method: "GET", path: "/api/bots/{id}", auth: "admin", miss: { id: notFound("BOT_NOT_FOUND") } },
  {
    method: "GET",
    path: "/api/bots/{id}/matches",
    auth: "admin",
    miss: { id: notFound("BOT_NOT_FOUND") },
  },
  {
    method: "GET",
    path: "/api/bots/{id}/presence",
    auth: "admin",
    miss: { id: notFound("BOT_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/external-api/bots/{bot_id}/tokens",
    auth: "admin",
    params: () => ({ bot_id: HOUSE_BOT }),
    miss: { bot_id: notFound("BOT_NOT_FOUND") },
    body: { shape: empty, base: () => ({}), valid: { status: 403, code: "BOT_NOT_EXTERNAL_API" } },
  },
  {
    method: "GET",
    path: "/api/external-api/bots/{bot_id}/tokens",
    auth: "admin",
    miss: { bot_id: notFound("BOT_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/external-api/tokens/{token_id}/rotate",
    auth: "admin",
    params: () => ({ token_id: "00000000-0000-4000-8000-00000000dead" }),
    miss: { token_id: notFound("TOKEN_NOT_FOUND") },
    body: { shape: empty, base: () => ({}), valid: { status: 400, code: "TOKEN_NOT_FOUND" } },
  },
  {
    method: "DELETE",
    path: "/api/external-api/tokens/{token_id}",
    auth: "admin",
    miss: { token_id: notFound("TOKEN_NOT_FOUND") },
  },
  {
    method: "GET",
    path: "/api/external-api/bots/{bot_id}/latency-stats",
    auth: "admin",
    miss: { bot_id: notFound("BOT_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/external-api/challenges/house-bot",
    auth: "bot",
    bot: (world) => world.attacker,
    body: {
      shape: {
        fields: {
          bot_id: { invalid: Invalid.notString },
          opponent: { invalid: [...Invalid.notString, '""', JSON.stringify("o".repeat(101))] },
          turn_timeout_ms: { invalid: ['"60000"', "999", "600001", "1500.5", "null"] },
          fast: { invalid: Invalid.notBoolean },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({ bot_id: world.attacker.botId, opponent: `no-such-house-${world.tag}` }),
      // Checks in order (docs/lobby.md): the opponent, then lobby presence (the attacker is offline).
      valid: (body) =>
        body.opponent === undefined
          ? { status: 409, code: "EXT_BOT_OFFLINE" }
          : { status: 400, code: "EXTAPI_HOUSE_BOT_NOT_FOUND" },
    },
  },
  {
    method: "POST",
    path: "/api/external-api/matchmaking/join",
    auth: "bot",
    bot: (_world, state) => state.systemBot,
    body: {
      shape: empty,
      base: () => ({}),
      valid: { status: 403, code: "EXTAPI_MATCHMAKING_INELIGIBLE" },
    },
  },
  {
    method: "GET",
    path: "/api/external-api/matchmaking/status",
    auth: "bot",
    bot: (world) => world.attacker,
  },
  {
    method: "POST",
    path: "/api/external-api/matchmaking/leave",
    auth: "bot",
    bot: (world) => world.attacker,
    body: { shape: empty, base: () => ({}), valid: { status: 200 } },
  },
  {
    method: "POST",
    path: "/api/matches",
    auth: "admin",
    body: {
      shape: {
        fields: {
          bots: {
            required: true,
            invalid: [
              ...Invalid.notString.filter((t) => t !== "[1,2]"),
              '"x"',
              "[1,2]",
              '["a"]',
              '["a","b","c"]',
              '["",""]',
              JSON.stringify(["a".repeat(101), "b"]),
            ],
          },
          config: { invalid: ["1", '"x"', "[]", "null", "true"] },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({
        bots: [world.victim.botId, `no-such-bot-${world.tag}`],
        config: { hand_cap: 2 },
      }),
      valid: { status: 400, code: "BOT_NOT_FOUND" },
    },
  },
  {
    method: "GET",
    path: "/api/matches/{id}",
    auth: "admin",
    miss: { id: notFound("MATCH_NOT_FOUND") },
  },
  {
    method: "GET",
    path: "/api/matches/{id}/hands",
    auth: "admin",
    miss: { id: notFound("MATCH_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/admin/channels",
    auth: "admin",
    body: {
      shape: {
        fields: {
          name: { required: true, invalid: name(CHANNEL_NAME) },
          visibility: {
            required: true,
            invalid: [...Invalid.notString, '"secret"', '"PUBLIC"', '""'],
          },
          topic: { invalid: [...Invalid.notString, JSON.stringify("t".repeat(257))] },
          admin: { invalid: name(USER_NAME) },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({ name: world.publicChannel, visibility: "public" }),
      valid: { status: 409, code: "CHANNEL_EXISTS" },
    },
  },
  {
    method: "DELETE",
    path: "/api/admin/channels/{name}",
    auth: "admin",
    miss: { name: notFound("CHANNEL_NOT_FOUND") },
  },
  { method: "GET", path: "/api/admin/users", auth: "admin" },
  {
    method: "DELETE",
    path: "/api/admin/users/{user}",
    auth: "admin",
    miss: { user: notFound("USER_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/admin/users/{user}/machines",
    auth: "admin",
    params: (world) => ({ user: world.member.user }),
    // A name that passes the user pattern is a user the admin may create: the key is
    // already enrolled, so the answer is the conflict and nothing is written.
    miss: {
      user: (value) =>
        USER_NAME.test(value)
          ? { status: 409, code: "PUBKEY_TAKEN" }
          : { status: 400, code: "USER_NOT_FOUND" },
    },
    body: {
      shape: {
        fields: {
          name: { required: true, invalid: name(USER_NAME) },
          pubkey: {
            required: true,
            invalid: [...Invalid.notString, JSON.stringify("k".repeat(65))],
          },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({ name: `spare${world.tag}`, pubkey: world.owner.key.pubkey }),
      valid: { status: 409, code: "PUBKEY_TAKEN" },
    },
  },
  {
    method: "DELETE",
    path: "/api/admin/users/{user}/machines/{name}",
    auth: "admin",
    params: (world) => ({ user: world.member.user, name: world.member.machine }),
    miss: { user: notFound("MACHINE_NOT_FOUND"), name: notFound("MACHINE_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/admin/registration-codes",
    auth: "admin",
    body: {
      shape: {
        fields: {
          uses: { invalid: int(1, 1_000_000) },
          expires_in_s: { invalid: [...int(1, 365 * 24 * 3600), "1e308"] },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: () => ({ uses: 1, expires_in_s: 60 }),
      valid: { status: 201 },
    },
  },
  {
    method: "POST",
    path: "/api/operators/tokens",
    auth: "admin",
    body: {
      shape: {
        fields: {
          name: { required: true, invalid: name(USER_NAME) },
          scopes: {
            required: true,
            invalid: [
              ...Invalid.notString,
              '["operator.root"]',
              '["operator.read","operator.read","operator.read","operator.read","operator.read"]',
              '"operator.read"',
            ],
          },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({ name: `op${world.tag}`, scopes: ["operator.read"] }),
      valid: { status: 201 },
    },
  },
  {
    method: "POST",
    path: "/api/sleds",
    auth: "admin",
    body: {
      shape: {
        fields: { project: { required: true, invalid: name(/^[a-z0-9][a-z0-9_-]{0,63}$/) } },
        strict: true,
        maxBytes: MAX_BODY,
      },
      // The fuzz project exists (setup): a valid body is the documented conflict.
      base: (world) => ({ project: `fuzz-sled-${world.tag}` }),
      valid: { status: 409, code: "SLED_EXISTS" },
    },
  },
  { method: "GET", path: "/api/sleds", auth: "admin" },
  {
    method: "POST",
    path: "/api/sleds/{project}/rotate",
    auth: "admin",
    params: () => ({ project: "fuzz-no-such-sled" }),
    miss: { project: notFound("SLED_NOT_FOUND") },
  },
  {
    method: "DELETE",
    path: "/api/sleds/{project}",
    auth: "admin",
    params: () => ({ project: "fuzz-no-such-sled" }),
    miss: { project: notFound("SLED_NOT_FOUND") },
  },
  {
    method: "GET",
    path: "/api/approvals/{id}",
    auth: "admin",
    params: () => ({ id: "fuzz-no-such-sled:none" }),
    miss: { id: notFound("APPROVAL_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/approvals/{id}/resolve",
    auth: "admin",
    params: () => ({ id: "fuzz-no-such-sled:none" }),
    miss: { id: notFound("APPROVAL_NOT_FOUND") },
    body: {
      shape: {
        fields: {
          decision: {
            required: true,
            invalid: [...Invalid.notString, '"allow"', '"DENY"', '""'],
          },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: () => ({ decision: "deny" }),
      valid: { status: 400, code: "APPROVAL_NOT_FOUND" },
    },
  },
  { method: "GET", path: "/api/operators/tokens", auth: "admin" },
  {
    method: "DELETE",
    path: "/api/operators/tokens/{id}",
    auth: "admin",
    miss: { id: notFound("TOKEN_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/operators/shutdown",
    auth: "admin",
    body: {
      shape: {
        fields: {
          reason: {
            required: true,
            invalid: [...Invalid.notString, '""', JSON.stringify("r".repeat(201))],
          },
          restart_expected_ms: { invalid: int(0, 3_600_000) },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: () => ({ reason: "fuzz", restart_expected_ms: 1000 }),
      valid: { status: 200 },
    },
  },
  {
    method: "POST",
    path: "/api/agents/register",
    auth: "none",
    body: {
      shape: {
        fields: {
          user: { required: true, invalid: name(USER_NAME) },
          machine: { required: true, invalid: name(USER_NAME) },
          pubkey: {
            required: true,
            invalid: [...Invalid.notString, JSON.stringify("k".repeat(65))],
          },
          signature: {
            required: true,
            invalid: [...Invalid.notString, JSON.stringify("s".repeat(129))],
          },
          code: { invalid: [...Invalid.notString, JSON.stringify("c".repeat(129))] },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => {
        const key = AgentKey.generate();
        const machine = "second";
        return {
          user: world.member.user,
          machine,
          pubkey: key.pubkey,
          signature: key.sign(registerSignedString(world.member.user, machine, key.pubkey)),
        };
      },
      valid: { status: 409, code: "USER_TAKEN" },
    },
  },
  {
    method: "POST",
    path: "/api/tournaments",
    auth: "admin",
    body: {
      shape: {
        fields: {
          name: {
            required: true,
            invalid: [...Invalid.notString, '""', '"   "', JSON.stringify("n".repeat(101))],
          },
          format: {
            required: true,
            invalid: [...Invalid.notString, '"ladder"', '"SWISS"', '""'],
          },
          rounds: { invalid: int(1, 20) },
          starts_at: {
            invalid: [...Invalid.notString, '"tomorrow"', '"2026-13-01T00:00:00Z"', '""'],
          },
          check_in_seconds: { invalid: int(1, 3600) },
          max_entrants: { invalid: int(2, 256) },
          rated: { invalid: Invalid.notBoolean },
          match_config: { invalid: ["1", '"x"', "[]", "null", "true", '{"rated":"x"}'] },
        },
        strict: true,
        maxBytes: MAX_BODY,
      },
      base: (world) => ({
        name: `fuzz-cup-${world.tag}`,
        format: "knockout",
        rounds: 3,
        starts_at: PAST_START,
        check_in_seconds: 60,
        max_entrants: 8,
        rated: false,
      }),
      valid: tournamentCreateAnswer,
    },
  },
  { method: "GET", path: "/api/tournaments", auth: "none" },
  {
    method: "GET",
    path: "/api/tournaments/{id}",
    auth: "none",
    miss: { id: notFound("TOURNAMENT_NOT_FOUND") },
  },
  {
    method: "POST",
    path: "/api/tournaments/{id}/start",
    auth: "admin",
    miss: { id: notFound("TOURNAMENT_NOT_FOUND") },
    body: { shape: empty, base: () => ({}), valid: { status: 400, code: "TOURNAMENT_NOT_FOUND" } },
  },
  {
    method: "POST",
    path: "/api/tournaments/{id}/cancel",
    auth: "admin",
    miss: { id: notFound("TOURNAMENT_NOT_FOUND") },
    body: { shape: empty, base: () => ({}), valid: { status: 400, code: "TOURNAMENT_NOT_FOUND" } },
  },
  {
    method: "POST",
    path: "/api/external-api/tournaments/{id}/entries",
    auth: "bot",
    bot: (world) => world.attacker,
    params: (_world, state) => ({ id: state.closedTournament }),
    miss: { id: notFound("TOURNAMENT_NOT_FOUND") },
    body: { shape: empty, base: () => ({}), valid: { status: 409, code: "TOURNAMENT_STARTED" } },
  },
  { method: "GET", path: "/api/leaderboard", auth: "none" },
  {
    method: "GET",
    path: "/api/bots/{id}/rating",
    auth: "none",
    miss: { id: notFound("BOT_NOT_FOUND") },
  },
];

function fill(route: Route, world: World, state: HttpState, override: Record<string, string> = {}) {
  const defaults: Record<string, string> = {
    id: world.victim.botId,
    bot_id: world.victim.botId,
    token_id: world.victim.tokenId,
    name: world.publicChannel,
    user: world.member.user,
    ...route.params?.(world, state),
    ...override,
  };
  return route.path.replace(/\{(\w+)\}/g, (_, key: string) => defaults[key] ?? key);
}

function credential(route: Route, world: World, state: HttpState): string | null {
  if (route.auth === "admin") return world.gateway.adminToken;
  if (route.auth === "bot") return (route.bot?.(world, state) ?? world.attacker).token;
  return null;
}

/** Sends a request verbatim (the path is not normalised by the client). */
async function send(
  ctx: Ctx,
  route: Route,
  path: string,
  options: {
    authorization?: string | null;
    body?: string;
    headers?: Array<[string, string]>;
    /** `false` for an answer the HTTP server gives before the Worker (not in the document). */
    documented?: boolean;
  } = {},
): Promise<UpgradeAnswer> {
  const token = credential(route, ctx.world, ctx.state);
  const authorization =
    options.authorization === undefined
      ? token
        ? `Bearer ${token}`
        : null
      : options.authorization;
  const headers: Array<[string, string]> = [...(options.headers ?? [])];
  if (authorization !== null) headers.push(["Authorization", authorization]);
  if (options.body !== undefined) headers.push(["Content-Type", "application/json"]);
  const answer = await ctx.world.request(route.method, path, {
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  assert.ok(
    answer.status < 500,
    `${route.method} ${path.slice(0, 80)}: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
  );
  assertNoLeak(answer.body, ctx.world.secrets, `${route.method} ${route.path}`);
  if (options.documented !== false) {
    await assertDocumented(ctx.world.gateway, route.method, path, answer);
  }
  return answer;
}

/** The documented answer to each class of mutated body (docs/http-api.md, common errors). */
const BODY_ANSWERS: Record<Exclude<Outcome, "valid">, { status: number; code: string }> = {
  too_large: { status: 413, code: "BODY_TOO_LARGE" },
  not_json: { status: 400, code: "MALFORMED_JSON" },
  not_object: { status: 400, code: "INVALID_BODY" },
  no_type: { status: 400, code: "INVALID_BODY" },
  version_mismatch: { status: 400, code: "INVALID_BODY" },
  unknown_type: { status: 400, code: "INVALID_BODY" },
  unknown_field: { status: 400, code: "UNKNOWN_FIELD" },
  invalid_field: { status: 400, code: "INVALID_BODY" },
};

function checkBodyAnswer(
  ctx: Ctx,
  route: Route,
  outcome: Outcome,
  answer: UpgradeAnswer,
  sent: string,
): void {
  const body = route.body;
  assert.ok(body);
  if (outcome === "valid") {
    const valid =
      typeof body.valid === "function"
        ? body.valid(JSON.parse(sent) as Record<string, unknown>)
        : body.valid;
    assert.equal(
      answer.status,
      valid.status,
      `valid body: HTTP ${answer.status} ${answer.body.slice(0, 200)}`,
    );
    if (valid.code) assertEnvelope(answer, valid.status, valid.code, ctx.world.secrets);
    if (route.path === "/api/admin/registration-codes") ctx.state.codesCreated += 1;
    if (route.path === "/api/operators/tokens") ctx.state.operatorTokensCreated += 1;
    if (route.path === "/api/tournaments" && valid.status === 201)
      ctx.state.tournamentsCreated += 1;
    return;
  }
  const expected = BODY_ANSWERS[outcome];
  assertEnvelope(answer, expected.status, expected.code, ctx.world.secrets);
}

const routeId = (route: Route) => `${route.method} ${route.path}`;

/** Documented HTTP operations this table leaves to other cases or groups. */
const COVERED_ELSEWHERE = [
  "GET /health", // the openapi group's neighbour: no input to attack
  "GET /openapi.json", // the openapi group
  "GET /api/channels", // `discovery-signatures` below
  "POST /mcp/sleds/{project}", // the sled-mcp group
  "GET /mcp/sleds/{project}", // the sled-mcp group (405: no stream)
];

const cases: FixedCase<HttpState>[] = [
  {
    id: "routes-match-document",
    input: "this group's route table against the operations of `GET /openapi.json`",
    expected:
      "the same HTTP operations (WebSocket upgrades have their own groups; `GET /health`, `GET /openapi.json` and `GET /api/channels` are covered elsewhere)",
    async run(ctx) {
      const { document } = await ctx.world.gateway.contract();
      const documented: string[] = [];
      for (const [path, item] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(item)) {
          const tags = (operation as { tags?: string[] }).tags ?? [];
          if (!tags.includes("WebSockets")) documented.push(`${method.toUpperCase()} ${path}`);
        }
      }
      const tested = [...ROUTES.map(routeId), ...COVERED_ELSEWHERE];
      assert.deepEqual(documented.sort(), tested.sort());
    },
  },
  {
    id: "no-credential",
    input: "every admin and bot-token route without Authorization",
    expected: "401 UNAUTHORIZED",
    async run(ctx) {
      await inParallel(
        ROUTES.filter((r) => r.auth !== "none"),
        6,
        async (route) => {
          const answer = await send(ctx, route, fill(route, ctx.world, ctx.state), {
            authorization: null,
            ...(route.body ? { body: JSON.stringify(route.body.base(ctx.world, ctx.state)) } : {}),
          });
          assertEnvelope(answer, 401, "UNAUTHORIZED", ctx.world.secrets);
        },
      );
    },
  },
  {
    id: "misplaced-credential",
    input:
      "a valid bot token on every admin route; the admin token and a revoked token on every bot route",
    expected: "401 UNAUTHORIZED (one opaque answer)",
    async run(ctx) {
      await inParallel(
        ROUTES.filter((r) => r.auth !== "none"),
        6,
        async (route) => {
          const wrong =
            route.auth === "admin"
              ? [ctx.world.victim.token]
              : [ctx.world.gateway.adminToken, ctx.world.revokedToken];
          for (const token of wrong) {
            const answer = await send(ctx, route, fill(route, ctx.world, ctx.state), {
              authorization: `Bearer ${token}`,
              ...(route.body
                ? { body: JSON.stringify(route.body.base(ctx.world, ctx.state)) }
                : {}),
            });
            assertEnvelope(answer, 401, "UNAUTHORIZED", ctx.world.secrets);
          }
        },
      );
    },
  },
  {
    id: "garbage-authorization",
    input:
      "Authorization variants: empty, `Bearer` alone, Basic, extra words, no space, wrong case plus a character, truncated, 8,000 bytes, a well-shaped unknown token, the bare prefix",
    expected: "401 UNAUTHORIZED",
    async run(ctx) {
      await inParallel(
        ROUTES.filter((r) => r.auth !== "none"),
        6,
        async (route) => {
          const token = credential(route, ctx.world, ctx.state) ?? "";
          for (const authorization of garbageAuthorizations(token)) {
            const answer = await send(ctx, route, fill(route, ctx.world, ctx.state), {
              authorization,
              ...(route.body
                ? { body: JSON.stringify(route.body.base(ctx.world, ctx.state)) }
                : {}),
            });
            assertEnvelope(answer, 401, "UNAUTHORIZED", ctx.world.secrets);
          }
        },
      );
    },
  },
  {
    id: "header-bytes",
    input: "an Authorization header with a non-ASCII byte, and one with a control character",
    expected:
      "refused by the HTTP server before the Worker (400, not the envelope), or 401 UNAUTHORIZED; never a 5xx",
    async run(ctx) {
      const route = ROUTES[1];
      assert.ok(route);
      for (const authorization of [
        `Bearer ${ctx.world.gateway.adminToken.slice(0, -1)}é`,
        "Bearer a\u0001b",
      ]) {
        const answer = await send(ctx, route, route.path, { authorization, documented: false });
        if (answer.status === 400) assert.ok(!answer.body.includes("error_code"), answer.body);
        else assertEnvelope(answer, 401, "UNAUTHORIZED", ctx.world.secrets);
      }
    },
  },
  {
    id: "other-bot",
    input:
      "the attacker's token: a challenge naming the victim's `bot_id`, and the victim's latency-stats and presence",
    expected: "401 UNAUTHORIZED; the victim gets no match",
    async run(ctx) {
      const { world } = ctx;
      const challenge = await api(world.gateway, "POST", "/api/external-api/challenges/house-bot", {
        token: world.attacker.token,
        body: { bot_id: world.victim.botId },
      });
      assert.equal(challenge.status, 401);
      for (const path of [
        `/api/external-api/bots/${world.victim.botId}/latency-stats`,
        `/api/bots/${world.victim.botId}/presence`,
      ]) {
        assert.equal(
          (await api(world.gateway, "GET", path, { token: world.attacker.token })).status,
          401,
        );
      }
    },
  },
  {
    id: "tournament-absurd",
    input:
      "tournament creates with 10,000 Swiss rounds, a 0 s or day-long check-in, 0 or 1,000 entrants, a Swiss without rounds, rounds on a round-robin, a start in 2020 or 2099, rated inside the match config, inverted blinds",
    expected:
      "400 INVALID_BODY for a value out of its range, 400 INVALID_TOURNAMENT for a contradiction; no tournament stored",
    async run(ctx) {
      const route = ROUTES.find((r) => r.path === "/api/tournaments");
      assert.ok(route);
      const base = { name: "absurd", format: "round_robin" };
      const refusals: Array<[Record<string, unknown>, string]> = [
        [{ ...base, format: "swiss", rounds: 10_000 }, "INVALID_BODY"],
        [{ ...base, check_in_seconds: 0 }, "INVALID_BODY"],
        [{ ...base, check_in_seconds: 86_400 }, "INVALID_BODY"],
        [{ ...base, max_entrants: 0 }, "INVALID_BODY"],
        [{ ...base, max_entrants: 1000 }, "INVALID_BODY"],
        [{ ...base, format: "swiss" }, "INVALID_TOURNAMENT"],
        [{ ...base, rounds: 3 }, "INVALID_TOURNAMENT"],
        [{ ...base, starts_at: PAST_START }, "INVALID_TOURNAMENT"],
        [{ ...base, starts_at: "2099-01-01T00:00:00Z" }, "INVALID_TOURNAMENT"],
        [{ ...base, match_config: { rated: true } }, "INVALID_TOURNAMENT"],
        [{ ...base, match_config: { small_blind: 20, big_blind: 10 } }, "INVALID_TOURNAMENT"],
      ];
      for (const [body, code] of refusals) {
        const answer = await send(ctx, route, route.path, { body: JSON.stringify(body) });
        assertEnvelope(answer, 400, code, ctx.world.secrets);
      }
    },
  },
  {
    id: "tournament-entries",
    input:
      "the attacker enters an open tournament twice, with a revoked token, the victim's token on a closed one, a system-owned bot, and a well-formed unknown tournament id",
    expected:
      "201 then 409 TOURNAMENT_ALREADY_ENTERED; 401 UNAUTHORIZED; 409 TOURNAMENT_STARTED; 403 TOURNAMENT_INELIGIBLE; 400 TOURNAMENT_NOT_FOUND",
    async run(ctx) {
      const { world, state } = ctx;
      const route = ROUTES.find((r) => r.path === "/api/external-api/tournaments/{id}/entries");
      assert.ok(route);
      const path = (id: string) => `/api/external-api/tournaments/${id}/entries`;
      const as = (token: string) => ({ authorization: `Bearer ${token}`, body: "{}" });
      const first = await send(ctx, route, path(state.openTournament), as(world.attacker.token));
      assert.equal(first.status, 201, first.body);
      const again = await send(ctx, route, path(state.openTournament), as(world.attacker.token));
      assertEnvelope(again, 409, "TOURNAMENT_ALREADY_ENTERED", world.secrets);
      const revoked = await send(ctx, route, path(state.openTournament), as(world.revokedToken));
      assertEnvelope(revoked, 401, "UNAUTHORIZED", world.secrets);
      const closed = await send(ctx, route, path(state.closedTournament), as(world.victim.token));
      assertEnvelope(closed, 409, "TOURNAMENT_STARTED", world.secrets);
      const system = await send(ctx, route, path(state.openTournament), as(state.systemBot.token));
      assertEnvelope(system, 403, "TOURNAMENT_INELIGIBLE", world.secrets);
      const unknown = await send(ctx, route, path(crypto.randomUUID()), as(world.victim.token));
      assertEnvelope(unknown, 400, "TOURNAMENT_NOT_FOUND", world.secrets);
      const view = await api(world.gateway, "GET", `/api/tournaments/${state.openTournament}`, {
        token: null,
      });
      const entrants = (view.body as { entrants: { bot_id: string }[] }).entrants;
      assert.deepEqual(
        entrants.map((e) => e.bot_id),
        [world.attacker.botId],
      );
    },
  },
  {
    id: "path-params",
    input: `every path parameter of every route set to each hostile segment (${HOSTILE_SEGMENTS.length}: traversal, %2e%2e, %00, %2f, bad escapes, 5,000 chars, unicode), sent verbatim with a valid credential`,
    expected:
      "400 with the route's `*_NOT_FOUND` code (a name the admin may create: the documented conflict), or 404 NOT_FOUND when a dot segment moves the path; nothing is created or deleted",
    async run(ctx) {
      await inParallel(
        ROUTES.filter((r) => r.miss),
        6,
        async (route) => {
          await inParallel(HOSTILE_SEGMENTS, 4, (segment) => hostileParam(ctx, route, segment));
        },
      );
    },
  },
  {
    id: "traversal-to-admin",
    input:
      "a bot token on bot routes whose path climbs (`..`, `%2e%2e`) into admin routes (token issue, user removal)",
    expected: "401 UNAUTHORIZED or 404 NOT_FOUND; never an admin action",
    async run(ctx) {
      const { world } = ctx;
      const climbs = [
        `/api/external-api/matchmaking/../bots/${world.victim.botId}/tokens`,
        `/api/external-api/matchmaking/%2e%2e/bots/${world.victim.botId}/tokens`,
        `/api/external-api/challenges/../../admin/users/${world.member.user}`,
        `/api/external-api/challenges/%2E%2E/%2E%2E/admin/registration-codes`,
      ];
      for (const path of climbs) {
        for (const method of ["POST", "DELETE", "GET"]) {
          const answer = await world.request(method, path, {
            headers: [["Authorization", `Bearer ${world.attacker.token}`]],
            body: "{}",
          });
          assertEnvelope(answer, [401, 404], ["UNAUTHORIZED", "NOT_FOUND"], world.secrets);
          await assertDocumented(world.gateway, method, path, answer);
        }
      }
    },
  },
  {
    id: "fixed-bodies",
    input:
      "every body route: `{`, `[]`, `null`, an unknown field, a 70,000-byte body, the valid body padded with whitespace to exactly 65,536 bytes and to 65,537, an 80,000-byte chunked body",
    expected:
      "400 MALFORMED_JSON / INVALID_BODY / INVALID_BODY / UNKNOWN_FIELD / 413 BODY_TOO_LARGE / the route's answer to its valid body / 413 / 413",
    async run(ctx) {
      await inParallel(
        ROUTES.filter((r) => r.body),
        6,
        async (route) => {
          const path = fill(route, ctx.world, ctx.state);
          const base = route.body?.base(ctx.world, ctx.state) ?? {};
          const expect = async (
            body: string,
            status: number,
            code: string,
            headers: Array<[string, string]> = [],
          ) =>
            assertEnvelope(
              await send(ctx, route, path, { body, headers }),
              status,
              code,
              ctx.world.secrets,
            );
          await expect("{", 400, "MALFORMED_JSON");
          await expect("[]", 400, "INVALID_BODY");
          await expect("null", 400, "INVALID_BODY");
          await expect(JSON.stringify({ ...base, zz_evil: 1 }), 400, "UNKNOWN_FIELD");
          await expect(JSON.stringify({ ...base, pad: "x".repeat(70_000) }), 413, "BODY_TOO_LARGE");
          // Exactly at the limit (padded with whitespace) is read; one byte more is not.
          const base64k = JSON.stringify(base);
          const atLimit = `${" ".repeat(MAX_BODY - Buffer.byteLength(base64k))}${base64k}`;
          checkBodyAnswer(
            ctx,
            route,
            "valid",
            await send(ctx, route, path, { body: atLimit }),
            atLimit,
          );
          await expect(` ${atLimit}`, 413, "BODY_TOO_LARGE");
          const chunk = "x".repeat(40_000);
          const chunked = `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`;
          const streamed = await ctx.world.request(route.method, path, {
            headers: [
              ["Authorization", `Bearer ${credential(route, ctx.world, ctx.state) ?? ""}`],
              ["Transfer-Encoding", "chunked"],
            ],
            body: chunked,
          });
          assertEnvelope(streamed, 413, "BODY_TOO_LARGE", ctx.world.secrets);
        },
      );
    },
  },
  {
    id: "query",
    input:
      "`GET /api/bots/{id}/matches` with `limit` 0, 101, -1, 1.5, 1e2, abc, empty, %ZZ, 4 digits, and an unknown query field",
    expected: "400 INVALID_BODY for a bad `limit`, 400 UNKNOWN_FIELD for the unknown field",
    async run(ctx) {
      const route = ROUTES.find((r) => r.path === "/api/bots/{id}/matches");
      assert.ok(route);
      const path = fill(route, ctx.world, ctx.state);
      for (const limit of ["0", "101", "-1", "1.5", "1e2", "abc", "", "%ZZ", "1000", "%31%30%31"]) {
        const answer = await send(ctx, route, `${path}?limit=${limit}`);
        assertEnvelope(answer, 400, "INVALID_BODY", ctx.world.secrets);
      }
      assertEnvelope(
        await send(ctx, route, `${path}?limit=5&evil=1`),
        400,
        "UNKNOWN_FIELD",
        ctx.world.secrets,
      );
    },
  },
  {
    id: "request-id",
    input:
      "`x-request-id` values that are unsafe to echo: 7 and 65 characters, `../`, `<script>`, spaces, non-ASCII",
    expected: "the id is replaced by a fresh UUID in the header and the envelope",
    async run(ctx) {
      for (const id of [
        "short12",
        "x".repeat(65),
        "../../etc",
        "<script>alert</script>",
        "a b c d e f",
        "é".repeat(10),
      ]) {
        const answer = await ctx.world.request("GET", "/api/nothing-here", {
          headers: [["x-request-id", id]],
        });
        const body = assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
        assert.match(String(body.request_id), /^[0-9a-f-]{36}$/);
      }
    },
  },
  {
    id: "unknown-routes",
    input:
      "unknown paths and methods: PUT/PATCH on known paths, `/api/`, `/api/bots/`, a 9,000-character path, `//api//bots`",
    expected: "404 NOT_FOUND",
    async run(ctx) {
      const probes: Array<[string, string]> = [
        ["PUT", "/api/bots"],
        ["PATCH", `/api/bots/${ctx.world.victim.botId}`],
        ["GET", "/api/"],
        ["POST", "/api/bots/"],
        ["GET", `/api/${"a".repeat(9000)}`],
        ["GET", "//api//bots"],
        ["DELETE", "/api/matches"],
      ];
      for (const [method, path] of probes) {
        const answer = await ctx.world.request(method, path, {
          headers: [["Authorization", `Bearer ${ctx.world.gateway.adminToken}`]],
        });
        assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
        await assertDocumented(ctx.world.gateway, method, path, answer);
      }
    },
  },
  {
    id: "registration",
    input:
      "registration signed by another key, with a padded or off-curve key, and claiming a taken user name with a fresh key",
    expected:
      "401 INVALID_SIGNATURE; 400 INVALID_PUBKEY; 409 USER_TAKEN (nobody registers as someone else)",
    async run(ctx) {
      const { world } = ctx;
      const key = AgentKey.generate();
      const other = AgentKey.generate();
      const user = `fz${ctx.rng.string(8)}`;
      const register = (body: Record<string, unknown>) =>
        send(
          ctx,
          { method: "POST", path: "/api/agents/register", auth: "none" },
          "/api/agents/register",
          {
            body: JSON.stringify(body),
          },
        );
      const signedBy = (signer: AgentKey, u: string, pubkey: string) =>
        signer.sign(registerSignedString(u, "m", pubkey));
      assertEnvelope(
        await register({
          user,
          machine: "m",
          pubkey: key.pubkey,
          signature: signedBy(other, user, key.pubkey),
        }),
        401,
        "INVALID_SIGNATURE",
        world.secrets,
      );
      // Padded, stray bits in the last character (non-canonical), and one character short.
      for (const pubkey of [
        `${key.pubkey}=`,
        `${"A".repeat(42)}B`,
        "_".repeat(43),
        key.pubkey.slice(0, 42),
      ]) {
        assertEnvelope(
          await register({ user, machine: "m", pubkey, signature: signedBy(key, user, pubkey) }),
          400,
          "INVALID_PUBKEY",
          world.secrets,
        );
      }
      assertEnvelope(
        await register({
          user: world.owner.user,
          machine: "m",
          pubkey: key.pubkey,
          signature: signedBy(key, world.owner.user, key.pubkey),
        }),
        409,
        "USER_TAKEN",
        world.secrets,
      );
    },
  },
  {
    id: "discovery-signatures",
    input:
      "`GET /api/channels` signed badly: wrong key, another user's name, stale and future timestamps, another path or method, partial headers, non-numeric or 17-digit timestamps, plus a garbage admin bearer",
    expected: "401 UNAUTHORIZED (never a smaller list); anonymous sees only public channels",
    async run(ctx) {
      const { world } = ctx;
      const good = signedHeaders(world.owner, "GET", "/api/channels");
      const variants: Array<Record<string, string>> = [
        {
          ...good,
          "x-botgate-signature": AgentKey.generate().sign(
            httpSignedString("GET", "/api/channels", good["x-botgate-timestamp"] ?? ""),
          ),
        },
        { ...good, "x-botgate-user": world.member.user },
        signedAt(world, -61_000, "GET", "/api/channels"),
        signedAt(world, 61_000, "GET", "/api/channels"),
        signedAt(world, 0, "GET", "/api/bots"),
        signedAt(world, 0, "POST", "/api/channels"),
        Object.fromEntries(Object.entries(good).slice(0, 3)),
        { ...good, "x-botgate-timestamp": "soon" },
        { ...good, "x-botgate-timestamp": "1".repeat(17) },
        { ...good, "x-botgate-machine": "../desk" },
        { authorization: "Bearer not-the-admin" },
      ];
      for (const headers of variants) {
        const answer = await world.request("GET", "/api/channels", {
          headers: Object.entries(headers),
        });
        assertEnvelope(answer, 401, "UNAUTHORIZED", world.secrets);
      }
      const anonymous = await world.request("GET", "/api/channels");
      assert.equal(anonymous.status, 200);
      const names = (
        JSON.parse(anonymous.body) as { channels: Array<{ name: string }> }
      ).channels.map((c) => c.name);
      assert.ok(names.includes(world.publicChannel));
      assert.ok(
        !names.includes(world.privateChannel),
        "a private channel leaked to anonymous discovery",
      );
    },
  },
];

function signedAt(
  world: World,
  skewMs: number,
  method: string,
  path: string,
): Record<string, string> {
  const timestamp = String(Date.now() + skewMs);
  return {
    "x-botgate-user": world.owner.user,
    "x-botgate-machine": world.owner.machine,
    "x-botgate-timestamp": timestamp,
    "x-botgate-signature": world.owner.key.sign(httpSignedString(method, path, timestamp)),
  };
}

/**
 * Where a path with dot segments lands once the URL parser removed them (as WHATWG URL
 * does, like the runtime): the lookup miss of the route it now names, or 404.
 */
function afterDotSegments(
  method: string,
  path: string,
  sent: Auth,
): { status: number; code: string } {
  const pathname = new URL(path, "http://fuzz.invalid").pathname;
  for (const route of ROUTES.filter((r) => r.method === method)) {
    const pattern = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`);
    const match = pattern.exec(pathname);
    if (!match) continue;
    // Landing on a route that takes another credential (a public route's path climbing
    // into an admin one) is that route's 401.
    if (route.auth !== "none" && route.auth !== sent) return { status: 401, code: "UNAUTHORIZED" };
    const [param, value] = Object.entries(match.groups ?? {})[0] ?? [];
    const miss = param === undefined ? undefined : route.miss?.[param];
    if (miss && value !== undefined) return miss(decoded(value));
  }
  return { status: 404, code: "NOT_FOUND" };
}

/** A hostile value for each path parameter of `route`, one at a time. */
async function hostileParam(ctx: Ctx, route: Route, segment: string): Promise<void> {
  for (const [param, miss] of Object.entries(route.miss ?? {})) {
    const path = fill(route, ctx.world, ctx.state, { [param]: segment });
    const body = route.body ? JSON.stringify(route.body.base(ctx.world, ctx.state)) : undefined;
    const answer = await send(ctx, route, path, body === undefined ? {} : { body });
    const expected = isDotSegment(segment)
      ? afterDotSegments(route.method, path, route.auth)
      : miss(decoded(segment));
    try {
      assertEnvelope(answer, expected.status, expected.code, ctx.world.secrets);
    } catch (err) {
      throw new Error(
        `${routeId(route)} with ${param}=${segment.slice(0, 40)}: ${(err as Error).message}`,
      );
    }
  }
}

export const httpGroup = defineGroup<HttpState>({
  id: "http",
  entry: "every HTTP route",
  ref: "docs/http-api.md, docs/lobby.md, docs/match.md, docs/agent-channels.md, docs/tournaments.md, docs/ratings.md, bot protocol §8",
  target: "the Worker, the D1 registry, the matchmaking queue object and a tournament object",
  legitFlow:
    "the admin creates a bot, issues, lists, rotates and revokes its token; a new agent registers; anonymous discovery lists the public channel; the admin creates a tournament, the bot enters it, anyone reads it and the leaderboard, the admin cancels it",
  async setup(world) {
    // The sled a valid `POST /api/sleds` body names (409 SLED_EXISTS); once per world.
    await api(world.gateway, "POST", "/api/sleds", { body: { project: `fuzz-sled-${world.tag}` } });
    const created = await api(world.gateway, "POST", "/api/bots", {
      body: { name: `fuzz-system-${world.tag}-${Date.now()}`, owner: "system" },
    });
    const botId = (created.body as { id: string }).id;
    const issued = await api(world.gateway, "POST", `/api/external-api/bots/${botId}/tokens`);
    const { token, token_id } = issued.body as { token: string; token_id: string };
    const tournament = async (startsInMs: number) => {
      const res = await api(world.gateway, "POST", "/api/tournaments", {
        body: {
          name: `fuzz-${world.tag}`,
          format: "round_robin",
          starts_at: new Date(Date.now() + startsInMs).toISOString(),
        },
      });
      return (res.body as { id: string }).id;
    };
    const closedTournament = await tournament(3600_000);
    await api(world.gateway, "POST", `/api/tournaments/${closedTournament}/cancel`);
    return {
      systemBot: { botId, name: "system", token, tokenId: token_id },
      codesCreated: 0,
      operatorTokensCreated: 0,
      closedTournament,
      openTournament: await tournament(3600_000),
      tournamentsCreated: 0,
    };
  },
  objects: (state) => [
    { binding: "MATCHMAKER", name: "nlhe-hu" },
    { binding: "TOURNAMENT", name: state.closedTournament },
  ],
  cases,
  families: [
    {
      id: "bodies.mutations",
      input:
        "seeded mutations of a valid body on every body route (drop/add/retype fields, duplicate keys, escapes, truncation, junk, non-objects, deep nesting, huge and fractional numbers, NaN-like strings, padding past 64 KiB)",
      outcomes: {
        valid:
          "the route's answer to its base body (a documented refusal such as 409 BOT_NAME_TAKEN or 400 INVALID_TOURNAMENT, or 201 for a registration code or a tournament the rules accept)",
        too_large: "413 BODY_TOO_LARGE",
        not_json: "400 MALFORMED_JSON",
        unknown_field: "400 UNKNOWN_FIELD",
        "not an object / a field missing or mistyped": "400 INVALID_BODY",
      },
      async run(ctx, count, record) {
        let ran = 0;
        for (const route of ROUTES.filter((r) => r.body)) {
          const body = route.body;
          if (!body) continue;
          const path = fill(route, ctx.world, ctx.state);
          for (let i = 0; i < count; i += 1) {
            const mutation = mutate(body.base(ctx.world, ctx.state), body.shape, ctx.rng);
            ran += 1;
            try {
              const answer = await send(ctx, route, path, { body: mutation.text });
              checkBodyAnswer(ctx, route, mutation.outcome, answer, mutation.text);
            } catch (err) {
              record(`${routeId(route)}: ${mutation.ops.join(" + ")} → ${mutation.outcome}`, err);
            }
          }
        }
        return ran;
      },
    },
    {
      id: "match-config.mutations",
      input: "seeded mutations of the nested `config` of `POST /api/matches`",
      outcomes: {
        valid: "400 BOT_NOT_FOUND (the base names a missing bot)",
        "not JSON": "400 MALFORMED_JSON",
        unknown_field: "400 UNKNOWN_FIELD",
        "anything else": "400 INVALID_BODY (413 past 64 KiB)",
      },
      async run(ctx, count, record) {
        const route = ROUTES.find((r) => r.path === "/api/matches");
        assert.ok(route);
        const ms = (min: number, max: number) => ({ invalid: int(min, max) });
        const shape: Shape = {
          fields: {
            starting_stack: ms(1, 1_000_000_000),
            small_blind: ms(1, 1_000_000_000),
            big_blind: ms(1, 1_000_000_000),
            ante: ms(0, 1_000_000_000),
            turn_timeout_ms: ms(1000, 600_000),
            reconnect_grace_ms: ms(0, 600_000),
            reconnect_budget: ms(0, 100),
            connection_wait_ms: ms(1000, 600_000),
            jitter_min_ms: ms(0, 5000),
            jitter_max_ms: ms(0, 5000),
            rated: { invalid: Invalid.notBoolean },
            hand_cap: ms(1, 100_000),
            house_think_ms: ms(0, 60_000),
            max_messages_per_second: ms(1, 10_000),
          },
          strict: true,
          maxBytes: MAX_BODY,
        };
        const base = {
          hand_cap: 2,
          turn_timeout_ms: 5000,
          rated: false,
          ante: 0,
          max_messages_per_second: 10,
        };
        for (let i = 0; i < count; i += 1) {
          const mutation = mutate(base, shape, ctx.rng);
          const text = `{"bots":${JSON.stringify([ctx.world.victim.botId, `no-such-bot-${ctx.world.tag}`])},"config":${mutation.text}}`;
          // The whole body's size decides 413; the config's own class decides the rest.
          const outcome: Outcome =
            Buffer.byteLength(text) > MAX_BODY ? "too_large" : mutation.outcome;
          try {
            const answer = await send(ctx, route, "/api/matches", { body: text });
            checkBodyAnswer(ctx, route, outcome, answer, text);
          } catch (err) {
            record(`config: ${mutation.ops.join(" + ")} → ${outcome}`, err);
          }
        }
        return count;
      },
    },
    {
      id: "path-params.random",
      input:
        "seeded random path parameters (random bytes percent-encoded, random printable text) on every route with one",
      outcomes: {
        any: "400 with the route's `*_NOT_FOUND` code, or 404 NOT_FOUND; never 2xx or 5xx",
      },
      async run(ctx, count, record) {
        let ran = 0;
        const routes = ROUTES.filter((r) => r.miss);
        for (let i = 0; i < count; i += 1) {
          const route = ctx.rng.pick(routes);
          const segment = randomSegment(ctx.rng);
          ran += 1;
          try {
            for (const [param, miss] of Object.entries(route.miss ?? {})) {
              const path = fill(route, ctx.world, ctx.state, { [param]: segment });
              const body = route.body
                ? JSON.stringify(route.body.base(ctx.world, ctx.state))
                : undefined;
              const answer = await send(ctx, route, path, body === undefined ? {} : { body });
              if (answer.status === 404)
                assertEnvelope(answer, 404, "NOT_FOUND", ctx.world.secrets);
              else {
                const expected = miss(decoded(segment));
                assertEnvelope(answer, expected.status, expected.code, ctx.world.secrets);
              }
            }
          } catch (err) {
            record(`${routeId(route)} ← ${segment}`, err);
          }
        }
        return ran;
      },
    },
  ],
  explain(diff, state) {
    const gained = diff.filter((line) => line.startsWith("d1.agent_registration_codes gained"));
    const minted = diff.filter((line) => line.startsWith("d1.operator_tokens gained"));
    const created = diff.filter((line) => line.startsWith("d1.tournaments gained"));
    const rest = diff.filter(
      (line) => !gained.includes(line) && !minted.includes(line) && !created.includes(line),
    );
    if (gained.length !== state.codesCreated) {
      rest.push(`${gained.length} registration codes stored, ${state.codesCreated} answered 201`);
    }
    if (minted.length !== state.operatorTokensCreated) {
      rest.push(
        `${minted.length} operator tokens stored, ${state.operatorTokensCreated} answered 201`,
      );
    }
    if (created.length !== state.tournamentsCreated) {
      rest.push(`${created.length} tournaments stored, ${state.tournamentsCreated} answered 201`);
    }
    return rest;
  },
  async legit(world) {
    const bot = await api(world.gateway, "POST", "/api/bots", {
      body: { name: `fuzz-legit-${world.tag}-${Date.now()}` },
    });
    assert.equal(bot.status, 201);
    const botId = (bot.body as { id: string }).id;
    const issued = await api(world.gateway, "POST", `/api/external-api/bots/${botId}/tokens`);
    assert.equal(issued.status, 201);
    const tokenId = (issued.body as { token_id: string }).token_id;
    const rotated = await api(world.gateway, "POST", `/api/external-api/tokens/${tokenId}/rotate`);
    assert.equal(rotated.status, 201);
    const list = await api(world.gateway, "GET", `/api/external-api/bots/${botId}/tokens`);
    assert.equal((list.body as { tokens: unknown[] }).tokens.length, 1);
    const newId = (rotated.body as { token_id: string }).token_id;
    assert.equal(
      (await api(world.gateway, "DELETE", `/api/external-api/tokens/${newId}`)).status,
      204,
    );
    const key = AgentKey.generate();
    const user = `legit${Date.now().toString(36)}`;
    const registered = await api(world.gateway, "POST", "/api/agents/register", {
      token: null,
      body: {
        user,
        machine: "m",
        pubkey: key.pubkey,
        signature: key.sign(registerSignedString(user, "m", key.pubkey)),
      },
    });
    assert.equal(registered.status, 201);
    const channels = await api(world.gateway, "GET", "/api/channels", { token: null });
    const names = (channels.body as { channels: Array<{ name: string }> }).channels.map(
      (c) => c.name,
    );
    assert.ok(names.includes(world.publicChannel));
    const cup = await api(world.gateway, "POST", "/api/tournaments", {
      body: {
        name: "legit cup",
        format: "swiss",
        rounds: 2,
        starts_at: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    assert.equal(cup.status, 201);
    const cupId = (cup.body as { id: string }).id;
    const entered = await api(
      world.gateway,
      "POST",
      `/api/external-api/tournaments/${cupId}/entries`,
      {
        token: world.victim.token,
      },
    );
    assert.equal(entered.status, 201);
    const read = await api(world.gateway, "GET", `/api/tournaments/${cupId}`, { token: null });
    assert.deepEqual(
      (read.body as { entrants: { bot_id: string }[] }).entrants.map((e) => e.bot_id),
      [world.victim.botId],
    );
    assert.equal(
      (await api(world.gateway, "GET", "/api/leaderboard", { token: null })).status,
      200,
    );
    assert.equal(
      (await api(world.gateway, "POST", `/api/tournaments/${cupId}/cancel`)).status,
      200,
    );
  },
});
