/**
 * The exact strings agents sign (agent channels §3). Kept free of imports so Node test
 * agents and benchmarks sign with the very same code the server verifies against.
 */

/** Signed in the handshake: binds the proof to one endpoint and one socket's nonce. */
export function authSignedString(endpointPath: string, nonce: string): string {
  return `botgate-auth-v1\n${endpointPath}\n${nonce}`;
}

/** Signed at registration: proves possession of the key being enrolled. */
export function registerSignedString(user: string, machine: string, pubkey: string): string {
  return `botgate-register-v1\n${user}\n${machine}\n${pubkey}`;
}

/** Signed on an HTTP request by an agent (discovery): method, path and a millisecond time. */
export function httpSignedString(method: string, path: string, timestampMs: string): string {
  return `botgate-http-v1\n${method}\n${path}\n${timestampMs}`;
}
