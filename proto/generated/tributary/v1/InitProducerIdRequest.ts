// Original file: proto/tributary/v1/client_service.proto


export interface InitProducerIdRequest {
}

export interface InitProducerIdRequest__Output {
}
