export interface ClusterNode {
  name: string;
  url: string;
  mqttPort: number;
  /** Stops the node: SIGTERM by default, SIGKILL as a crash. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export interface NatsCluster {
  nodes: ClusterNode[];
  version: string;
  log(): string;
  stop(): Promise<void>;
}

export function startNatsCluster(options?: { nodes?: number; name?: string; mqttTuning?: string }): Promise<NatsCluster>;
