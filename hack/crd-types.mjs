#!/usr/bin/env node
// Generates operator/api/v1alpha1.ts, the TypeScript types of the custom resources, from the CRDs in crds/
// (the source of truth): it walks each CRD's OpenAPI v3 schema and turns descriptions into doc comments.
// `--check` fails when the committed file differs from what it would generate (stale or hand-edited).
//
// Mapping: object with properties -> interface; object with additionalProperties -> Record<string, T>;
// object with x-kubernetes-preserve-unknown-fields and no properties -> Record<string, unknown>;
// x-kubernetes-int-or-string -> number | string; string enum -> union of literals; integer -> number.
// A field is optional unless the schema requires it or gives it a default (the API server fills defaults in
// on every write and read, so a field with a default is always there in objects the server returns).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const crdDir = join(root, 'crds');
const outPath = join(root, 'operator', 'api', 'v1alpha1.ts');
const LINE_WIDTH_MAX = 110;

// Names for nested schemas where the path-derived name would be clumsy. Schemas given the same name must be
// the same shape (checked), and are emitted once.
const TYPE_NAMES = {
  'Cluster.status.conditions[]': 'Condition',
  'Topic.status.conditions[]': 'Condition',
  'User.status.conditions[]': 'Condition',
  'User.spec.authorization.acls[]': 'UserAcl',
  'User.spec.authorization.acls[].resource': 'UserAclResource',
  'User.spec.authentication.password.secretKeyRef': 'SecretKeySelector',
  'Cluster.spec.listeners.client': 'ClusterClientListener',
  'Cluster.spec.listeners.metrics': 'ClusterMetricsListener',
  'Cluster.status.storage.volumes[]': 'BrokerVolumeStatus',
  'Cluster.status.balancing.plan': 'ClusterBalancingPlan',
  'Cluster.status.balancing.lastPlan': 'ClusterBalancingPlan',
  'Cluster.status.balancing.brokers[]': 'ClusterBrokerBalance',
};

function fail(message) {
  console.error(`crd-types: ${message}`);
  process.exit(1);
}

function pascal(word) {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function loadCrds() {
  const files = readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  if (files.length === 0) fail(`no CRDs in ${crdDir}`);
  return files.map((file) => {
    const crd = parse(readFileSync(join(crdDir, file), 'utf8'));
    if (crd?.kind !== 'CustomResourceDefinition') fail(`${file} is not a CustomResourceDefinition`);
    const versions = crd.spec.versions ?? [];
    if (versions.length !== 1) fail(`${file}: expected exactly one version, found ${versions.length}`);
    return { file, crd, version: versions[0] };
  });
}

/** Wraps text into ` * ` comment lines that fit the line width at `indent`. */
function docComment(lines, indent) {
  const width = LINE_WIDTH_MAX - indent.length - 3;
  const out = [];
  for (const paragraph of lines) {
    if (paragraph.includes('*/')) fail(`a description contains "*/": ${paragraph}`);
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') out.push(line);
  }
  if (out.length === 0) return [];
  if (out.length === 1 && indent.length + out[0].length + 7 <= LINE_WIDTH_MAX) {
    return [`${indent}/** ${out[0]} */`];
  }
  return [`${indent}/**`, ...out.map((l) => `${indent} * ${l}`), `${indent} */`];
}

/** The doc lines of a field: its description, its default and its validation rules' messages. */
function fieldDoc(schema, path) {
  if (typeof schema.description !== 'string' || schema.description.trim() === '') {
    fail(`${path} has no description (every field needs one, for kubectl explain)`);
  }
  const lines = [schema.description.trim()];
  return [...lines, ...ruleDoc(schema)];
}

/** Doc lines for a schema's default and its CEL rules (by their messages, which say what is refused). */
function ruleDoc(schema) {
  const lines = [];
  for (const rule of schema['x-kubernetes-validations'] ?? []) lines.push(`Rule: ${rule.message.trim()}.`);
  if (schema.default !== undefined) lines.push(`@default ${JSON.stringify(schema.default)}`);
  return lines;
}

/**
 * The declaration of field `name` of `type`, one line when it fits, else a union one member a line, as the
 * formatter (biome) writes it, so the generated file passes `biome check`.
 */
function fieldLines(name, type) {
  const line = `  ${name}: ${type};`;
  if (line.length <= LINE_WIDTH_MAX) return [line];
  const array = /^Array<(.*)>$/.exec(type);
  const members = (array === null ? type : array[1]).split(' | ');
  if (members.length < 2) return [line];
  if (array !== null) return [`  ${name}: Array<`, ...members.map((m) => `    | ${m}`), '  >;'];
  return [`  ${name}:`, ...members.map((m, i) => `    | ${m}${i === members.length - 1 ? ';' : ''}`)];
}

/** Compares two schemas ignoring descriptions: shared type names need the same shape. */
function shape(schema) {
  return JSON.stringify(schema, (key, value) => (key === 'description' ? undefined : value));
}

class Emitter {
  constructor() {
    /** name -> { shape, lines } */
    this.types = new Map();
    this.order = [];
  }

  /** Registers an interface for an object schema and returns its name. */
  object(name, schema, path) {
    const known = this.types.get(name);
    if (known !== undefined) {
      if (known.shape !== shape(schema)) fail(`${path} is named ${name} but differs from ${known.path}`);
      return name;
    }
    const entry = { shape: shape(schema), path, lines: [] };
    this.types.set(name, entry);
    this.order.push(name);
    const required = new Set(schema.required ?? []);
    const doc = [schema.description ?? name, ...ruleDoc({ ...schema, default: undefined })];
    const lines = [...docComment(doc, ''), `export interface ${name} {`];
    for (const [key, child] of Object.entries(schema.properties)) {
      const childPath = `${path}.${key}`;
      const type = this.type(child, childPath, `${name.replace(/Spec$/, '')}${pascal(key)}`);
      const optional = required.has(key) || child.default !== undefined ? '' : '?';
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) fail(`${childPath}: not an identifier`);
      lines.push(...docComment(fieldDoc(child, childPath), '  '), ...fieldLines(`${key}${optional}`, type));
    }
    lines.push('}');
    entry.lines = lines;
    return name;
  }

  /** The TypeScript type of a schema; `suggested` names a nested interface when one is needed. */
  type(schema, path, suggested) {
    const named = TYPE_NAMES[path];
    if (schema['x-kubernetes-int-or-string'] === true) return 'number | string';
    switch (schema.type) {
      case 'string':
        return Array.isArray(schema.enum) ? schema.enum.map((v) => `'${v}'`).join(' | ') : 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array': {
        const items = this.type(schema.items, `${path}[]`, `${suggested}Item`);
        return /[ |]/.test(items) ? `Array<${items}>` : `${items}[]`;
      }
      case 'object': {
        if (schema.properties !== undefined) return this.object(named ?? suggested, schema, path);
        if (schema.additionalProperties !== undefined) {
          return `Record<string, ${this.type(schema.additionalProperties, `${path}{}`, `${suggested}Value`)}>`;
        }
        if (schema['x-kubernetes-preserve-unknown-fields'] === true) return 'Record<string, unknown>';
        fail(`${path}: an object schema without properties, additionalProperties or preserve-unknown-fields`);
        break;
      }
      default:
        fail(`${path}: unsupported schema type ${JSON.stringify(schema.type)}`);
    }
  }
}

