/**
 * What the console knows live, in one place: the connection state, the granted scopes and
 * features, presence, the bots, live and recent matches and channels. Filled from the
 * `hello-ok` snapshot and the list methods on every (re)connect, then kept current by
 * events (`presence`, `botgate.match`), never by polling. Pages subscribe to it.
 */
import {
  type ConnectionState,
  type GatewayEvent,
  type HelloOk,
  OperatorConnection,
} from "./gateway.ts";
import {
  applyPresence,
  type PresenceMap,
  type PresencePayload,
  presenceFromSnapshot,
} from "./presence.ts";

export interface BotSummary {
  id: string;
  name: string;
  owner: string;
  kind: string;
  active: boolean;
  online: boolean;
}

export interface SeatView {
  seat: number;
  participantId: string;
  botId: string;
  name?: string;
  place?: number | null;
  netChips?: number | null;
}

export interface MatchView {
  matchId: string;
  status: string;
  source: string;
  rated: boolean;
  createdAt: string;
  endedAt: string | null;
  handsPlayed: number | null;
  seats: SeatView[];
}

export interface ChannelSummary {
  name: string;
  visibility: string;
  topic: string;
  members: number;
}

export interface LiveState {
  connection: ConnectionState;
  hello: HelloOk | null;
  presence: PresenceMap;
  bots: ReadonlyMap<string, BotSummary>;
  liveMatches: MatchView[];
  recentMatches: MatchView[];
  channels: ChannelSummary[];
  /** Counters of the `status` method (pending approvals, sleds online …). */
  status: Record<string, unknown>;
  /** Set each time a fresh snapshot has been loaded (pages reload their own data on it). */
  generation: number;
}

type Listener = (state: LiveState) => void;
type EventListener = (event: GatewayEvent) => void;

const RECENT = 10;

export class Live {
  private state: LiveState = {
    connection: { phase: "connecting", attempt: 0 },
    hello: null,
    presence: new Map(),
    bots: new Map(),
    liveMatches: [],
    recentMatches: [],
    channels: [],
    status: {},
    generation: 0,
  };
  private listeners = new Set<Listener>();
  private eventListeners = new Set<EventListener>();
  readonly connection: OperatorConnection;

  constructor(url: string, token: string) {
    this.connection = new OperatorConnection({
      url,
      token,
      onHello: (hello) => this.onHello(hello),
      onEvent: (event) => this.onEvent(event),
      onState: (connection) => this.set({ connection }),
    });
  }

  get current(): LiveState {
    return this.state;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every event after the handshake, for pages with their own live data (approvals, chat). */
  onGatewayEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  can(method: string): boolean {
    return this.state.hello?.features.methods.includes(method) ?? false;
  }

  request<T>(method: string, params: unknown = {}): Promise<T> {
    return this.connection.request<T>(method, params);
  }

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }

  private onHello(hello: HelloOk): void {
    this.set({ hello, presence: presenceFromSnapshot(hello.snapshot.presence) });
    void this.reload();
  }

  /** Everything the snapshot does not carry, read back through the list methods. */
  private async reload(): Promise<void> {
    try {
      const [bots, live, recent, channels, status] = await Promise.all([
        this.request<{ bots: BotSummary[] }>("botgate.bots.list"),
        this.request<{ matches: MatchView[] }>("botgate.matches.list", { status: "live" }),
        this.request<{ matches: MatchView[] }>("botgate.matches.list", {
          status: "recent",
          limit: RECENT,
        }),
        this.can("botgate.channels.list")
          ? this.request<{ channels: ChannelSummary[] }>("botgate.channels.list")
          : Promise.resolve({ channels: [] }),
        this.request<Record<string, unknown>>("status"),
      ]);
      this.set({
        bots: new Map(bots.bots.map((bot) => [bot.id, bot])),
        liveMatches: live.matches,
        recentMatches: recent.matches,
        channels: channels.channels,
        status,
        generation: this.state.generation + 1,
      });
    } catch {
      // Offline mid-reload: the next hello-ok reloads everything.
    }
  }

  private onEvent(event: GatewayEvent): void {
    if (event.event === "presence") {
      this.onPresence(event.payload as PresencePayload);
    } else if (event.event === "botgate.match") {
      void this.reloadMatches();
    } else if (event.event.startsWith("exec.approval.")) {
      void this.reloadStatus();
    }
    for (const listener of this.eventListeners) listener(event);
  }

  private onPresence(payload: PresencePayload): void {
    const presence = applyPresence(this.state.presence, payload);
    this.set({ presence });
    const unknownBot = (payload.added ?? []).some(
      (entry) =>
        entry.instanceId?.startsWith("bot:") && !this.state.bots.has(entry.instanceId.slice(4)),
    );
    if (unknownBot) void this.reloadBots();
  }

  private async reloadBots(): Promise<void> {
    try {
      const { bots } = await this.request<{ bots: BotSummary[] }>("botgate.bots.list");
      this.set({ bots: new Map(bots.map((bot) => [bot.id, bot])) });
    } catch {
      // reloaded on the next hello-ok
    }
  }

  /** The counters (pending approvals among them) after an approval came or went. */
  private async reloadStatus(): Promise<void> {
    try {
      this.set({ status: await this.request<Record<string, unknown>>("status") });
    } catch {
      // reloaded on the next hello-ok
    }
  }

  private async reloadMatches(): Promise<void> {
    try {
      const [live, recent] = await Promise.all([
        this.request<{ matches: MatchView[] }>("botgate.matches.list", { status: "live" }),
        this.request<{ matches: MatchView[] }>("botgate.matches.list", {
          status: "recent",
          limit: RECENT,
        }),
      ]);
      this.set({ liveMatches: live.matches, recentMatches: recent.matches });
    } catch {
      // reloaded on the next hello-ok
    }
  }
}
