/**
 * The `connect` request, decided (operator gateway §3): protocol version, role, the
 * credential, the device proof and the granted scopes. Plain logic over injected lookups
 * (the token table, the clock), so every refusal is unit-tested without a runtime.
 */
import {
  type ConnectParams,
  CURRENT_PROTOCOL,
  type ErrorShape,
  OperatorClose,
  PROTOCOLS,
} from "../protocol/operator-frames.ts";
import type { Caller } from "./caller.ts";
import { DEVICE_FAILURE_MESSAGES, verifyDevice } from "./device-auth.ts";
import { grantScopes, OPERATOR_ROLE, SCOPES, type Scope } from "./scopes.ts";

/** What the handshake looks up. */
export interface HandshakeDeps {
  /** The deployment's `ADMIN_TOKEN` (every scope). */
  adminToken: string | undefined;
  /** `OPERATOR_REQUIRE_DEVICE`: refuse a `connect` without a device identity. */
  requireDevice: boolean;
  /** An operator token's id, name and allowed scopes, or `null`. */
  verifyToken(token: string): Promise<{ id: string; name: string; scopes: Scope[] } | null>;
  /** Constant-time equality of two secrets. */
  secretEquals(a: string, b: string): Promise<boolean>;
  now(): number;
}

export type HandshakeResult =
  | { ok: true; protocol: number; caller: Omit<Caller, "connId"> }
  | {
      ok: false;
      error: ErrorShape;
      close: number;
      /** A wrong credential or device proof: counted against the client address. */
      authFailure: boolean;
    };

function refuse(
  code: string,
  message: string,
  options: { close?: number; authFailure?: boolean; details?: Record<string, unknown> } = {},
): HandshakeResult {
  return {
    ok: false,
    error: { code: "INVALID_REQUEST", message, details: { code, ...options.details } },
    close: options.close ?? OperatorClose.policy,
    authFailure: options.authFailure ?? false,
  };
}

/** The highest version both sides speak, or `null` (botgate: 4 or 3). */
export function negotiateProtocol(min: number, max: number): number | null {
  return PROTOCOLS.find((p) => min <= p && p <= max) ?? null;
}

/**
 * Decides a `connect` on the socket whose challenge nonce is `nonce`. The credential is
 * `auth.token`, or `auth.password` (the reference gateway accepts the shared secret in
 * either field).
 */
export async function decideConnect(
  params: ConnectParams,
  nonce: string,
  deps: HandshakeDeps,
): Promise<HandshakeResult> {
  const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol);
  if (protocol === null) {
    return refuse("PROTOCOL_MISMATCH", "protocol mismatch", {
      close: OperatorClose.protocolMismatch,
      details: { expectedProtocol: CURRENT_PROTOCOL },
    });
  }
  const role = params.role ?? OPERATOR_ROLE;
  if (role !== OPERATOR_ROLE) {
    return refuse("ROLE_NOT_SUPPORTED", `unsupported role: ${role.slice(0, 32)}`);
  }
  const presented = params.auth?.token || params.auth?.password || "";
  if (presented === "") {
    return refuse("AUTH_TOKEN_MISSING", "unauthorized: gateway token missing", {
      authFailure: true,
    });
  }
  const credential = await resolveCredential(presented, deps);
  if (!credential) {
    return refuse("AUTH_TOKEN_MISMATCH", "unauthorized: gateway token mismatch", {
      authFailure: true,
    });
  }
  let deviceId: string | null = null;
  if (params.device) {
    const failure = await verifyDevice(
      params.device,
      {
        clientId: params.client.id,
        clientMode: params.client.mode,
        role,
        scopes: params.scopes ?? [],
        token: params.auth?.token ?? "",
        platform: params.client.platform,
        deviceFamily: params.client.deviceFamily,
      },
      nonce,
      deps.now(),
    );
    if (failure) {
      return refuse(failure, DEVICE_FAILURE_MESSAGES[failure], { authFailure: true });
    }
    deviceId = params.device.id;
  } else if (deps.requireDevice) {
    return refuse("DEVICE_IDENTITY_REQUIRED", "device identity required");
  }
  return {
    ok: true,
    protocol,
    caller: {
      tokenId: credential.tokenId,
      label: credential.label,
      scopes: grantScopes(params.scopes, credential.scopes),
      clientId: params.client.id,
      clientMode: params.client.mode,
      deviceId,
      protocol,
    },
  };
}

async function resolveCredential(
  presented: string,
  deps: HandshakeDeps,
): Promise<{ tokenId: string | null; label: string; scopes: readonly Scope[] } | null> {
  if (deps.adminToken && (await deps.secretEquals(presented, deps.adminToken))) {
    return { tokenId: null, label: "admin", scopes: SCOPES };
  }
  const token = await deps.verifyToken(presented);
  return token ? { tokenId: token.id, label: token.name, scopes: token.scopes } : null;
}
