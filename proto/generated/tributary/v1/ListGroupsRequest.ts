// Original file: proto/tributary/v1/group_service.proto


export interface ListGroupsRequest {
}

export interface ListGroupsRequest__Output {
}
