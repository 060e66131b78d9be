// Original file: proto/tributary/v1/security_service.proto

export const ScramMechanism = {
  SCRAM_MECHANISM_UNSPECIFIED: 'SCRAM_MECHANISM_UNSPECIFIED',
  SCRAM_MECHANISM_SHA_256: 'SCRAM_MECHANISM_SHA_256',
  SCRAM_MECHANISM_SHA_512: 'SCRAM_MECHANISM_SHA_512',
} as const;

export type ScramMechanism =
  | 'SCRAM_MECHANISM_UNSPECIFIED'
  | 0
  | 'SCRAM_MECHANISM_SHA_256'
  | 1
  | 'SCRAM_MECHANISM_SHA_512'
  | 2

export type ScramMechanism__Output = typeof ScramMechanism[keyof typeof ScramMechanism]
