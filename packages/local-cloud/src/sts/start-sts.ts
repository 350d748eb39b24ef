// Starts the STS endpoint on its own 127.0.0.1 port.
import { type ListenOptions, listen } from '../http/server.ts';
import { type StsOptions, StsService } from './sts-service.ts';

export interface StsEndpoint {
  url: string;
  service: StsService;
  stop(): Promise<void>;
}

export async function startSts(options: StsOptions & ListenOptions): Promise<StsEndpoint> {
  const service = new StsService(options);
  const server = await listen(service.handler(), options);
  return { url: server.url, service, stop: () => server.close() };
}
