/**
 * Operator clients for tests and benchmarks: the real `@openclaw/gateway-client` (with or
 * without a device identity, signing through its own payload builders), a raw `ws` client
 * that records every frame the server sends, Ed25519 device identities from `node:crypto`,
 * and the official `protocol.schema.json` compiled with ajv to validate what botgate sends.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
} from "node:crypto";
import { readFileSync } from "node:fs";
import {
  buildDeviceAuthPayloadV3,
  type DeviceIdentity,
  GatewayClient,
  type GatewayClientHostDeps,
  type GatewayClientOptions,
} from "@openclaw/gateway-client";
import { Ajv, type ValidateFunction } from "ajv";
import type { Gateway } from "./gateway.ts";
import { HANG_MS } from "./until.ts";
import { type Frame, TestSocket } from "./ws-client.ts";

// ---- the official schema ----

const SCHEMA_ID = "https://openclaw.ai/protocol.schema.json";
let ajv: Ajv | null = null;
const validators = new Map<string, ValidateFunction>();

/** The ajv validator of one definition of `protocol.schema.json` (compiled once). */
export function officialSchema(definition: string): ValidateFunction {
  let validate = validators.get(definition);
  if (validate) return validate;
  if (!ajv) {
    // Shipped in the package but not an export: read it as a file.
    const file = new URL(
      "../../node_modules/@openclaw/gateway-protocol/protocol.schema.json",
      import.meta.url,
    );
    const schema = JSON.parse(readFileSync(file, "utf8"));
    // The root's OpenAPI-style `discriminator` is not JSON Schema: ignored (strict: false).
    ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addSchema(schema);
  }
  validate = ajv.getSchema(`${SCHEMA_ID}#/definitions/${definition}`);
  if (!validate) throw new Error(`protocol.schema.json has no definition ${definition}`);
  validators.set(definition, validate);
  return validate;
}

/** Throws with ajv's errors unless `value` is valid against `definition`. */
export function assertOfficial(definition: string, value: unknown, what = definition): void {
  const validate = officialSchema(definition);
  if (!validate(value)) {
    throw new Error(
      `${what} is not a valid ${definition}: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${JSON.stringify(value).slice(0, 600)}`,
    );
  }
}

// ---- device identity ----

/** A fresh Ed25519 device identity as the reference client stores one. */
export function newDeviceIdentity(): DeviceIdentity & { publicKeyRaw: string } {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const raw = rawPublicKey(publicKeyPem);
  return {
    deviceId: createHash("sha256").update(raw).digest("hex"),
    publicKeyPem,
    privateKeyPem,
    publicKeyRaw: raw.toString("base64url"),
  };
}

function rawPublicKey(publicKeyPem: string): Buffer {
  const jwk = createPublicKey(publicKeyPem).export({ format: "jwk" });
  return Buffer.from(String(jwk.x), "base64url");
}

/** Ed25519 signature of a UTF-8 payload, base64url (what the reference host dependency does). */
export function signDevicePayload(privateKeyPem: string, payload: string): string {
  return sign(null, Buffer.from(payload, "utf8"), createPrivateKey(privateKeyPem)).toString(
    "base64url",
  );
}

/** The host dependencies the reference client needs to sign with a device identity. */
export const deviceHostDeps: GatewayClientHostDeps = {
  signDevicePayload,
  publicKeyRawBase64UrlFromPem: (pem: string) => rawPublicKey(pem).toString("base64url"),
};

// ---- the real client ----

export interface RealClient {
  client: GatewayClient;
  hello: Record<string, unknown>;
  /** Every hello-ok, the first included (the client reconnects by itself after a drop). */
  hellos: Array<Record<string, unknown>>;
  /** For each hello-ok, how many events had arrived before it (its connection's come after). */
  helloAt: number[];
  /** Resolves with the `n`-th hello-ok (1-based). */
  nthHello(n: number, timeoutMs: number): Promise<Record<string, unknown>>;
  /** Every event frame received, in order. */
  events: Frame[];
  gaps: Array<{ expected: number; received: number }>;
  closes: Array<{ code: number; reason: string }>;
  /** The next event (after those already returned) matching `match`. */
  waitFor(match: (event: Frame) => boolean, timeoutMs: number, what: string): Promise<Frame>;
  request<T = unknown>(method: string, params?: unknown): Promise<T>;
  /** The first close of the socket (the client may reconnect after it). */
  closed(timeoutMs: number): Promise<{ code: number; reason: string }>;
  stop(): Promise<void>;
}

/**
 * Connects `@openclaw/gateway-client` to the gateway's `/ws/operator` and waits for
 * `hello-ok` (or rejects with the connect error).
 */
