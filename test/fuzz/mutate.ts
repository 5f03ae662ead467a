/**
 * Seeded mutations of valid JSON frames and bodies, each classified by what the documents
 * say about it. A mutation applies 1–3 operators (drop, add or retype a field, duplicate a
 * key, re-escape a string, truncate, garble, replace the whole value, nest deeply, huge or
 * fractional numbers, NaN-like strings, whitespace, padding past the size limit); the
 * result is then classified from its final form against the entry point's documented
 * shape, so the expected answer is known before the input is sent — the oracle never asks
 * the server's own schemas.
 */
import type { Rng } from "./rng.ts";

/**
 * What a mutated input is, in the order the entry points check it: a size over the limit
 * is refused before parsing; then JSON, an object, a string `type`; then (channel sockets)
 * a `hello` with an unsupported numeric `protocol_version`; then an unknown `type`, a field
 * the input does not define, a missing or wrongly typed field; else it is valid.
 */
export const OUTCOME_ORDER = [
  "too_large",
  "not_json",
  "not_object",
  "no_type",
  "version_mismatch",
  "unknown_type",
  "unknown_field",
  "invalid_field",
  "valid",
] as const;
export type Outcome = (typeof OUTCOME_ORDER)[number];

/** An invalid value of a field: its JSON text, and its class when it is the only flaw. */
export type InvalidValue = string | { text: string; outcome: Outcome };

export interface FieldSpec {
  /** A missing value makes the input invalid. */
  required?: boolean;
  /** JSON texts that make this field invalid (a wrong type, out of range, a bad pattern). */
  invalid?: readonly InvalidValue[];
  /** Any JSON value is valid here (a channel `payload`): replacing it keeps the input valid. */
  opaque?: boolean;
  /**
   * A second-level discriminator (an admin frame's `op`): when it is missing or invalid the
   * input is refused for that, before any unknown field is looked at.
   */
  discriminator?: boolean;
}

/** The documented shape of one kind of input. */
export interface Shape {
  /** The `type` discriminator this input carries (absent for HTTP bodies). */
  type?: string;
  /** Every `type` the entry point knows (anything else is `unknown_type`). */
  knownTypes?: readonly string[];
  /** Fields the input may carry (besides `type`). */
  fields: Record<string, FieldSpec>;
  /** Whether a field not in `fields` is refused (strict) or ignored (loose). */
  strict: boolean;
  /** Inputs above this many UTF-8 bytes are refused for their size. */
  maxBytes: number;
}

/** One mutated input. */
export interface Mutation {
  text: string;
  /** The operators applied, in order (for the report and for replaying a failure). */
  ops: string[];
  outcome: Outcome;
}

/** One key of the object being built, with the class of its value when that is invalid. */
interface Entry {
  key: string;
  json: string;
  bad: Outcome | null;
}

interface Draft {
  entries: Entry[];
  /** A text-level change applied after assembly, with the class it forces. */
  text: { apply: (text: string) => string; outcome: Outcome | null } | null;
}

const NAN_LIKE = [
  '"NaN"',
  '"Infinity"',
  '"-Infinity"',
  '"-0"',
  '"1e999"',
  '"0x10"',
  '"1_000"',
  '" 1"',
  '"null"',
];
const WRONG_TYPES = ["null", "true", "false", "[]", "{}", "0", "[1,2]", '{"a":1}'];
export const HOSTILE_STRINGS = [
  '"../../etc/passwd"',
  '"%2e%2e%2f"',
  '"a\\u0000b"',
  '"\\ud800"',
  '"\\u202eevil"',
  '"\\u200b"',
  '"😀"',
  '"é"',
  '"<script>"',
  '"a/b"',
  '""',
  `"${"x".repeat(300)}"`,
];
const UNKNOWN_KEYS = ["__proto__", "constructor", "toString", "", "from", "é", "id ", "TYPE"];

/** Building blocks for the invalid values of a shape's fields. */
export const Invalid = {
  /** Anything that is not a string. */
  notString: [...WRONG_TYPES, "1e400", "-1"],
  /** Not a number at all. */
  notNumber: [...NAN_LIKE, "null", "[]", "{}", "true"],
  /** Numbers that are not integers (Infinity, fractions). */
  notInteger: ["1e400", "-1e400", "1.5", "0.5", "2.000000001"],
  notBoolean: ['"true"', "1", "0", "null", "[]", '"false"'],
} as const;

