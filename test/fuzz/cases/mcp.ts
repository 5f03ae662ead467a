/**
 * `botgate mcp` tool calls (docs/mcp.md "Failure modes"): a bridge process started by the
 * real MCP SDK client, joined to a channel, gets malformed arguments for every tool it
 * lists. The oracle is the tool's published JSON input schema (from `tools/list`, not the
 * bridge's own validation): each input is built to violate it — a required property
 * dropped, an unknown one added, a value of the wrong type, out of range, off its pattern
 * or enum — and must come back as a tool result with `isError: true` and one plain
 * message (no stack, no internals). Semantic mistakes (an unknown channel, a channel not
 * joined, a post over the frame limit, an unknown whisper target) are fixed cases. The
 * bridge must stay up, store nothing, and then post and read as usual.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChannel } from "../../harness/agent.ts";
import { type Bridge, registeredAgent, startBridge } from "../../harness/mcp.ts";
import { defineGroup, type FixedCase } from "../case.ts";
import { HOSTILE_STRINGS } from "../mutate.ts";
import type { Rng } from "../rng.ts";

interface McpState {
  bridge: Bridge;
  channel: string;
  path: string;
  /** Each listed tool's input schema. */
  schemas: Map<string, JsonSchema>;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
}

/** A valid call of each tool the fuzz bridge lists (a plain agent: no admin, no poker). */
function validArgs(tool: string, state: McpState): Record<string, unknown> {
  switch (tool) {
    case "join":
    case "leave":
    case "who":
      return { channel: state.channel };
    case "post":
      return { channel: state.channel, text: "hello" };
    case "whisper":
      return { to: state.path, text: "hello" };
    case "read":
      return { channel: state.channel, limit: 10 };
    case "inbox":
      return { limit: 10 };
    default:
      return {};
  }
}

/** Asserts a tool answer is a tool error with one plain message. */
export function assertPlainToolError(answer: { isError: boolean; text: string }, what: string) {
  assert.equal(answer.isError, true, `${what}: not an error: ${answer.text.slice(0, 200)}`);
  assert.ok(
    answer.text.length > 0 && answer.text.length < 4000,
    `${what}: message length ${answer.text.length}`,
  );
  assert.doesNotMatch(
    answer.text,
    /\n\s+at |node_modules|\[object Object\]|undefined is not/,
    `${what}: ${answer.text}`,
  );
}

const WRONG_TYPES: Record<string, unknown[]> = {
  string: [7, true, null, [], {}, ["a"], { text: "x" }],
  number: ["7", true, null, [], {}, Number.NaN, "1e3"],
  integer: ["7", 1.5, true, null, [], {}, -0.25, 2 ** 60 + 0.5],
  boolean: ["true", 1, null, []],
};

function typeOf(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type) return type;
  return schema.anyOf?.map(typeOf).find((t) => t !== undefined);
}

/** Whether `value` satisfies a property schema (enough of JSON Schema for these tools). */
function satisfies(schema: JsonSchema, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((s) => satisfies(s, value));
  if (schema.enum) return schema.enum.includes(value);
  const type = typeOf(schema);
  if (type === "string") {
    if (typeof value !== "string") return false;
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) return false;
    if (schema.maxLength !== undefined && length > schema.maxLength) return false;
    return schema.pattern === undefined || new RegExp(schema.pattern, "u").test(value);
  }
  if (type === "number" || type === "integer") {
    if (typeof value !== "number" || !Number.isFinite(value)) return false;
    if (type === "integer" && !Number.isInteger(value)) return false;
    if (schema.minimum !== undefined && value < schema.minimum) return false;
    return schema.maximum === undefined || value <= schema.maximum;
  }
  return true;
}