export async function connectRealClient(
  gateway: Gateway,
  options: Partial<GatewayClientOptions> & { token: string; device?: DeviceIdentity | null },
): Promise<RealClient> {
  const events: Frame[] = [];
  const gaps: RealClient["gaps"] = [];
  const closes: RealClient["closes"] = [];
  let wake: (() => void) | null = null;
  const { device, ...rest } = options;
  const hello = Promise.withResolvers<Record<string, unknown>>();
  const hellos: Array<Record<string, unknown>> = [];
  const helloAt: number[] = [];
  const client = new GatewayClient({
    url: gateway.wsUrl("/ws/operator"),
    clientName: "cli",
    mode: "cli",
    clientVersion: "1.0.0",
    platform: "linux",
    deviceIdentity: device ?? null,
    ...(device ? { hostDeps: deviceHostDeps } : {}),
    ...rest,
    onHelloOk: (h) => {
      hellos.push(h as unknown as Record<string, unknown>);
      helloAt.push(events.length);
      hello.resolve(h as unknown as Record<string, unknown>);
      wake?.();
    },
    onConnectError: (err) => hello.reject(err),
    onEvent: (event) => {
      events.push(event as unknown as Frame);
      wake?.();
    },
    onGap: (gap) => gaps.push(gap),
    onClose: (code, reason) => {
      closes.push({ code, reason });
      wake?.();
    },
  });
  client.start();
  const timer = setTimeout(
    () => hello.reject(new Error(`no hello-ok within ${HANG_MS} ms`)),
    HANG_MS,
  );
  let helloOk: Record<string, unknown>;
  try {
    helloOk = await hello.promise;
  } catch (err) {
    client.stop();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  let cursor = 0;
  const until = async (ready: () => boolean, timeoutMs: number, what: string) => {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(t);
          wake = null;
          resolve();
        };
      });
    }
  };
  return {
    client,
    hello: helloOk,
    hellos,
    helloAt,
    async nthHello(n, timeoutMs) {
      await until(() => hellos.length >= n, timeoutMs, `hello-ok #${n}`);
      return hellos[n - 1] as Record<string, unknown>;
    },
    events,
    gaps,
    closes,
    async waitFor(match, timeoutMs, what) {
      let found: Frame | null = null;
      await until(
        () => {
          while (found === null && cursor < events.length) {
            const event = events[cursor] as Frame;
            cursor += 1;
            if (match(event)) found = event;
          }
          return found !== null;
        },
        timeoutMs,
        what,
      );
      return found as unknown as Frame;
    },
    request: (method, params) => client.request(method, params ?? {}) as never,
    async closed(timeoutMs) {
      await until(() => closes.length > 0, timeoutMs, "the socket to close");
      return closes[0] as { code: number; reason: string };
    },
    stop: () => client.stopAndWait({ timeoutMs: 2000 }),
  };
}

// ---- the raw client ----

/** `connect` params of a well-behaved client (override any part). */
export function connectParams(
  token: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "cli", version: "1.0.0", platform: "linux", mode: "cli" },
    role: "operator",
    scopes: ["operator.admin"],
    caps: [],
    auth: { token },
    ...overrides,
  };
}

/** The `device` block for `params`, signed over this socket's nonce with the v3 string. */
export function signedDevice(
  identity: DeviceIdentity & { publicKeyRaw: string },
  params: Record<string, unknown>,
  nonce: string,
  signedAt: number,
  payload: (
    fields: Parameters<typeof buildDeviceAuthPayloadV3>[0],
  ) => string = buildDeviceAuthPayloadV3,
): Record<string, unknown> {
  const client = params.client as {
    id: string;
    mode: string;
    platform?: string;
    deviceFamily?: string;
  };
  const auth = params.auth as { token?: string } | undefined;
  const text = payload({
    deviceId: identity.deviceId,
    clientId: client.id,
    clientMode: client.mode,
    role: String(params.role ?? "operator"),
    scopes: (params.scopes as string[] | undefined) ?? [],
    signedAtMs: signedAt,
    token: auth?.token ?? null,
    nonce,
    ...(client.platform === undefined ? {} : { platform: client.platform }),
    ...(client.deviceFamily === undefined ? {} : { deviceFamily: client.deviceFamily }),
  });
  return {
    id: identity.deviceId,
    publicKey: identity.publicKeyRaw,
    signature: signDevicePayload(identity.privateKeyPem, text),
    signedAt,
    nonce,
  };
}

/** A raw socket on `/ws/operator` with the challenge already read. */
export async function openRaw(
  gateway: Gateway,
  headers: Record<string, string> = {},
): Promise<{ socket: TestSocket; nonce: string; ts: number }> {
  const socket = await TestSocket.open(gateway.wsUrl("/ws/operator"), { headers });
  const challenge = await socket.next(HANG_MS, "connect.challenge");
  const payload = challenge.payload as { nonce: string; ts: number };
  if (challenge.event !== "connect.challenge")
    throw new Error(`not a challenge: ${JSON.stringify(challenge)}`);
  return { socket, nonce: payload.nonce, ts: payload.ts };
}

/** Opens a raw socket and completes `connect`; returns the socket and the `res` to it. */
export async function connectRaw(
  gateway: Gateway,
  token: string,
  overrides: Record<string, unknown> = {},
  options: {
    device?: DeviceIdentity & { publicKeyRaw: string };
    headers?: Record<string, string>;
  } = {},
): Promise<{ socket: TestSocket; res: Frame; nonce: string }> {
  const { socket, nonce, ts } = await openRaw(gateway, options.headers);
  const params = connectParams(token, overrides);
  if (options.device) params.device = signedDevice(options.device, params, nonce, ts);
  socket.send({ type: "req", id: "c1", method: "connect", params });
  const res = await socket.next(HANG_MS, "the connect response");
  return { socket, res, nonce };
}

/** Sends a request and waits for the `res` with its id (events in between are kept). */
export async function rawRequest(
  socket: TestSocket,
  id: string,
  method: string,
  params?: unknown,
  timeoutMs = HANG_MS,
): Promise<Frame> {
  socket.send({ type: "req", id, method, ...(params === undefined ? {} : { params }) });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = await socket.next(Math.max(1, deadline - Date.now()), `the res of ${method}`);
    if (frame.type === "res" && frame.id === id) return frame;
  }
}
