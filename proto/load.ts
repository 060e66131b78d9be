import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import type { ProtoGrpcType as AdminProto } from './generated/admin_service.js';
import type { ProtoGrpcType as ClientProto } from './generated/client_service.js';

/** Where the .proto files live, in the source tree and in the compiled tree alike. */
function findProtoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, 'loader-options.json'));
      return dir;
    } catch {
      dir = join(dir, '..', 'proto');
    }
  }
  throw new Error('cannot find proto/loader-options.json next to the proto/ sources');
}

export const PROTO_ROOT = findProtoRoot();

/** The options the generated types were made with (hack/codegen.mjs reads the same file). */
export const LOADER_OPTIONS: Options = JSON.parse(
  readFileSync(join(PROTO_ROOT, 'loader-options.json'), 'utf8'),
);

export const PROTO_FILES = [
  'tributary/v1/common.proto',
  'tributary/v1/client_service.proto',
  'tributary/v1/admin_service.proto',
];

export type TributaryProto = ClientProto & AdminProto;

let cached: { definition: ReturnType<typeof loadSync>; grpc: TributaryProto } | undefined;

/** Loads the Tributary services once per process. */
export function loadTributaryProto(): { definition: ReturnType<typeof loadSync>; grpc: TributaryProto } {
  if (cached === undefined) {
    const definition = loadSync(PROTO_FILES, { ...LOADER_OPTIONS, includeDirs: [PROTO_ROOT] });
    cached = { definition, grpc: loadPackageDefinition(definition) as unknown as TributaryProto };
  }
  return cached;
}
