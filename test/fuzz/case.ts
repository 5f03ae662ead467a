/**
 * The shape of the case catalogue. A `Group` is one entry point aimed at one object: its
 * fixed cases (each with the input and the documented outcome), its seeded families (a
 * generator of inputs with a table from input class to documented outcome), the stored
 * data it may change (nothing, unless said), and the legitimate flow that must complete on
 * the same object afterwards.
 */
import type { Rng } from "./rng.ts";
import type { ObjectRef } from "./snapshot.ts";
import type { World } from "./world.ts";

/** What a case gets to run with. */
export interface CaseContext<S> {
  world: World;
  state: S;
  rng: Rng;
}

/** One hostile input with its documented outcome. */
export interface FixedCase<S> {
  id: string;
  /** What is sent, in words. */
  input: string;
  /** The documented answer. */
  expected: string;
  run(ctx: CaseContext<S>): Promise<void>;
}

/** A seeded family: `count` generated inputs, each checked against the outcome table. */
export interface Family<S> {
  id: string;
  input: string;
  /** Input class → documented answer, for the catalogue. */
  outcomes: Record<string, string>;
  /** Runs `count` generated inputs; returns how many ran (each one a case). */
  run(
    ctx: CaseContext<S>,
    count: number,
    record: (label: string, error: unknown) => void,
  ): Promise<number>;
}

export interface Group<S> {
  /** Short id, used in case ids and the report. */
  id: string;
  /** The entry point, as the documents name it. */
  entry: string;
  /** Where the expected outcomes are documented. */
  ref: string;
  /** The object under attack, which the legitimate flow then uses. */
  target: string;
  /** The legitimate flow, in words. */
  legitFlow: string;
  setup(world: World, rng: Rng): Promise<S>;
  /** Durable Objects whose stored data is snapshotted (D1 always is). */
  objects(state: S): ObjectRef[];
  cases: FixedCase<S>[];
  families: Family<S>[];
  /**
   * The snapshot differences the hostile traffic was allowed to cause (documented effects
   * of inputs that were accepted); returns the differences left unexplained.
   */
  explain?(diff: string[], state: S): string[];
  /** Runs the legitimate flow on the same object; throws if it does not complete. */
  legit(world: World, state: S): Promise<void>;
  /** Closes what the group left open. */
  teardown?(state: S): Promise<void>;
}

/**
 * A group with its state type erased, for the catalogue list. Every use of the state is a
 * method parameter or a result, so a typed group is assignable as it is.
 */
export type AnyGroup = Group<unknown>;

/** Declares a group with its state type checked where it is written. */
export function defineGroup<S>(group: Group<S>): AnyGroup {
  return group as AnyGroup;
}