/** Candidate bad values of one property: wrong types, bounds, patterns, hostile strings. */
function badValues(schema: JsonSchema, rng: Rng): unknown[] {
  const type = typeOf(schema) ?? "string";
  const out = [...(WRONG_TYPES[type] ?? WRONG_TYPES.string ?? [])];
  if (type === "string") {
    out.push("", "UPPER", "with space", "a/b", "x".repeat((schema.maxLength ?? 300) + 1));
    out.push(...HOSTILE_STRINGS.map((s) => JSON.parse(s) as unknown));
    out.push(rng.string(rng.int(1, 80), "abcXYZ09._-~!/ é中😀"));
  } else if (type === "number" || type === "integer") {
    if (schema.minimum !== undefined) out.push(schema.minimum - 1);
    if (schema.maximum !== undefined) out.push(schema.maximum + 1);
    out.push(-1, 0, Number.MAX_SAFE_INTEGER * 4);
  }
  if (schema.enum) out.push("nope", "FOLD", "");
  return out.filter((v) => !satisfies(schema, v));
}

/** One input that violates `schema`, with what was done to it. */
function malformed(
  schema: JsonSchema,
  base: Record<string, unknown>,
  rng: Rng,
): { args: Record<string, unknown>; op: string } {
  const properties = Object.entries(schema.properties ?? {});
  const required = schema.required ?? [];
  const ops = [
    ...(required.length > 0 ? ["drop-required"] : []),
    ...(schema.additionalProperties === false ? ["unknown-key"] : []),
    ...(properties.length > 0 ? ["bad-value", "bad-value", "bad-value"] : []),
  ];
  const op = rng.pick(ops);
  const args = { ...base };
  if (op === "drop-required") {
    const key = rng.pick(required);
    delete args[key];
    return { args, op: `${op} ${key}` };
  }
  if (op === "unknown-key") {
    const key = rng.pick(["extra", "from", "__proto__x", "Channel", "seq", rng.string(6)]);
    args[key] = rng.pick([1, "x", null, { nested: true }]);
    return { args, op: `${op} ${key}` };
  }
  const [key, property] = rng.pick(properties);
  const value = rng.pick(badValues(property, rng));
  args[key] = value;
  return { args, op: `${op} ${key}=${JSON.stringify(value)?.slice(0, 60)}` };
}

