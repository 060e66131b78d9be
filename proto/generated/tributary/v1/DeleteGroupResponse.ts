// Original file: proto/tributary/v1/group_service.proto


export interface DeleteGroupResponse {
  /**
   * Committed offsets removed.
   */
  'offsets_deleted'?: (number);
}

export interface DeleteGroupResponse__Output {
  /**
   * Committed offsets removed.
   */
  'offsets_deleted': (number);
}
