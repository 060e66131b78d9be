// Original file: proto/tributary/v1/client_service.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { FetchRequest as _tributary_v1_FetchRequest, FetchRequest__Output as _tributary_v1_FetchRequest__Output } from '../../tributary/v1/FetchRequest.js';
import type { FetchResponse as _tributary_v1_FetchResponse, FetchResponse__Output as _tributary_v1_FetchResponse__Output } from '../../tributary/v1/FetchResponse.js';
import type { InitProducerIdRequest as _tributary_v1_InitProducerIdRequest, InitProducerIdRequest__Output as _tributary_v1_InitProducerIdRequest__Output } from '../../tributary/v1/InitProducerIdRequest.js';
import type { InitProducerIdResponse as _tributary_v1_InitProducerIdResponse, InitProducerIdResponse__Output as _tributary_v1_InitProducerIdResponse__Output } from '../../tributary/v1/InitProducerIdResponse.js';
import type { ListOffsetsRequest as _tributary_v1_ListOffsetsRequest, ListOffsetsRequest__Output as _tributary_v1_ListOffsetsRequest__Output } from '../../tributary/v1/ListOffsetsRequest.js';
import type { ListOffsetsResponse as _tributary_v1_ListOffsetsResponse, ListOffsetsResponse__Output as _tributary_v1_ListOffsetsResponse__Output } from '../../tributary/v1/ListOffsetsResponse.js';
import type { MetadataRequest as _tributary_v1_MetadataRequest, MetadataRequest__Output as _tributary_v1_MetadataRequest__Output } from '../../tributary/v1/MetadataRequest.js';
import type { MetadataResponse as _tributary_v1_MetadataResponse, MetadataResponse__Output as _tributary_v1_MetadataResponse__Output } from '../../tributary/v1/MetadataResponse.js';
import type { ProduceRequest as _tributary_v1_ProduceRequest, ProduceRequest__Output as _tributary_v1_ProduceRequest__Output } from '../../tributary/v1/ProduceRequest.js';
import type { ProduceResponse as _tributary_v1_ProduceResponse, ProduceResponse__Output as _tributary_v1_ProduceResponse__Output } from '../../tributary/v1/ProduceResponse.js';
import type { SubscribeRequest as _tributary_v1_SubscribeRequest, SubscribeRequest__Output as _tributary_v1_SubscribeRequest__Output } from '../../tributary/v1/SubscribeRequest.js';
import type { SubscribeResponse as _tributary_v1_SubscribeResponse, SubscribeResponse__Output as _tributary_v1_SubscribeResponse__Output } from '../../tributary/v1/SubscribeResponse.js';

/**
 * The data path: produce, fetch, subscribe, list offsets, metadata.
 */
