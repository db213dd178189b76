// undici's index loads every feature it has (fetch, WebSocket, mocks, caches); crosscheck imports
// only the Agent and request(), from the files that define them, and these give them their types.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export default AgentClass;
}

declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  const request: (this: Dispatcher, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
  export default request;
}

declare module 'undici/lib/core/connect.js' {
  import type { buildConnector as BuildConnector } from 'undici';
  const buildConnector: typeof BuildConnector;
  export default buildConnector;
}
