import * as v from "valibot";

/**
 * An optional whole-number query parameter: at most `digits` digits, then `min`–`max`
 * (query values are strings; a sign, a fraction or an exponent is refused by the pattern).
 */
export function queryInteger(digits: number, min: number, max: number, description: string) {
  return v.optional(
    v.pipe(
      v.string(),
      v.regex(new RegExp(`^\\d{1,${digits}}$`)),
      v.description(description),
      v.transform(Number),
      v.minValue(min),
      v.maxValue(max),
    ),
  );
}
