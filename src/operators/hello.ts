/**
 * The `hello-ok` payload (schema `HelloOk`): protocol, server, exactly the features the
 * granted scopes allow, the snapshot, the auth and the policy. On a protocol-3 connection it
 * also carries `connId` at the top level (the framing leniency).
 */
import type { Caller } from "./caller.ts";
import { MAX_BUFFERED } from "./fanout.ts";
import type { Health } from "./health.ts";
import type { PresenceEntry } from "./hub-types.ts";
import { MAX_PAYLOAD } from "./intake.ts";
import type { MethodRegistry, StateVersion } from "./methods/registry.ts";
import { SERVER_VERSION } from "./methods/system.ts";
import { OPERATOR_ROLE } from "./scopes.ts";

export function helloOk(input: {
  caller: Caller;
  registry: MethodRegistry;
  presence: PresenceEntry[];
  health: Health;
  stateVersion: StateVersion;
  uptimeMs: number;
  tickIntervalMs: number;
}): Record<string, unknown> {
  const { caller } = input;
  return {
    type: "hello-ok",
    protocol: caller.protocol,
    server: { version: SERVER_VERSION, connId: caller.connId },
    features: input.registry.features(caller.scopes),
    snapshot: {
      presence: input.presence,
      health: input.health,
      stateVersion: input.stateVersion,
      uptimeMs: input.uptimeMs,
    },
    auth: { role: OPERATOR_ROLE, scopes: [...caller.scopes] },
    policy: {
      maxPayload: MAX_PAYLOAD,
      maxBufferedBytes: MAX_BUFFERED,
      tickIntervalMs: input.tickIntervalMs,
    },
    ...(caller.protocol === 3 ? { connId: caller.connId } : {}),
  };
}
