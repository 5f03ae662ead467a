/**
 * The challenge–response handshake of an agent socket (agent channels §3): `hello` →
 * `challenge` with a nonce bound to this socket → `auth` with the machine key's signature
 * over the socket's own endpoint path and that nonce → admitted (live) or closed. Shared by
 * channels and inboxes through `AgentSocketObject`, which hands it the hooks of its kind.
 */
import { serverAdmins } from "../agents/config";
import { toBase64Url } from "../agents/ed25519";
import { recordMachineObject } from "../agents/registry";
import { authSignedString } from "../agents/signed-strings";
import { log } from "../lib/log";
import { type Auth, CloseCode, type ErrorFrame, type Hello } from "../protocol/channel-frames";
import type { AgentSockets, LiveSocket } from "./agent-sockets";
import type { SocketConfig } from "./config";
import type { Attachment, HelloRequest, Identity } from "./connection";
import type { MachineGuard } from "./machine-guard";
import type { Schedule } from "./schedule";

/** The verdict of a subclass on an authenticated socket, taken synchronously at establish. */
export type Admission =
  | { ok: true; admin: boolean }
  | { ok: false; close: CloseCode; code: ErrorFrame["code"]; message: string };

/** What the handshake needs of the object it runs in. */
export interface HandshakeHost {
  /** What the object is in the machine registry. */
  readonly kind: "channel" | "inbox";
  /** The object's name (channel name or inbox path). */
  readonly name: string;
  readonly env: Env;
  readonly config: SocketConfig;
  readonly sockets: AgentSockets;
  readonly machines: MachineGuard;
  schedule(): Schedule;
  /** Work that needs awaits before admission (e.g. hashing an invite). */
  prepare(identity: Identity, hello: HelloRequest): Promise<void>;
  /** Whether an authenticated socket may join. Synchronous: nothing can change in between. */
  admit(identity: Identity, hello: HelloRequest): Admission;
  /** The socket is live: send `established`, replay, and anything else the kind needs. */
  onEstablished(socket: LiveSocket, hello: HelloRequest): void;
}

export class AgentHandshake {
  readonly #h: HandshakeHost;

  constructor(host: HandshakeHost) {
    this.#h = host;
  }

  /** `hello`: keeps what it asked for and sends the challenge bound to this socket. */
  hello(ws: WebSocket, attachment: Attachment, hello: Hello): void {
    attachment.phase = "challenged";
    attachment.nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
    attachment.hello = {
      session: hello.session,
      sinceSeq: hello.since_seq ?? null,
      invite: hello.invite ?? null,
      echo: hello.echo ?? false,
    };
    this.#h.sockets.write(ws, attachment);
    this.#h.sockets.send(ws, {
      type: "challenge",
      nonce: attachment.nonce,
      server_id: this.#h.config.serverId,
    });
  }

  /**
   * Verifies the signature over this socket's own endpoint path and nonce, then admits the
   * socket. Every await re-checks that the socket is still the one being verified (it may
   * have closed, or been revoked, while the input gate was open).
   */
  async auth(ws: WebSocket, attachment: Attachment, auth: Auth): Promise<void> {
    const { nonce, hello } = attachment;
    if (nonce === null || hello === null) return;
    attachment.phase = "verifying";
    this.#h.sockets.write(ws, attachment);
    const fail = () => {
      log("warn", "agent_auth_failed", {
        object: this.#h.kind,
        user: auth.user,
        machine: auth.machine,
      });
      this.#h.sockets.drop(ws, CloseCode.authFailed, {
        code: "unauthorized",
        message: "Authentication failed",
      });
    };
    const key = await this.#h.machines.verifiedKey(
      this.#h.env.DB,
      auth,
      authSignedString(attachment.endpoint, nonce),
    );
    if (!this.#stillVerifying(ws, attachment.id)) return;
    if (!key) return fail();
    const serverAdmin = serverAdmins(this.#h.env).has(auth.user);
    const identity: Identity = {
      user: auth.user,
      machine: auth.machine,
      machineId: key.id,
      session: hello.session,
      path: `${auth.user}/${auth.machine}/${hello.session}`,
      admin: serverAdmin,
      serverAdmin,
    };
    await this.#h.prepare(identity, hello);
    // Record where this machine holds sockets before the socket goes live, so removing the
    // machine reaches this object (see recordMachineObject for the race it closes).
    if (!this.#h.machines.indexed(key.id)) {
      const exists = await recordMachineObject(this.#h.env.DB, key.id, {
        kind: this.#h.kind,
        name: this.#h.name,
      });
      if (!this.#stillVerifying(ws, attachment.id)) return;
      if (!exists) return fail();
      this.#h.machines.markIndexed(key.id);
    }
    // From here to the end everything is synchronous: no event can interleave.
    if (!this.#stillVerifying(ws, attachment.id)) return;
    // A machine removed while this handshake was in flight (its tombstone arrived here).
    if (this.#h.machines.isRevoked(key.id)) return fail();
    const admission = this.#h.admit(identity, hello);
    if (!admission.ok) {
      this.#h.sockets.drop(ws, admission.close, {
        code: admission.code,
        message: admission.message,
      });
      return;
    }
    identity.admin = admission.admin;
    this.#h.sockets.dropWhere((other) => other.path === identity.path, CloseCode.superseded, {
      code: "superseded",
      message: "A newer connection of this session path replaced this one",
    });
    const live: LiveSocket["attachment"] = {
      ...attachment,
      phase: "live",
      nonce: null,
      // The invite was redeemed (or not needed); it is not kept with the socket.
      hello: { ...hello, invite: null },
      identity,
      liveAt: Date.now(),
    };
    this.#h.sockets.goLive(ws, live);
    // The sweep was set for the handshake deadline; the heartbeat one may come first.
    this.#h
      .schedule()
      .atLatest("sweep", (live.liveAt ?? Date.now()) + this.#h.config.heartbeatTimeoutMs);
    this.#h.onEstablished({ ws, attachment: live }, hello);
  }

  #stillVerifying(ws: WebSocket, id: string): boolean {
    const current = this.#h.sockets.attachment(ws);
    return current?.id === id && current.phase === "verifying";
  }
}