function generate() {
  const crds = loadCrds();
  const groups = new Set(crds.map(({ crd }) => crd.spec.group));
  const versions = new Set(crds.map(({ version }) => version.name));
  if (groups.size !== 1 || versions.size !== 1) fail('every CRD must share one group and one version');
  const [group] = groups;
  const [version] = versions;
  if (version !== 'v1alpha1') fail(`the output file is v1alpha1.ts, but the CRDs are ${version}`);

  const out = [
    `// Generated by hack/crd-types.mjs from ${crds.map(({ file }) => `crds/${file}`).join(', ')}.`,
    '// Do not edit: change the CRDs and run `node hack/crd-types.mjs`.',
    '//',
    '// Fields with a schema default are not optional: the API server fills defaults in on every write and',
    '// read. Objects the operator builds for create or apply may leave them out (use a Partial or a literal).',
    "import type { V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node';",
    '',
    '/** API group of the Tributary resources. */',
    `export const GROUP = '${group}';`,
    '/** API version of the Tributary resources in this file. */',
    `export const VERSION = '${version}';`,
    '/** `apiVersion` of the objects: group/version. */',
    `export const API_VERSION = '${group}/${version}';`,
  ];
  const emitter = new Emitter();
  for (const { file, crd, version: v } of crds) {
    const { kind, listKind, plural } = crd.spec.names;
    const schema = v.schema.openAPIV3Schema;
    const spec = schema.properties?.spec;
    const status = schema.properties?.status;
    if (spec?.properties === undefined) fail(`${file}: no spec properties`);
    const firstType = emitter.order.length;
    const specName = emitter.object(`${kind}Spec`, spec, `${kind}.spec`);
    const statusName =
      status === undefined ? undefined : emitter.object(`${kind}Status`, status, `${kind}.status`);
    const constant = kind.toUpperCase();
    out.push(
      '',
      `/** Kind and plural (the URL path segment) of ${kind} objects. */`,
      `export const ${constant}_KIND = '${kind}';`,
      `export const ${constant}_PLURAL = '${plural}';`,
      '',
      ...docComment([schema.description, ...ruleDoc(schema)], ''),
      `export interface ${kind} {`,
      '  apiVersion?: string;',
      '  kind?: string;',
      '  metadata: V1ObjectMeta;',
      `  spec: ${specName};`,
      ...(statusName === undefined ? [] : [`  status?: ${statusName};`]),
      '}',
      '',
      `/** A list of ${kind} objects, as the API server returns it. */`,
      `export interface ${listKind} {`,
      '  apiVersion?: string;',
      '  kind?: string;',
      '  metadata?: V1ListMeta;',
      `  items: ${kind}[];`,
      '}',
    );
    for (const name of emitter.order.slice(firstType)) out.push('', ...emitter.types.get(name).lines);
  }
  return `${out.join('\n')}\n`;
}

const text = generate();
const shown = relative(root, outPath);
if (process.argv.includes('--check')) {
  let current = null;
  try {
    current = readFileSync(outPath, 'utf8');
  } catch {
    // missing: stale
  }
  if (current !== text) {
    console.error(`${shown} is stale or hand-edited; run: node hack/crd-types.mjs`);
    process.exit(1);
  }
  console.log(`${shown} is up to date`);
} else {
  writeFileSync(outPath, text);
  console.log(`wrote ${shown}`);
}
