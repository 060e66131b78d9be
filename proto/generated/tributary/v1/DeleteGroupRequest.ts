// Original file: proto/tributary/v1/group_service.proto


export interface DeleteGroupRequest {
  'group_id'?: (string);
}

export interface DeleteGroupRequest__Output {
  'group_id': (string);
}
