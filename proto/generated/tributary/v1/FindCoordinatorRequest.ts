// Original file: proto/tributary/v1/group_service.proto


export interface FindCoordinatorRequest {
  'group_id'?: (string);
}

export interface FindCoordinatorRequest__Output {
  'group_id': (string);
}
