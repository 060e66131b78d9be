import { sleep } from '../../kit/sleep.js';
import { TributaryError } from '../../proto/errors.js';
import type { AdminServiceClient } from '../../proto/generated/tributary/v1/AdminService.js';
import type { AllocateProducerIdsResponse__Output } from '../../proto/generated/tributary/v1/AllocateProducerIdsResponse.js';
import type { ClientServiceClient } from '../../proto/generated/tributary/v1/ClientService.js';
import type { ReplicationServiceClient } from '../../proto/generated/tributary/v1/ReplicationService.js';
import type { Balancer } from '../balance/balancer.js';
import type { Controller, NewTopicSpec } from '../controller/controller.js';
import type { LiveBroker } from '../metadata/keys.js';
import { callPeer, fromWireError, Peers } from '../replication/peers.js';
import type { PeerChannel } from '../transport-security.js';
import type { Membership } from './membership.js';

/** Attempts to reach an active controller before giving up with NOT_CONTROLLER (retriable). */
const CONTROLLER_ATTEMPTS = 20;
const CONTROLLER_RETRY_MS = 250;

/**
 * The cluster as request handlers find their way in it: the live brokers, who the controller is, and how
 * to reach it. Membership and controller are set once the broker has bound its port and registered.
 */
export class ClusterDirectory {
  membership: Membership | undefined;
  controller: Controller | undefined;
  /** The controller's partition balancer (acts only while the controller is active). */
  balancer: Balancer | undefined;
  readonly peers: Peers;

  constructor(
    readonly nodeId: number,
    maxMessageBytes: number,
    peerChannel: PeerChannel,
    /** The inter-broker token presented on every call to a peer (security/inter-broker-credential.ts). */
    peerToken?: () => string,
  ) {
    this.peers = new Peers(maxMessageBytes, peerChannel, peerToken);
  }

  broker(id: number): LiveBroker | undefined {
    return this.membership?.broker(id);
  }

  liveBrokers(): LiveBroker[] {
    return this.membership?.liveBrokers() ?? [];
  }

  /** The controller's broker id as this broker last saw it, -1 when there is none. */
  controllerId(): number {
    return this.membership?.controller()?.brokerId ?? -1;
  }

  brokerEpoch(): number {
    return this.membership?.brokerEpoch ?? -1;
  }

  /** The client API of a live broker, or undefined when it is not live. */
  clientService(id: number): ClientServiceClient | undefined {
    const b = this.broker(id);
    return b === undefined ? undefined : this.peers.client(b);
  }

  /** Whether `epoch` is a broker epoch of this process, the current one or one it renewed since. */
  ownsBrokerEpoch(epoch: number): boolean {
    return this.membership?.ownsEpoch(epoch) ?? false;
  }

  /**
   * A client for broker `id` at its last known address, live or not: a registration that lapsed in a DCS
   * outage does not mean the broker is gone, and the peer itself checks every request (leader epochs).
   */
  replicationClient(id: number): ReplicationServiceClient | undefined {
    const b = this.membership?.lastKnown(id);
    return b === undefined ? undefined : this.peers.replication(b);
  }

  /**
   * Runs `local` on this broker's controller when it is the active one, otherwise `remote` with a client
   * for the controller broker. Waits (boundedly) through an election; remote NOT_CONTROLLER answers (the
   * controller moved meanwhile) are retried the same way.
   */
  async viaController<T>(
    local: (controller: Controller) => Promise<T>,
    remote: (clients: { admin: AdminServiceClient; replication: ReplicationServiceClient }) => Promise<T>,
  ): Promise<T> {
    let last: unknown;
    for (let attempt = 0; attempt < CONTROLLER_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(CONTROLLER_RETRY_MS);
      const id = this.controllerId();
      try {
        if (id === this.nodeId && this.controller?.isActive) return await local(this.controller);
        const target = id < 0 || id === this.nodeId ? undefined : this.broker(id);
        if (target === undefined) {
          last = new TributaryError('NOT_CONTROLLER', 'no controller is elected right now; retry shortly');
          continue;
        }
        return await remote({ admin: this.peers.admin(target), replication: this.peers.replication(target) });
      } catch (err) {
        if (!(err instanceof TributaryError) || err.reason !== 'NOT_CONTROLLER') throw err;
        last = err;
      }
    }
    throw last;
  }

  /**
   * Creates a topic at the controller (here, or forwarded as CreateTopics to the controller broker, whose
   * per-topic error is thrown). The spec is already validated.
   */
  createTopic(spec: NewTopicSpec, timeoutMs: number): Promise<unknown> {
    return this.viaController<unknown>(
      (c) => c.createTopic(spec),
      async ({ admin }) => {
        const res = await callPeer<{
          topics: Array<{ error?: { reason?: string; message?: string } | null }>;
        }>(
          admin.CreateTopics.bind(admin) as never,
          {
            topics: [
              {
                name: spec.name,
                partitions: spec.partitions,
                replication_factor: spec.replicationFactor,
                configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
              },
            ],
            validate_only: false,
          },
          timeoutMs,
        );
        const error = res.topics[0]?.error;
        if (error) throw fromWireError(error);
      },
    );
  }

  private idBlock = { next: 0, end: 0 };
  private idBlockRequest: Promise<void> | undefined;

  /**
   * A fresh producer id: from this broker's block, asking the controller for a new block when it ran out
   * (one request at a time).
   */
  async nextProducerId(timeoutMs: number): Promise<number> {
    while (this.idBlock.next >= this.idBlock.end) {
      this.idBlockRequest ??= this.requestIdBlock(timeoutMs).finally(() => {
        this.idBlockRequest = undefined;
      });
      await this.idBlockRequest;
    }
    return this.idBlock.next++;
  }

  private async requestIdBlock(timeoutMs: number): Promise<void> {
    const epoch = this.brokerEpoch();
    const block = await this.viaController(
      (c) => c.allocateProducerIds(this.nodeId, epoch),
      async ({ replication }) => {
        const res = await callPeer<AllocateProducerIdsResponse__Output>(
          replication.AllocateProducerIds.bind(replication) as never,
          { broker_id: this.nodeId, broker_epoch: String(epoch) },
          timeoutMs,
        );
        if (res.error) throw fromWireError(res.error);
        return { firstId: Number(res.first_id), count: res.count };
      },
    );
    this.idBlock = { next: block.firstId, end: block.firstId + block.count };
  }

  close(): void {
    this.peers.close();
  }
}
