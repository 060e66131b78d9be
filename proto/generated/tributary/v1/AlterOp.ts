// Original file: proto/tributary/v1/admin_service.proto

export const AlterOp = {
  ALTER_OP_SET: 'ALTER_OP_SET',
  ALTER_OP_DELETE: 'ALTER_OP_DELETE',
} as const;

export type AlterOp =
  | 'ALTER_OP_SET'
  | 0
  | 'ALTER_OP_DELETE'
  | 1

export type AlterOp__Output = typeof AlterOp[keyof typeof AlterOp]
