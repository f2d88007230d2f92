import type { ExtractedEntity } from '../types';
import { indexableText, splitIdentifier } from '../text/identifiers';

/** The full-text columns of one entity (path words are per file and added by the store). */
export interface EntitySearchText {
  name: string;
  scope: string;
  body: string;
}

/**
 * Built where the entity is extracted (a parse worker), not where it is written: identifier splitting is a
 * large share of indexing CPU and the writer thread is the one every worker waits for.
 */
export function entitySearchText(entity: ExtractedEntity): EntitySearchText {
  const scope = entity.qualifiedName.slice(0, Math.max(0, entity.qualifiedName.length - entity.name.length));
  return {
    name: `${entity.name.toLowerCase()} ${splitIdentifier(entity.name).join(' ')}`,
    scope: indexableText(scope),
    body: indexableText(`${entity.signature}\n${entity.doc}`),
  };
}
