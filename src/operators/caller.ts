/** Who is on the other end of an operator connection. Pure type, shared by the handshake and methods. */
import type { Scope } from "./scopes.ts";

/** Who is calling: fixed at `connect`, kept in the socket attachment. */
export interface Caller {
  connId: string;
  /** The operator token's id, or `null` for the deployment's `ADMIN_TOKEN`. */
  tokenId: string | null;
  /** A human name for records such as `resolvedBy` (the token's name, or `admin`). */
  label: string;
  scopes: readonly Scope[];
  clientId: string;
  clientMode: string;
  deviceId: string | null;
  /** The negotiated protocol version (3 or 4). */
  protocol: number;
}
