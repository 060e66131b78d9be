// Original file: proto/tributary/v1/client_service.proto

export const Acks = {
  /**
   * Defaults to ACKS_ALL, as Kafka's clients do since 3.0.
   */
  ACKS_UNSPECIFIED: 'ACKS_UNSPECIFIED',
  /**
   * Answer once the request is validated, before the append; no offsets are returned.
   */
  ACKS_NONE: 'ACKS_NONE',
  /**
   * Answer once the leader has appended.
   */
  ACKS_LEADER: 'ACKS_LEADER',
  /**
   * Answer once every in-sync replica has the records.
   */
  ACKS_ALL: 'ACKS_ALL',
} as const;

export type Acks =
  /**
   * Defaults to ACKS_ALL, as Kafka's clients do since 3.0.
   */
  | 'ACKS_UNSPECIFIED'
  | 0
  /**
   * Answer once the request is validated, before the append; no offsets are returned.
   */
  | 'ACKS_NONE'
  | 1
  /**
   * Answer once the leader has appended.
   */
  | 'ACKS_LEADER'
  | 2
  /**
   * Answer once every in-sync replica has the records.
   */
  | 'ACKS_ALL'
  | 3

export type Acks__Output = typeof Acks[keyof typeof Acks]
