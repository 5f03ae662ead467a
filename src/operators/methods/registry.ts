/**
 * The hub's plug-in point. A method group (one file in this folder) declares its methods
 * (name, scope, params schema, handler), the events it emits (name and scope), optionally
 * the presence it owns (how to rebuild it from D1 and the objects) and the counters it adds
 * to `status`. `index.ts` lists the groups; the hub core never names a method.
 *
 * `hello-ok.features` lists exactly the methods and events a connection's scopes allow,
 * every call is checked against its method's scope, and every event is fanned out only to
 * sockets holding the event's scope.
 */
import type * as v from "valibot";
import { strict } from "../../protocol/operator-frames.ts";
import type { Caller } from "../caller.ts";
import type { PresenceEntry, PresenceFields } from "../hub-types.ts";
import { holds, type Scope } from "../scopes.ts";

/** The two monotonic counters of the snapshot (`stateVersion`). */
export interface StateVersion {
  presence: number;
  health: number;
}

/** What a method may read from, or ask of, the hub it runs in. */
export interface HubAccess {
  /** Every live thing, as `system-presence` returns it. */
  presence(): PresenceEntry[];
  /** How many live things have this `instanceId` prefix (`bot:`, `agent:`, `sled:` …). */
  presenceCount(prefix: string): number;
  /** Whether this live thing is present. */
  isPresent(instanceId: string): boolean;
  stateVersion(): StateVersion;
  /** Milliseconds since the hub's state was (re)built. */
  uptimeMs(): number;
  /** This connection receives events published on `topic` from now on (e.g. `chat:<name>`). */
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
  /** The topics this connection is subscribed to. */
  topics(): readonly string[];
  /** Connected operator sockets, and the hub's intake counters. */
  stats(): { operators: number; reportCalls: number; reportedChanges: number };
}

export interface MethodContext {
  env: Env;
  caller: Caller;
  hub: HubAccess;
  /** Every group (for methods that aggregate over them, such as `status`). */
  registry: MethodRegistry;
}

/** One method: what it is called, who may call it, what it takes and what it does. */
export interface MethodDef<P = unknown> {
  name: string;
  scope: Scope;
  /** Validates `req.params` (absent params are validated as `{}`). */
  params: v.GenericSchema<unknown, P>;
  /** The result (`res.payload`); throw `MethodError` for a documented failure. */
  handler(params: P, ctx: MethodContext): Promise<unknown> | unknown;
}

/** One event: who may receive it (`null`: every connection, like `tick`). */
export interface EventDef {
  name: string;
  scope: Scope | null;
}

/** How the hub rebuilds the presence a group owns (after a restart, and periodically). */
export interface PresenceSource {
  /** The `instanceId` prefix of every entry this source owns, e.g. `bot:`. */
  prefix: string;
  /** Every live entry of this kind right now, read from D1 and the objects. */
  list(env: Env): Promise<Array<{ instanceId: string; facet?: string; entry: PresenceFields }>>;
}

export interface MethodGroup {
  name: string;
  methods: MethodDef[];
  events?: EventDef[];
  presence?: PresenceSource;
  /** Counters merged into the `status` result. */
  status?(ctx: MethodContext): Promise<Record<string, number>>;
  /** Entries merged into `agents.list` (official `AgentSummary` objects, e.g. sleds). */
  agents?(ctx: MethodContext): Promise<Array<{ id: string; name?: string; kind?: "agent" }>>;
}

/** The error codes methods answer with (operator gateway §2). */
export type MethodErrorCode = "INVALID_REQUEST" | "FORBIDDEN" | "UNAVAILABLE" | "AGENT_TIMEOUT";

/** A documented failure of a method, sent as `res` `ok:false` with these fields. */
export class MethodError extends Error {
  constructor(
    readonly code: MethodErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly retry?: { retryAfterMs: number },
  ) {
    super(message);
    this.name = "MethodError";
  }
}

/** `INVALID_REQUEST` with a `details.code` for a thing that does not exist (ours). */
export function notFound(code: string, message: string): MethodError {
  return new MethodError("INVALID_REQUEST", message, { code });
}

/** `UNAVAILABLE`, retryable: a backing object or D1 could not be reached. */
export function unavailable(message: string, retryAfterMs = 1000): MethodError {
  return new MethodError("UNAVAILABLE", message, undefined, { retryAfterMs });
}

/** Declares a method with its params type checked where it is written. */
export function defineMethod<P>(def: MethodDef<P>): MethodDef {
  return def as MethodDef;
}

/** Params of a method that takes none: `{}` (or no params at all). */
export const NoParams = strict({});

/** The merged catalogue of every group. */
export class MethodRegistry {
  readonly #methods = new Map<string, MethodDef>();
  readonly #events = new Map<string, EventDef>();
  readonly groups: readonly MethodGroup[];

  constructor(groups: readonly MethodGroup[]) {
    this.groups = groups;
    for (const group of groups) {
      for (const method of group.methods) {
        if (this.#methods.has(method.name)) throw new Error(`method ${method.name} twice`);
        this.#methods.set(method.name, method);
      }
      for (const event of group.events ?? []) {
        if (this.#events.has(event.name)) throw new Error(`event ${event.name} twice`);
        this.#events.set(event.name, event);
      }
    }
  }

  method(name: string): MethodDef | undefined {
    return this.#methods.get(name);
  }

  /** The scope an event needs; `undefined` for an event nobody declared (never sent). */
  eventScope(name: string): Scope | null | undefined {
    return this.#events.get(name)?.scope;
  }

  /** `hello-ok.features`: exactly the methods and events these scopes allow. */
  features(scopes: readonly Scope[]): { methods: string[]; events: string[] } {
    return {
      methods: [...this.#methods.values()].filter((m) => holds(scopes, m.scope)).map((m) => m.name),
      events: [...this.#events.values()].filter((e) => holds(scopes, e.scope)).map((e) => e.name),
    };
  }

  presenceSources(): PresenceSource[] {
    return this.groups.flatMap((group) => (group.presence ? [group.presence] : []));
  }
}
