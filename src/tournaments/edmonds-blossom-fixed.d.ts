/**
 * Types of `edmonds-blossom-fixed` (it ships none): maximum-weight matching over
 * `[u, v, weight]` edges; the answer's index `v` holds the vertex matched to `v`, or -1.
 */
declare module "edmonds-blossom-fixed" {
  export default function blossom(
    edges: Array<[number, number, number]>,
    maxCardinality?: boolean,
  ): number[];
}
