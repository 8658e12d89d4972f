// The sender thread's entry. Threads do not inherit the TypeScript loader the process was
// started with (`--import tsx`), so this plain module registers it before loading the thread.
import { register } from 'tsx/esm/api';

register();
await import('./sender-thread.ts');
