/**
 * `npx tsx tests/bench/heap-diff.ts before.heapsnapshot after.heapsnapshot [more.heapsnapshot…]`:
 * what a server's heap holds and what grew between snapshots (taken by the soak, see soak.ts),
 * without opening DevTools.
 *
 * For each snapshot: totals, the groups (an object's constructor name; strings, code, closures and
 * arrays each as one group) by count and own size, and the objects that retain the most (retained
 * size from the dominator tree, weak edges ignored, as DevTools computes it). Between consecutive
 * snapshots: the groups that grew most, and for the objects that are new in the later one (node
 * ids are stable within one process), what holds them (the group of the holder and the edge name).
 *
 * `--holders ID` (node id, as printed after an @) also prints, for the last snapshot, the chains of
 * objects that hold that node, a few levels up, with the edge names and the strings they point to.
 *
 * Snapshots of a few hundred MB need a larger heap than the default: run it with
 * NODE_OPTIONS=--max-old-space-size=6144.
 */
import fs from "node:fs";
import path from "node:path";

interface Snapshot {
  file: string;
  nodeFieldCount: number;
  nodes: Uint32Array;
  edges: Uint32Array;
  strings: string[];
  nodeTypes: string[];
  edgeTypes: string[];
  /** Index of each field in a node record / an edge record. */
  nf: { type: number; name: number; id: number; selfSize: number; edgeCount: number };
  ef: { type: number; nameOrIndex: number; toNode: number; count: number };
  firstEdge: Uint32Array;
}

function read(file: string): Snapshot {
  const json = JSON.parse(fs.readFileSync(file, "utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const meta = json.snapshot.meta;
  const nodeFieldCount = meta.node_fields.length;
  const nf = {
    type: meta.node_fields.indexOf("type"),
    name: meta.node_fields.indexOf("name"),
    id: meta.node_fields.indexOf("id"),
    selfSize: meta.node_fields.indexOf("self_size"),
    edgeCount: meta.node_fields.indexOf("edge_count"),
  };
  const ef = { type: meta.edge_fields.indexOf("type"), nameOrIndex: meta.edge_fields.indexOf("name_or_index"), toNode: meta.edge_fields.indexOf("to_node"), count: meta.edge_fields.length };
  const nodes = Uint32Array.from(json.nodes);
  const edges = Uint32Array.from(json.edges);
  const n = nodes.length / nodeFieldCount;
  const firstEdge = new Uint32Array(n + 1);
  for (let i = 0, e = 0; i < n; i++) {
    firstEdge[i] = e;
    e += nodes[i * nodeFieldCount + nf.edgeCount]! * ef.count;
    firstEdge[i + 1] = e;
  }
  return { file, nodeFieldCount, nodes, edges, strings: json.strings, nodeTypes: meta.node_types[0], edgeTypes: meta.edge_types[0], nf, ef, firstEdge };
}

const count = (s: Snapshot) => s.nodes.length / s.nodeFieldCount;
const typeOf = (s: Snapshot, i: number) => s.nodeTypes[s.nodes[i * s.nodeFieldCount + s.nf.type]!]!;
const nameOf = (s: Snapshot, i: number) => s.strings[s.nodes[i * s.nodeFieldCount + s.nf.name]!]!;
const idOf = (s: Snapshot, i: number) => s.nodes[i * s.nodeFieldCount + s.nf.id]!;
const selfOf = (s: Snapshot, i: number) => s.nodes[i * s.nodeFieldCount + s.nf.selfSize]!;

/** The group a node is counted in. */
function groupOf(s: Snapshot, i: number): string {
  const type = typeOf(s, i);
  if (type === "object" || type === "native") return nameOf(s, i).slice(0, 80);
  if (type === "string" || type === "concatenated string" || type === "sliced string") return "(string)";
  return `(${type})`;
}

function edgeName(s: Snapshot, e: number): string {
  const type = s.edgeTypes[s.edges[e + s.ef.type]!]!;
  const v = s.edges[e + s.ef.nameOrIndex]!;
  return type === "element" || type === "hidden" ? `[${v}]` : String(s.strings[v]);
}

const isWeak = (s: Snapshot, e: number) => s.edgeTypes[s.edges[e + s.ef.type]!] === "weak";

/** Retained sizes from the dominator tree (Cooper, Harvey and Kennedy's iterative algorithm) rooted at node 0. */
function retainedSizes(s: Snapshot): Float64Array {
  const n = count(s);
  // Reverse postorder by an iterative depth-first walk over strong edges.
  const order = new Int32Array(n).fill(-1); // postorder number
  const post: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(n);
  const seen = new Uint8Array(n);
  seen[0] = 1;
  while (stack.length) {
    const v = stack[stack.length - 1]!;
    const end = s.firstEdge[v + 1]!;
    let pushed = false;
    for (let e = s.firstEdge[v]! + cursor[v]!; e < end; e += s.ef.count) {
      cursor[v] = e - s.firstEdge[v]! + s.ef.count;
      if (isWeak(s, e)) continue;
      const w = s.edges[e + s.ef.toNode]! / s.nodeFieldCount;
      if (!seen[w]) {
        seen[w] = 1;
        stack.push(w);
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      stack.pop();
      order[v] = post.length;
      post.push(v);
    }
  }
  // Predecessors over strong edges, among reachable nodes.
  const predCount = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) {
    if (order[v]! < 0) continue;
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e += s.ef.count) if (!isWeak(s, e)) predCount[s.edges[e + s.ef.toNode]! / s.nodeFieldCount]!++;
  }
  const predStart = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) predStart[v + 1] = predStart[v]! + predCount[v]!;
  const preds = new Uint32Array(predStart[n]!);
  const fill = predStart.slice(0, n);
  for (let v = 0; v < n; v++) {
    if (order[v]! < 0) continue;
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e += s.ef.count) {
      if (isWeak(s, e)) continue;
      const w = s.edges[e + s.ef.toNode]! / s.nodeFieldCount;
      preds[fill[w]!++] = v;
    }
  }
  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const v = post[k]!;
      let d = -1;
      for (let p = predStart[v]!; p < predStart[v + 1]!; p++) {
        const u = preds[p]!;
        if (idom[u] === -1) continue;
        d = d === -1 ? u : intersect(u, d);
      }
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(n);
  for (const v of post) retained[v] = retained[v]! + selfOf(s, v);
  // Children come before their dominator in postorder: add each to its dominator once its own total is final.
  for (const v of post) if (v !== 0 && idom[v]! >= 0) retained[idom[v]!] = retained[idom[v]!]! + retained[v]!;
  return retained;
}

