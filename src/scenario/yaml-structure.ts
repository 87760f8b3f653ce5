import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { LIMITS } from '../syntax/limits.js';
import { quoteInput } from '../syntax/units.js';

/** A problem found in the shape of the YAML itself, with the line it is on. */
export interface StructureProblem {
  line: number;
  message: string;
}

/** Tags a plain value may carry explicitly (`!!str 10`); anything else is refused. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => `tag:yaml.org,2002:${t}`));

/** Deepest nesting of mappings and lists: a scenario is four levels deep (`faults[0].deploy.interval`). */
const MAX_DEPTH = 32;

/**
 * Checks what a scenario file is made of before its fields are validated, in one pass over
 * the document (linear in its size, so a huge file is refused in milliseconds): duplicate keys
 * (yaml's own check compares every key with every other, 12 minutes for 200,000 keys), keys
 * that are not plain words, explicit tags (`!evil 10s` would otherwise be read as the text
 * `10s` silently), and the size limits of src/syntax/limits.ts. Stops at the first size limit
 * exceeded: the rest of a file that big is not worth reading.
 */
export function checkYamlStructure(doc: Document, lineCounter: LineCounter): StructureProblem[] {
  const problems: StructureProblem[] = [];
  const lineOf = (node: { range?: [number, number, number] | null } | null | undefined): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 0;
  const root = doc.contents as Node | null;
  if (root === null) return problems;
  // Iterative, with an explicit stack: nesting cannot overflow the call stack.
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  let nodes = 0;
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (++nodes > LIMITS.scenarioNodes) {
      problems.push({ line: 0, message: `has more than ${LIMITS.scenarioNodes} values: a scenario is a few dozen` });
      return problems;
    }
    if (node === null || node === undefined || isAlias(node)) continue;
    const tagged = node as { tag?: string; range?: [number, number, number] };
    if (tagged.tag !== undefined && !PLAIN_TAGS.has(tagged.tag)) {
      problems.push({ line: lineOf(tagged), message: `the tag ${quoteInput(tagged.tag)} is not allowed: a scenario takes plain values (remove the tag)` });
    }
    if (isScalar(node)) continue;
    if (depth >= MAX_DEPTH) {
      problems.push({ line: lineOf(tagged), message: `nests deeper than ${MAX_DEPTH} levels: a scenario is a few levels deep` });
      return problems;
    }
    if (isSeq(node)) {
      if (node.items.length > LIMITS.collectionEntries) {
        problems.push({ line: lineOf(node), message: `a list of ${node.items.length} entries: at most ${LIMITS.collectionEntries}` });
        return problems;
      }
      for (const item of node.items) stack.push({ node: isPair(item) ? item.value : item, depth: depth + 1 });
      continue;
    }
    if (isMap(node)) {
      if (node.items.length > LIMITS.collectionEntries) {
        problems.push({ line: lineOf(node), message: `a mapping of ${node.items.length} keys: at most ${LIMITS.collectionEntries}` });
        return problems;
      }
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (!isScalar(key)) {
          problems.push({ line: lineOf(key ?? node), message: 'a key must be a plain word, not a list or mapping' });
          continue;
        }
        const name = String(key.value);
        if (seen.has(name)) {
          const { line, col } = key.range ? lineCounter.linePos(key.range[0]) : { line: 0, col: 0 };
          // The wording of yaml's own check, which this replaces.
          problems.push({ line, message: `invalid YAML at line ${line}, column ${col}: Map keys must be unique` });
        }
        seen.add(name);
        stack.push({ node: key, depth: depth + 1 }, { node: pair.value, depth: depth + 1 });
      }
    }
  }
  return problems;
}
