// Original file: proto/tributary/v1/admin_service.proto


export interface CancelRebalanceRequest {
}

export interface CancelRebalanceRequest__Output {
}