export interface ClientServiceClient extends grpc.Client {
  /**
   * Read from one or more partitions; long-polls up to max_wait_ms until min_bytes are available.
   */
  Fetch(argument: _tributary_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _tributary_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _tributary_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  Fetch(argument: _tributary_v1_FetchRequest, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Read from one or more partitions; long-polls up to max_wait_ms until min_bytes are available.
   */
  fetch(argument: _tributary_v1_FetchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _tributary_v1_FetchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _tributary_v1_FetchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  fetch(argument: _tributary_v1_FetchRequest, callback: grpc.requestCallback<_tributary_v1_FetchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A producer id and epoch for an idempotent producer, allocated by the controller. Batches carrying
   * them get per-partition sequence checks: a retried batch is written once.
   */
  InitProducerId(argument: _tributary_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _tributary_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _tributary_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  InitProducerId(argument: _tributary_v1_InitProducerIdRequest, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A producer id and epoch for an idempotent producer, allocated by the controller. Batches carrying
   * them get per-partition sequence checks: a retried batch is written once.
   */
  initProducerId(argument: _tributary_v1_InitProducerIdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _tributary_v1_InitProducerIdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _tributary_v1_InitProducerIdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  initProducerId(argument: _tributary_v1_InitProducerIdRequest, callback: grpc.requestCallback<_tributary_v1_InitProducerIdResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Earliest, latest, or first offset at a timestamp, per partition.
   */
  ListOffsets(argument: _tributary_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _tributary_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _tributary_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  ListOffsets(argument: _tributary_v1_ListOffsetsRequest, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Earliest, latest, or first offset at a timestamp, per partition.
   */
  listOffsets(argument: _tributary_v1_ListOffsetsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tributary_v1_ListOffsetsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tributary_v1_ListOffsetsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  listOffsets(argument: _tributary_v1_ListOffsetsRequest, callback: grpc.requestCallback<_tributary_v1_ListOffsetsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Brokers, topics, partitions and their leaders.
   */
  Metadata(argument: _tributary_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _tributary_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _tributary_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  Metadata(argument: _tributary_v1_MetadataRequest, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Brokers, topics, partitions and their leaders.
   */
  metadata(argument: _tributary_v1_MetadataRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _tributary_v1_MetadataRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _tributary_v1_MetadataRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  metadata(argument: _tributary_v1_MetadataRequest, callback: grpc.requestCallback<_tributary_v1_MetadataResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Append record batches to one or more partitions.
   */
  Produce(argument: _tributary_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _tributary_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _tributary_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  Produce(argument: _tributary_v1_ProduceRequest, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Append record batches to one or more partitions.
   */
  produce(argument: _tributary_v1_ProduceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tributary_v1_ProduceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tributary_v1_ProduceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  produce(argument: _tributary_v1_ProduceRequest, callback: grpc.requestCallback<_tributary_v1_ProduceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Produce over one long-lived stream: the broker starts the appends of each request in the order the
   * requests arrive on the stream, so a producer can pipeline many requests per partition and keep their
   * order (concurrent unary calls travel on separate HTTP/2 streams and may be reordered). Each response
   * echoes its request's request_id; responses for different partitions may come back out of order.
   * When the broker holds too many bytes of a stream, it stops reading it (HTTP/2 flow control).
   */
  ProduceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tributary_v1_ProduceRequest, _tributary_v1_ProduceResponse__Output>;
  ProduceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tributary_v1_ProduceRequest, _tributary_v1_ProduceResponse__Output>;
  /**
   * Produce over one long-lived stream: the broker starts the appends of each request in the order the
   * requests arrive on the stream, so a producer can pipeline many requests per partition and keep their
   * order (concurrent unary calls travel on separate HTTP/2 streams and may be reordered). Each response
   * echoes its request's request_id; responses for different partitions may come back out of order.
   * When the broker holds too many bytes of a stream, it stops reading it (HTTP/2 flow control).
   */
  produceStream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_tributary_v1_ProduceRequest, _tributary_v1_ProduceResponse__Output>;
  produceStream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_tributary_v1_ProduceRequest, _tributary_v1_ProduceResponse__Output>;
  
  /**
   * Stream one partition from a start position, following new appends; flow-controlled by HTTP/2.
   */
  Subscribe(argument: _tributary_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tributary_v1_SubscribeResponse__Output>;
  Subscribe(argument: _tributary_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tributary_v1_SubscribeResponse__Output>;
  /**
   * Stream one partition from a start position, following new appends; flow-controlled by HTTP/2.
   */
  subscribe(argument: _tributary_v1_SubscribeRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_tributary_v1_SubscribeResponse__Output>;
  subscribe(argument: _tributary_v1_SubscribeRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_tributary_v1_SubscribeResponse__Output>;
  
}

/**
 * The data path: produce, fetch, subscribe, list offsets, metadata.
 */
export interface ClientServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Read from one or more partitions; long-polls up to max_wait_ms until min_bytes are available.
   */
  Fetch: grpc.handleUnaryCall<_tributary_v1_FetchRequest__Output, _tributary_v1_FetchResponse>;
  
  /**
   * A producer id and epoch for an idempotent producer, allocated by the controller. Batches carrying
   * them get per-partition sequence checks: a retried batch is written once.
   */
  InitProducerId: grpc.handleUnaryCall<_tributary_v1_InitProducerIdRequest__Output, _tributary_v1_InitProducerIdResponse>;
  
  /**
   * Earliest, latest, or first offset at a timestamp, per partition.
   */
  ListOffsets: grpc.handleUnaryCall<_tributary_v1_ListOffsetsRequest__Output, _tributary_v1_ListOffsetsResponse>;
  
  /**
   * Brokers, topics, partitions and their leaders.
   */
  Metadata: grpc.handleUnaryCall<_tributary_v1_MetadataRequest__Output, _tributary_v1_MetadataResponse>;
  
  /**
   * Append record batches to one or more partitions.
   */
  Produce: grpc.handleUnaryCall<_tributary_v1_ProduceRequest__Output, _tributary_v1_ProduceResponse>;
  
  /**
   * Produce over one long-lived stream: the broker starts the appends of each request in the order the
   * requests arrive on the stream, so a producer can pipeline many requests per partition and keep their
   * order (concurrent unary calls travel on separate HTTP/2 streams and may be reordered). Each response
   * echoes its request's request_id; responses for different partitions may come back out of order.
   * When the broker holds too many bytes of a stream, it stops reading it (HTTP/2 flow control).
   */
  ProduceStream: grpc.handleBidiStreamingCall<_tributary_v1_ProduceRequest__Output, _tributary_v1_ProduceResponse>;
  
  /**
   * Stream one partition from a start position, following new appends; flow-controlled by HTTP/2.
   */
  Subscribe: grpc.handleServerStreamingCall<_tributary_v1_SubscribeRequest__Output, _tributary_v1_SubscribeResponse>;
  
}

export interface ClientServiceDefinition extends grpc.ServiceDefinition {
  Fetch: MethodDefinition<_tributary_v1_FetchRequest, _tributary_v1_FetchResponse, _tributary_v1_FetchRequest__Output, _tributary_v1_FetchResponse__Output>
  InitProducerId: MethodDefinition<_tributary_v1_InitProducerIdRequest, _tributary_v1_InitProducerIdResponse, _tributary_v1_InitProducerIdRequest__Output, _tributary_v1_InitProducerIdResponse__Output>
  ListOffsets: MethodDefinition<_tributary_v1_ListOffsetsRequest, _tributary_v1_ListOffsetsResponse, _tributary_v1_ListOffsetsRequest__Output, _tributary_v1_ListOffsetsResponse__Output>
  Metadata: MethodDefinition<_tributary_v1_MetadataRequest, _tributary_v1_MetadataResponse, _tributary_v1_MetadataRequest__Output, _tributary_v1_MetadataResponse__Output>
  Produce: MethodDefinition<_tributary_v1_ProduceRequest, _tributary_v1_ProduceResponse, _tributary_v1_ProduceRequest__Output, _tributary_v1_ProduceResponse__Output>
  ProduceStream: MethodDefinition<_tributary_v1_ProduceRequest, _tributary_v1_ProduceResponse, _tributary_v1_ProduceRequest__Output, _tributary_v1_ProduceResponse__Output>
  Subscribe: MethodDefinition<_tributary_v1_SubscribeRequest, _tributary_v1_SubscribeResponse, _tributary_v1_SubscribeRequest__Output, _tributary_v1_SubscribeResponse__Output>
}