/** `depth` nested arrays (`[`) or objects (`{`) around a 1. */
function deepNest(depth: number, open: "[" | "{"): string {
  if (open === "[") return `${"[".repeat(depth)}1${"]".repeat(depth)}`;
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

/** Values for fields a shape treats as opaque: all valid JSON, all awkward. */
function awkwardValue(rng: Rng): string {
  switch (rng.int(0, 7)) {
    case 0:
      return deepNest(rng.int(50, 1500), rng.chance(0.5) ? "[" : "{");
    case 1:
      return rng.pick(["1e400", "-1e400", "1e308", "9007199254740993", "-0", "1e-400", "0.1"]);
    case 2:
      return rng.pick(HOSTILE_STRINGS);
    case 3:
      return rng.pick(NAN_LIKE);
    case 4:
      return JSON.stringify({ from: "someone/else/entirely", seq: 1, nested: { type: "admin" } });
    case 5:
      return JSON.stringify(rng.string(rng.int(0, 1500), "ab \u00e9\u4e2d\u{1f600}\u0000\n"));
    case 6:
      return rng.pick(WRONG_TYPES);
    default:
      return String(rng.int(-1_000_000, 1_000_000));
  }
}

function assemble(entries: Entry[]): string {
  return `{${entries.map((e) => `${JSON.stringify(e.key)}:${e.json}`).join(",")}}`;
}

function classOf(invalid: InvalidValue): { text: string; outcome: Outcome } {
  return typeof invalid === "string" ? { text: invalid, outcome: "invalid_field" } : invalid;
}

function worst(a: Outcome, b: Outcome): Outcome {
  return OUTCOME_ORDER.indexOf(a) <= OUTCOME_ORDER.indexOf(b) ? a : b;
}

/** Classifies the final object: JSON.parse keeps the last of duplicate keys. */
function classify(draft: Draft, shape: Shape): Outcome {
  const last = new Map<string, Entry>();
  for (const entry of draft.entries) last.set(entry.key, entry);
  let outcome: Outcome = "valid";
  if (shape.type !== undefined) {
    const type = last.get("type");
    let value: unknown;
    try {
      value = type ? JSON.parse(type.json) : undefined;
    } catch {
      value = undefined;
    }
    if (typeof value !== "string") return "no_type";
    if (!(shape.knownTypes ?? [shape.type]).includes(value)) outcome = "unknown_type";
  }
  for (const [key, spec] of Object.entries(shape.fields)) {
    if (!spec.discriminator) continue;
    const entry = last.get(key);
    if (!entry) return worst(outcome, "invalid_field");
    if (entry.bad) return worst(outcome, entry.bad);
  }
  for (const [key, entry] of last) {
    if (key === "type") continue;
    if (!Object.hasOwn(shape.fields, key)) {
      if (shape.strict) outcome = worst(outcome, "unknown_field");
    } else if (entry.bad) {
      outcome = worst(outcome, entry.bad);
    }
  }
  for (const [key, spec] of Object.entries(shape.fields)) {
    if (spec.required && !last.has(key)) outcome = worst(outcome, "invalid_field");
  }
  return outcome;
}

type Operator = (draft: Draft, shape: Shape, rng: Rng) => string | null;

const OPERATORS: readonly Operator[] = [
  function drop(draft, _shape, rng) {
    const candidates = draft.entries.filter((e) => e.key !== "type");
    if (candidates.length === 0) return null;
    const { key } = rng.pick(candidates);
    draft.entries = draft.entries.filter((e) => e.key !== key);
    return `drop(${key})`;
  },
  function addField(draft, shape, rng) {
    const key = rng.chance(0.5) ? rng.pick(UNKNOWN_KEYS) : `x_${rng.string(rng.int(1, 12))}`;
    if (Object.hasOwn(shape.fields, key) || key === "type") return null;
    draft.entries.push({ key, json: awkwardValue(rng), bad: null });
    return `add_field(${JSON.stringify(key)})`;
  },
  function retype(draft, shape, rng) {
    const candidates = draft.entries.filter((e) => (shape.fields[e.key]?.invalid?.length ?? 0) > 0);
    if (candidates.length === 0) return null;
    const entry = rng.pick(candidates);
    const { text, outcome } = classOf(rng.pick(shape.fields[entry.key]?.invalid ?? []));
    for (const e of draft.entries) {
      if (e.key === entry.key) {
        e.json = text;
        e.bad = outcome;
      }
    }
    return `retype(${entry.key}=${text.slice(0, 24)})`;
  },
  function opaque(draft, shape, rng) {
    const candidates = draft.entries.filter((e) => shape.fields[e.key]?.opaque === true);
    if (candidates.length === 0) return null;
    const entry = rng.pick(candidates);
    entry.json = awkwardValue(rng);
    entry.bad = null;
    return `opaque(${entry.key}=${entry.json.slice(0, 24)})`;
  },
  function discriminator(draft, shape, rng) {
    if (shape.type === undefined) return null;
    const choice = rng.int(0, 2);
    if (choice === 0) {
      draft.entries = draft.entries.filter((e) => e.key !== "type");
      return "drop(type)";
    }
    const known = shape.knownTypes ?? [shape.type];
    const value =
      choice === 1
        ? rng.pick(["1", "null", "true", "[]", '{"a":1}', '["post"]'])
        : JSON.stringify(
            rng.pick([
              `${shape.type}_`,
              shape.type.toUpperCase(),
              ` ${shape.type}`,
              `x_${rng.string(6)}`,
              "",
              "__proto__",
              "constructor",
            ]),
          );
    if (choice === 2 && known.includes(JSON.parse(value) as string)) return null;
    const type = draft.entries.find((e) => e.key === "type");
    if (type) type.json = value;
    else draft.entries.unshift({ key: "type", json: value, bad: null });
    return `type=${value}`;
  },
  function duplicateKey(draft, shape, rng) {
    // The invalid value first: JSON.parse keeps the last occurrence.
    const candidates = draft.entries.filter((e) => (shape.fields[e.key]?.invalid?.length ?? 0) > 0);
    if (candidates.length === 0) return null;
    const entry = rng.pick(candidates);
    const { text, outcome } = classOf(rng.pick(shape.fields[entry.key]?.invalid ?? []));
    draft.entries.splice(draft.entries.indexOf(entry), 0, {
      key: entry.key,
      json: text,
      bad: outcome,
    });
    return `duplicate_key(${entry.key})`;
  },
  function unicodeEscape(draft, _shape, rng) {
    const candidates = draft.entries.filter((e) => /^"[^\\]+"$/.test(e.json));
    if (candidates.length === 0) return null;
    const entry = rng.pick(candidates);
    const value = JSON.parse(entry.json) as string;
    let out = '"';
    for (let i = 0; i < value.length; i += 1) {
      out += `\\u${value.charCodeAt(i).toString(16).padStart(4, "0")}`;
    }
    entry.json = `${out}"`;
    return `escape(${entry.key})`;
  },
  function truncate(draft, _shape, rng) {
    if (draft.text) return null;
    // A proper, non-empty prefix of an object's text is never valid JSON (it is unclosed).
    const fraction = rng.next();
    draft.text = {
      apply: (text) => text.slice(0, Math.max(1, Math.floor((text.length - 1) * fraction))),
      outcome: "not_json",
    };
    return "truncate";
  },
  function garble(draft, _shape, rng) {
    if (draft.text) return null;
    const junk = rng.pick(["x", "'", "NaN", "undefined", "\u0000", "//", "}", ",", "{{"]);
    const before = rng.chance(0.5);
    draft.text = {
      apply: (text) => (before ? `${junk}${text}` : `${text.slice(0, -1)},${junk}}`),
      outcome: "not_json",
    };
    return `garble(${JSON.stringify(junk)})`;
  },
  function nonObject(draft, _shape, rng) {
    if (draft.text) return null;
    const value = rng.pick([
      "null",
      "true",
      "42",
      "1e400",
      '"a string"',
      "[]",
      deepNest(rng.int(10, 3000), "["),
    ]);
    const wrap = rng.chance(0.3);
    draft.text = { apply: (text) => (wrap ? `[${text}]` : value), outcome: "not_object" };
    return wrap ? "wrap_in_array" : `non_object(${value.slice(0, 12)})`;
  },
  function whitespace(draft, shape, rng) {
    if (draft.text) return null;
    // Insignificant whitespace: the same input, padded (past the limit, sometimes).
    const over = rng.chance(0.3);
    const pad = over ? shape.maxBytes + rng.int(1, 2048) : rng.int(1, 64);
    draft.text = { apply: (text) => `${" ".repeat(pad)}${text}\n`, outcome: null };
    return over ? `pad_over_limit(${pad})` : `whitespace(${pad})`;
  },
];

/**
 * Mutates `base` (a valid input of `shape`) with 1–3 seeded operators and classifies the
 * result (see `OUTCOME_ORDER`).
 */
export function mutate(base: Record<string, unknown>, shape: Shape, rng: Rng): Mutation {
  const draft: Draft = {
    entries: Object.entries(base).map(([key, value]) => ({
      key,
      json: JSON.stringify(value),
      bad: null,
    })),
    text: null,
  };
  const ops: string[] = [];
  const count = rng.int(1, 3);
  for (let i = 0; i < count; i += 1) {
    const applied = rng.pick(OPERATORS)(draft, shape, rng);
    if (applied) ops.push(applied);
  }
  let text = assemble(draft.entries);
  let outcome = classify(draft, shape);
  if (draft.text) {
    text = draft.text.apply(text);
    if (draft.text.outcome) outcome = draft.text.outcome;
  }
  if (Buffer.byteLength(text, "utf8") > shape.maxBytes) outcome = "too_large";
  return { text, ops, outcome };
}
