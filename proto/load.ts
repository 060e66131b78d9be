import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType as AdminProto } from './generated/admin_service.js';
import type { ProtoGrpcType as ClientProto } from './generated/client_service.js';
import type { ProtoGrpcType as GroupProto } from './generated/group_service.js';
import type { ProtoGrpcType as ReplicationProto } from './generated/replication_service.js';
import type { ProtoGrpcType as SecurityProto } from './generated/security_service.js';

/** Where the .proto files live: beside this file in the source tree, or two levels up from dist/proto/. */
function findProtoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, join(here, '..', '..', 'proto')]) {
    if (existsSync(join(dir, 'loader-options.json'))) return dir;
  }
  throw new Error(`cannot find proto/loader-options.json (looked beside ${here})`);
}

export const PROTO_ROOT = findProtoRoot();

/**
 * The options the generated types were made with (hack/codegen.mjs reads the same file). JSON names the
 * types as strings ("String"); protobufjs compares against the constructors, so map them here.
 */
function loaderOptions(): Options {
  const raw = JSON.parse(readFileSync(join(PROTO_ROOT, 'loader-options.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const types: Record<string, unknown> = { String, Number };
  const out: Record<string, unknown> = { ...raw };
  for (const key of ['longs', 'enums', 'bytes']) {
    const name = raw[key];
    if (typeof name === 'string') {
      if (!(name in types)) throw new Error(`loader-options.json: ${key} must be String or Number`);
      out[key] = types[name];
    }
  }
  return out as Options;
}

export const LOADER_OPTIONS: Options = loaderOptions();

export const PROTO_FILES = [
  'tributary/v1/common.proto',
  'tributary/v1/client_service.proto',
  'tributary/v1/admin_service.proto',
  'tributary/v1/replication_service.proto',
  'tributary/v1/group_service.proto',
  'tributary/v1/security_service.proto',
];

export type TributaryProto = ClientProto & AdminProto & ReplicationProto & GroupProto & SecurityProto;

let cached: { definition: ReturnType<typeof loadSync>; grpc: TributaryProto } | undefined;

/** Loads the Tributary services once per process. */
export function loadTributaryProto(): { definition: ReturnType<typeof loadSync>; grpc: TributaryProto } {
  if (cached === undefined) {
    const definition = loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
    cached = { definition, grpc: loadPackageDefinition(definition) as unknown as TributaryProto };
  }
  return cached;
}