interface Group {
  count: number;
  bytes: number;
}

function groups(s: Snapshot): Map<string, Group> {
  const m = new Map<string, Group>();
  for (let i = 0; i < count(s); i++) {
    const g = groupOf(s, i);
    const e = m.get(g) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += selfOf(s, i);
    m.set(g, e);
  }
  return m;
}

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(2)} MB`;
const pad = (v: string | number, w: number) => String(v).padStart(w);

function report(s: Snapshot) {
  const g = groups(s);
  const total = [...g.values()].reduce((a, x) => a + x.bytes, 0);
  console.log(`\n== ${path.basename(s.file)}: ${count(s).toLocaleString("en")} objects, ${mb(total)} own sizes`);
  console.log("  largest groups by own size:");
  for (const [name, x] of [...g].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, 20)) console.log(`    ${pad(mb(x.bytes), 10)} ${pad(x.count, 9)} × ${name}`);
  const retained = retainedSizes(s);
  console.log("  objects retaining the most (not counting the synthetic roots):");
  const top: number[] = [];
  for (let i = 0; i < count(s); i++) {
    const t = typeOf(s, i);
    if (t === "synthetic" || t === "hidden" || t === "code" || retained[i]! < 1024 * 1024) continue;
    top.push(i);
  }
  top.sort((a, b) => retained[b]! - retained[a]!);
  for (const i of top.slice(0, 25)) console.log(`    ${pad(mb(retained[i]!), 10)}  ${typeOf(s, i)} ${groupOf(s, i)} @${idOf(s, i)}`);
}

function diff(a: Snapshot, b: Snapshot) {
  const ga = groups(a);
  const gb = groups(b);
  console.log(`\n== ${path.basename(a.file)} → ${path.basename(b.file)}`);
  const rows = [...new Set([...ga.keys(), ...gb.keys()])].map((k) => {
    const x = ga.get(k) ?? { count: 0, bytes: 0 };
    const y = gb.get(k) ?? { count: 0, bytes: 0 };
    return { k, dc: y.count - x.count, db: y.bytes - x.bytes, y };
  });
  const totalA = [...ga.values()].reduce((s, x) => s + x.bytes, 0);
  const totalB = [...gb.values()].reduce((s, x) => s + x.bytes, 0);
  console.log(`  own sizes ${mb(totalA)} → ${mb(totalB)} (${totalB >= totalA ? "+" : ""}${mb(totalB - totalA)}), objects ${count(a)} → ${count(b)}`);
  console.log("  groups that grew most (own size; count):");
  for (const r of rows.sort((p, q) => q.db - p.db).slice(0, 20)) console.log(`    ${pad((r.db >= 0 ? "+" : "") + mb(r.db), 11)} ${pad((r.dc >= 0 ? "+" : "") + r.dc, 9)} ${r.k} (now ${r.y.count} × , ${mb(r.y.bytes)})`);

  // Objects of b whose ids a did not have: allocated between the two and still alive.
  const old = new Set<number>();
  for (let i = 0; i < count(a); i++) old.add(idOf(a, i));
  const fresh = new Uint8Array(count(b));
  const freshGroups = new Map<string, Group & { example: number }>();
  for (let i = 0; i < count(b); i++) {
    if (old.has(idOf(b, i))) continue;
    fresh[i] = 1;
    const g = groupOf(b, i);
    const e = freshGroups.get(g) ?? { count: 0, bytes: 0, example: idOf(b, i) };
    e.count++;
    e.bytes += selfOf(b, i);
    freshGroups.set(g, e);
  }
  const freshTotal = [...freshGroups.values()].reduce((s, x) => s + x.bytes, 0);
  console.log(`  objects new since the first and still alive: ${mb(freshTotal)}; largest groups:`);
  const topFresh = [...freshGroups].sort((p, q) => q[1].bytes - p[1].bytes).slice(0, 20);
  for (const [k, x] of topFresh) console.log(`    ${pad(mb(x.bytes), 10)} ${pad(x.count, 9)} × ${k} (e.g. @${x.example})`);
  // What holds the new objects: held by an older object (the retainer that keeps the growth alive) or by other new ones.
  const holders = new Map<string, Group>();
  for (let v = 0; v < count(b); v++) {
    if (fresh[v]) continue;
    for (let e = b.firstEdge[v]!; e < b.firstEdge[v + 1]!; e += b.ef.count) {
      if (isWeak(b, e)) continue;
      const w = b.edges[e + b.ef.toNode]! / b.nodeFieldCount;
      if (!fresh[w]) continue;
      const t = typeOf(b, v);
      if (t === "synthetic") continue;
      const key = `${groupOf(b, v)} --${edgeName(b, e).slice(0, 40)}--> ${groupOf(b, w)}`;
      const h = holders.get(key) ?? { count: 0, bytes: 0 };
      h.count++;
      h.bytes += selfOf(b, w);
      holders.set(key, h);
    }
  }
  console.log("  older objects that hold new ones (holder --edge--> new object; count, own size of the new):");
  for (const [k, x] of [...holders].sort((p, q) => q[1].bytes - p[1].bytes).slice(0, 25)) console.log(`    ${pad(mb(x.bytes), 10)} ${pad(x.count, 8)} × ${k}`);
}

/** Who holds node `id`: up to `depth` levels of holders, each with its edge name and own size. */
function holders(s: Snapshot, id: number, depth = 6) {
  const n = count(s);
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) index.set(idOf(s, i), i);
  const into = new Map<number, { from: number; e: number }[]>();
  for (let v = 0; v < n; v++) {
    for (let e = s.firstEdge[v]!; e < s.firstEdge[v + 1]!; e += s.ef.count) {
      const w = s.edges[e + s.ef.toNode]! / s.nodeFieldCount;
      const list = into.get(w) ?? [];
      if (list.length < 8) list.push({ from: v, e });
      into.set(w, list);
    }
  }
  const describe = (i: number) => {
    const t = typeOf(s, i);
    const name = t === "string" || t === "concatenated string" ? JSON.stringify(nameOf(s, i).slice(0, 100)) : groupOf(s, i);
    return `${t} ${name} @${idOf(s, i)} (${selfOf(s, i)} B)`;
  };
  const start = index.get(id);
  if (start === undefined) return console.log(`no node @${id} in ${path.basename(s.file)}`);
  console.log(`\n== holders of ${describe(start)}`);
  const walk = (i: number, level: number, seen: Set<number>) => {
    if (level >= depth) return;
    for (const { from, e } of into.get(i) ?? []) {
      if (seen.has(from) || typeOf(s, from) === "synthetic") continue;
      console.log(`${"  ".repeat(level + 1)}<-${edgeName(s, e).slice(0, 60)}${isWeak(s, e) ? " (weak)" : ""}- ${describe(from)}`);
      // The strings a holder names (a module's URL, a map's key) say what it is.
      for (let k = s.firstEdge[from]!; k < s.firstEdge[from + 1]!; k += s.ef.count) {
        const w = s.edges[k + s.ef.toNode]! / s.nodeFieldCount;
        if (typeOf(s, w) === "string" && /^(url|sourceURL|name|source|specifier|key|file|id)$/.test(edgeName(s, k))) console.log(`${"  ".repeat(level + 2)}.${edgeName(s, k)} = ${JSON.stringify(nameOf(s, w).slice(0, 120))}`);
      }
      walk(from, level + 1, new Set([...seen, from]));
    }
  };
  walk(start, 0, new Set([start]));
}

const args = process.argv.slice(2);
const holderIds: number[] = [];
for (let i = args.indexOf("--holders"); i >= 0; i = args.indexOf("--holders")) holderIds.push(Number(args.splice(i, 2)[1]));
const files = args;
if (files.length === 0) {
  console.error("usage: tsx tests/bench/heap-diff.ts a.heapsnapshot [b.heapsnapshot …] [--holders ID …]");
  process.exit(2);
}
let previous: Snapshot | null = null;
for (const file of files) {
  const s = read(file);
  report(s);
  if (previous) diff(previous, s);
  previous = s;
}
for (const id of holderIds) holders(previous!, id);
