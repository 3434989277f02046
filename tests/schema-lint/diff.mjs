// Compares two versions of schema.graphql with @graphql-inspector/core (what API teams run as
// `graphql-inspector diff`): prints every change with its criticality, and exits 2 when one is
// BREAKING (a removed or retyped type, field, argument or enum value, a new required argument...).
// Usage: node diff.mjs OLD.graphql NEW.graphql
import { readFileSync } from 'node:fs';
import { buildSchema } from 'graphql';
import { diff, CriticalityLevel } from '@graphql-inspector/core';

const [oldPath, newPath] = process.argv.slice(2);
const load = (p) => buildSchema(readFileSync(p, 'utf8'));
const changes = await diff(load(oldPath), load(newPath));
let breaking = 0;
for (const c of changes) {
  const level = c.criticality.level;
  if (level === CriticalityLevel.Breaking) breaking += 1;
  console.log(`  ${level.padEnd(13)} ${c.message}`);
}
console.log(`  ${changes.length} changes, ${breaking} breaking`);
process.exit(breaking ? 2 : 0);
