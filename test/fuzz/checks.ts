/**
 * The assertions every fuzz case is made of: the HTTP error envelope, a close code after
 * the documented error frame, a socket that stays open and silent, and the leak check (no
 * stack trace, no credential echoed back). Each throws an `AssertionError` whose message
 * says what was expected and what came.
 */
import assert from "node:assert/strict";
import type { Gateway } from "../harness/gateway.ts";
import { Opcode, type RawSocket, type UpgradeAnswer } from "./raw-socket.ts";

type Json = Record<string, unknown>;

// A V8 stack frame, a source position, or an internal error name.
const STACK = /\bat [\w.<>$]+ \(|\.(ts|js):\d+:\d+|\n\s+at /;

/** Fails when `text` carries a stack trace or any of the secrets. */
export function assertNoLeak(text: string, secrets: readonly string[], where: string): void {
  assert.ok(!STACK.test(text), `${where}: a stack trace reached the client: ${text.slice(0, 300)}`);
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${where}: a credential was echoed back to the client`);
  }
}

/**
 * Fails unless the answer is what the served OpenAPI document says for `method` and `path`
 * (the operation's status, error codes, body schema and headers; the 404 for no route).
 */
export async function assertDocumented(
  gateway: Gateway,
  method: string,
  path: string,
  answer: Pick<UpgradeAnswer, "status" | "headers" | "body">,
): Promise<void> {
  const contract = await gateway.contract();
  contract.check(method, path, {
    status: answer.status,
    headers: new Headers(Object.entries(answer.headers)),
    body: answer.body,
  });
}

/** The HTTP error envelope with one of `codes`, its request id matching the header. */
export function assertEnvelope(
  answer: Pick<UpgradeAnswer, "status" | "headers" | "body">,
  status: number | readonly number[],
  codes: string | readonly string[],
  secrets: readonly string[],
): Json {
  const statuses = typeof status === "number" ? [status] : status;
  assert.ok(
    statuses.includes(answer.status),
    `expected HTTP ${statuses.join("|")}, got ${answer.status}: ${answer.body.slice(0, 300)}`,
  );
  assertNoLeak(answer.body, secrets, `HTTP ${answer.status}`);
  let body: Json;
  try {
    body = JSON.parse(answer.body) as Json;
  } catch {
    assert.fail(`HTTP ${answer.status} is not the JSON envelope: ${answer.body.slice(0, 200)}`);
  }
  assert.deepEqual(Object.keys(body).sort(), ["error_code", "message", "request_id"]);
  const allowed = typeof codes === "string" ? [codes] : codes;
  assert.ok(
    allowed.includes(String(body.error_code)),
    `expected error_code ${allowed.join("|")}, got ${String(body.error_code)} (${String(body.message)})`,
  );
  assert.equal(body.request_id, answer.headers["x-request-id"], "request_id matches x-request-id");
  return body;
}

/** The text frames received and not read yet, parsed. */
export function texts(socket: RawSocket): Json[] {
  return socket.texts(true);
}

/** The next text frame, parsed as JSON (fails on a binary or non-JSON frame). */
export async function nextJson(socket: RawSocket, timeoutMs: number, what: string): Promise<Json> {
  const frame = await socket.next(timeoutMs, what);
  assert.equal(frame.opcode, Opcode.text, `${what}: expected a text frame`);
  const text = frame.payload.toString("utf8");
  try {
    return JSON.parse(text) as Json;
  } catch {
    assert.fail(`${what}: not JSON: ${text.slice(0, 200)}`);
  }
}

/**
 * The socket closes with `code` (and `reason` when given) within `timeoutMs`, after exactly
 * the error frames `errors` (their `code`s, in order; `[]` for none). Frames `ignore`d
 * (heartbeats) are skipped.
 */
export async function assertClosed(
  socket: RawSocket,
  expected: { code: number; reason?: string; errors?: readonly string[]; timeoutMs?: number },
  secrets: readonly string[],
  ignore: (frame: Json) => boolean = () => false,
): Promise<Json[]> {
  const closed = await socket.closed(expected.timeoutMs ?? 15_000);
  const frames = texts(socket).filter((f) => !ignore(f));
  for (const frame of frames) assertNoLeak(JSON.stringify(frame), secrets, "frame");
  assert.equal(
    closed.code,
    expected.code,
    `expected close ${expected.code}, got ${closed.code} ${closed.reason} after ${JSON.stringify(frames).slice(0, 300)}`,
  );
  if (expected.reason !== undefined) assert.equal(closed.reason, expected.reason);
  if (expected.errors) {
    assert.deepEqual(
      frames.map((f) => (f.type === "error" ? String(f.code) : `<${String(f.type)}>`)),
      [...expected.errors],
      `frames before close ${expected.code}`,
    );
  }
  return frames;
}

/** Nothing arrives (except `ignore`d frames) and the socket stays open for `ms`. */
export async function assertSilent(
  socket: RawSocket,
  ms: number,
  ignore: (frame: Json) => boolean = () => false,
): Promise<void> {
  const before = texts(socket).filter((f) => !ignore(f)).length;
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = texts(socket).filter((f) => !ignore(f));
  assert.equal(
    after.length,
    before,
    `expected silence, got ${JSON.stringify(after.slice(before)).slice(0, 300)}`,
  );
  assert.ok(!socket.isClosed, "expected the socket to stay open");
}

/** Waits for the next frame (skipping `ignore`d ones) and checks it is an error with `code`. */
export async function nextError(
  socket: RawSocket,
  code: string,
  what: string,
  ignore: (frame: Json) => boolean = () => false,
  timeoutMs = 15_000,
): Promise<Json> {
  for (;;) {
    const frame = await nextJson(socket, timeoutMs, what);
    if (ignore(frame)) continue;
    assert.equal(
      frame.type,
      "error",
      `${what}: expected an error frame, got ${JSON.stringify(frame).slice(0, 200)}`,
    );
    assert.equal(
      frame.code,
      code,
      `${what}: error ${String(frame.code)} (${String(frame.message)})`,
    );
    return frame;
  }
}

/** Retries `check` until it returns true or the time is up. */
export async function eventually(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs `fn` over `items`, at most `limit` at a time (independent requests, sent together). */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
