import type { ErrorObject } from 'ajv';

/**
 * ajv's first error as one line a person or a model can act on: where (`citations.0.startLine`, or `whole` for
 * the value itself) and what is wrong, naming an unknown field or the allowed values. `fields` lists the fields
 * there are, for an unknown one.
 */
export function describeSchemaError(errors: ErrorObject[] | null | undefined, whole: string, fields?: readonly string[]): string {
  const [error] = errors ?? [];
  const where = error?.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : whole;
  const detail = error?.keyword === 'additionalProperties'
    ? `has no field '${(error.params as { additionalProperty: string }).additionalProperty}'${fields ? ` (${fields.join(', ')})` : ''}`
    : error?.keyword === 'enum' ? `must be one of ${(error.params as { allowedValues: string[] }).allowedValues.join(', ')}` : error?.message;
  return `${where} ${detail ?? 'is not valid'}`;
}
