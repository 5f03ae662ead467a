/**
 * `MatchmakerObject`: one per queue (`nlhe-hu`), RPC only. Holds the FIFO queue with its TTLs
 * in SQLite and pairs eligible external bots into rated matches (bot protocol §8.1). TTL
 * expiry and pairing retries run on the alarm.
 */
import { DurableObject } from "cloudflare:workers";
import * as v from "valibot";
import { describeError, log } from "../lib/log";
import { lobbyConfig } from "./config";
import { dispatchEligibility, dispatchQueuedPair } from "./dispatch-paths";
import { MatchQueue, type PairingDeps, type QueueStatus } from "./queue";
import { Schedule } from "./schedule";

/** The one queue the HTTP routes use: heads-up No-Limit Hold'em. */
export const MATCHMAKING_QUEUE = "nlhe-hu";

/** `POST /matchmaking/join` (§8.1). `position` is null unless queued. */
export const JoinAnswerSchema = v.strictObject({
  status: v.picklist(["queued", "matched"]),
  position: v.nullable(v.number()),
  queue_ttl_seconds: v.number(),
  rated: v.literal(true),
});
export type JoinAnswer = v.InferOutput<typeof JoinAnswerSchema>;

/** `POST /matchmaking/leave`, idempotent. */
export const LeaveAnswerSchema = v.strictObject({ status: v.picklist(["left", "not_queued"]) });

export class MatchmakerObject extends DurableObject<Env> {
  readonly #schedule: Schedule;
  readonly #queue: MatchQueue;
  readonly #ttlSeconds: number;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = lobbyConfig(env);
    this.#ttlSeconds = config.queueTtlSeconds;
    this.#schedule = new Schedule(ctx.storage);
    this.#queue = new MatchQueue(ctx.storage.sql, this.#schedule, {
      ttlMs: config.queueTtlSeconds * 1000,
      retryMs: config.matchmakingRetryMs,
    });
  }

  /**
   * Queues a bot and runs a pairing pass. A repeated join changes nothing and answers the
   * current queued status.
   */
  async join(botId: string, tokenId: string): Promise<JoinAnswer> {
    this.#queue.expire(Date.now());
    let matched = false;
    if (this.#queue.join(botId, tokenId, Date.now())) {
      matched = (await this.#pair()).has(botId);
    }
    await this.#schedule.arm();
    return {
      status: matched ? "matched" : "queued",
      position: matched ? null : this.#queue.position(botId),
      queue_ttl_seconds: this.#ttlSeconds,
      rated: true,
    };
  }

  /** `GET /matchmaking/status`: queued with position, idle, or timed_out (reported once). */
  async status(botId: string): Promise<QueueStatus> {
    const now = Date.now();
    this.#queue.expire(now);
    const status = this.#queue.status(botId, now);
    await this.#schedule.arm();
    return status;
  }

  /** `POST /matchmaking/leave`, idempotent. */
  async leave(botId: string): Promise<v.InferOutput<typeof LeaveAnswerSchema>> {
    this.#queue.expire(Date.now());
    const left = this.#queue.leave(botId);
    await this.#schedule.arm();
    return { status: left ? "left" : "not_queued" };
  }

  /** TTL expiry, then a pairing retry when one is due. Idempotent. */
  override async alarm(): Promise<void> {
    try {
      const now = Date.now();
      this.#queue.expire(now);
      if (this.#queue.retryDue(now)) await this.#pair();
    } catch (err) {
      log("error", "matchmaker_alarm_failed", { error: describeError(err) });
    }
    await this.#schedule.arm();
  }

  /**
   * One pairing pass with every other event held back: joins, leaves and the alarm wait, so
   * two passes never examine the same entries (the checks and the dispatch are
   * cross-object awaits, during which the input gate would otherwise open).
   */
  #pair(): Promise<Set<string>> {
    const env = this.env;
    const deps: PairingDeps = {
      eligibility: (entry) => dispatchEligibility(env, entry.botId, entry.tokenId),
      dispatch: async (first, second) => {
        await dispatchQueuedPair(env, first, second);
      },
    };
    return this.ctx.blockConcurrencyWhile(() => this.#queue.pair(deps));
  }
}
