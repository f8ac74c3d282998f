/**
 * Queue mode in front of the fake Replicate, as the acceptance tests run it: a load balancer as
 * `PUBLIC_URL` (where the fake's webhooks arrive), a receiver for gengate's own webhooks, and a
 * cluster whose processes use the fake. The caller spawns the nodes and adds the API nodes to the
 * balancer.
 */
import { type FakeReplicate, startFakeReplicate } from "../fakes/replicate/index.ts";
import type { FakeReplicateOptions } from "../fakes/replicate/types.ts";
import { type LoadBalancer, startLoadBalancer } from "./load-balancer.ts";
import { type QueueCluster, startQueueCluster } from "./queue-cluster.ts";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.ts";

export interface ReplicateCluster {
  fake: FakeReplicate;
  balancer: LoadBalancer;
  receiver: WebhookReceiver;
  cluster: QueueCluster;
  close(): Promise<void>;
}

export async function startReplicateCluster(options: FakeReplicateOptions): Promise<ReplicateCluster> {
  const [fake, balancer, receiver] = await Promise.all([
    startFakeReplicate(options),
    startLoadBalancer(),
    startWebhookReceiver(),
  ]);
  const cluster = await startQueueCluster({
    REPLICATE_API_TOKEN: fake.token,
    REPLICATE_BASE_URL: fake.url,
    PUBLIC_URL: balancer.url,
    GENGATE_ALLOW_PRIVATE_URLS: "1",
  });
  return {
    fake,
    balancer,
    receiver,
    cluster,
    async close() {
      await cluster.close();
      await Promise.all([fake.close(), balancer.close(), receiver.close()]);
    },
  };
}