const cases: FixedCase<McpState>[] = [
  {
    id: "unknown-channel",
    input: "join of a well-formed channel name that does not exist",
    expected: "isError: `there is no channel #… on …`",
    async run({ state }) {
      const answer = await state.bridge.call("join", { channel: `${state.channel}-none` });
      assertPlainToolError(answer, "join");
      assert.match(answer.text, /^there is no channel #/);
    },
  },
  {
    id: "not-joined",
    input: "post, who and leave on a channel the bridge has not joined",
    expected: "isError: `not in #…: call join first`",
    async run({ state }) {
      for (const tool of ["post", "who", "leave"]) {
        const args =
          tool === "post" ? { channel: "elsewhere", text: "x" } : { channel: "elsewhere" };
        const answer = await state.bridge.call(tool, args);
        assertPlainToolError(answer, tool);
        assert.equal(answer.text, "not in #elsewhere: call join first");
      }
    },
  },
  {
    id: "post-too-large",
    input:
      "a post whose frame is over AGENT_MAX_FRAME_BYTES (multi-byte text under the schema's length)",
    expected: "isError: `the message is too long: … split it`; nothing sent, the socket stays open",
    async run({ state }) {
      const answer = await state.bridge.call("post", {
        channel: state.channel,
        text: "€".repeat(6000),
      });
      assertPlainToolError(answer, "post");
      assert.match(answer.text, /^the message is too long: \d+ bytes as a frame/);
    },
  },
  {
    id: "unknown-target",
    input: "a whisper to a well-formed path of a user that does not exist",
    expected: "isError: `no such user or machine for …`",
    async run({ state }) {
      const answer = await state.bridge.call("whisper", { to: "nobody-here/box/s", text: "x" });
      assertPlainToolError(answer, "whisper");
      assert.match(answer.text, /^no such user or machine for nobody-here\/box\/s/);
    },
  },
  {
    id: "unlisted-tool",
    input:
      "a call of a tool the bridge does not list (poker_act without a bot, kick for a non-admin, a made-up name)",
    expected: "isError: `Tool … not found` or `Tool … disabled`",
    async run({ state }) {
      for (const tool of ["poker_act", "kick", "drop_tables"]) {
        const answer = await state.bridge.call(tool, {});
        assertPlainToolError(answer, tool);
        assert.match(answer.text, new RegExp(`Tool ${tool} (not found|disabled)`));
      }
    },
  },
  {
    id: "arguments-not-object",
    input: "`arguments` that is an array, a string or a number (outside the MCP schema)",
    expected: "JSON-RPC error -32602 from the SDK's request validation; the bridge keeps serving",
    async run({ state }) {
      for (const args of [[1, 2], "text", 7]) {
        await assert.rejects(
          state.bridge.client.callTool({ name: "read", arguments: args as never }),
          /-32602|Invalid/,
        );
      }
      assert.equal((await state.bridge.call("read", {})).isError, false);
    },
  },
];

/** Setups so far in this process: each seed gets its own agent and channel. */
let setups = 0;

export const mcpGroup = defineGroup<McpState>({
  id: "mcp",
  entry: "botgate mcp tools/call",
  ref: "docs/mcp.md (Failure modes)",
  target: "a bridge process (real MCP client over stdio) joined to its channel",
  legitFlow:
    "the bridge posts to its channel (stored with a seq), lists the session with who, and read and inbox answer",
  async setup(world) {
    const dir = mkdtempSync(join(tmpdir(), "botgate-fuzz-mcp-"));
    setups += 1;
    const channel = `fuzz-mcp-${world.tag}-${setups}`;
    await createChannel(world.gateway, channel);
    const agent = await registeredAgent(
      world.gateway.url.origin,
      dir,
      `fuzzmcp${world.tag}x${setups}`,
    );
    const bridge = await startBridge([
      "--url",
      world.gateway.url.origin,
      "--key",
      agent.keyFile,
      "--channel",
      channel,
      "--wait-ms",
      "5000",
    ]);
    const path = `${agent.user}/${agent.machine}/mcp`;
    const joined = await bridge.callUntil(
      "who",
      { channel },
      (a) => !a.isError,
      "the join at start",
    );
    assert.match(joined.text, new RegExp(path));
    const schemas = new Map<string, JsonSchema>();
    for (const tool of (await bridge.client.listTools()).tools) {
      schemas.set(tool.name, tool.inputSchema as JsonSchema);
    }
    return { bridge, channel, path, schemas };
  },
  objects: (state) => [{ binding: "CHANNEL", name: state.channel }],
  // The unknown-channel join authenticates before the 4004 (agent channels: names are not
  // probed for free), so its object records the machine for the kill switch.
  explain: (diff, state) =>
    diff.filter(
      (line) =>
        !(
          line.startsWith("d1.agent_machine_objects gained") &&
          line.includes(`"${state.channel}-none"`)
        ),
    ),
  cases,
  families: [
    {
      id: "malformed-arguments",
      input: "a valid call of a listed tool with one violation of its published input schema",
      outcomes: {
        "required property dropped": "isError, `Input validation error: … <property>`",
        "unknown property": "isError, `Unrecognized key`",
        "wrong type, out of range, off pattern or enum": "isError, the schema's message for it",
      },
      async run({ state, rng }, count, record) {
        const tools = [...state.schemas.keys()];
        let ran = 0;
        for (let i = 0; i < count * tools.length; i += 1) {
          const tool = tools[i % tools.length] as string;
          const schema = state.schemas.get(tool) ?? {};
          const { args, op } = malformed(schema, validArgs(tool, state), rng);
          ran += 1;
          try {
            const answer = await state.bridge.call(tool, args);
            assertPlainToolError(answer, `${tool} ${op}`);
            assert.match(answer.text, new RegExp(`Invalid arguments for tool ${tool}`));
          } catch (error) {
            record(`${tool} ${op}`, error);
          }
        }
        return ran;
      },
    },
  ],
  async legit(_world, state) {
    const posted = await state.bridge.call("post", { channel: state.channel, text: "legit" });
    assert.equal(posted.isError, false, posted.text);
    assert.match(posted.text, /as seq \d+/);
    const who = await state.bridge.call("who", { channel: state.channel });
    assert.match(who.text, new RegExp(`${state.path} \\(you\\)`));
    assert.equal((await state.bridge.call("read", {})).isError, false);
    assert.equal((await state.bridge.call("inbox", {})).isError, false);
  },
  async teardown(state) {
    await state.bridge.close();
  },
});
