// Original file: proto/tributary/v1/security_service.proto


export interface WhoAmIRequest {
}

export interface WhoAmIRequest__Output {
}
