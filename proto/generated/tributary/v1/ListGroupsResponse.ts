// Original file: proto/tributary/v1/group_service.proto


export interface ListGroupsResponse {
  'groups'?: (string)[];
}

export interface ListGroupsResponse__Output {
  'groups': (string)[];
}
