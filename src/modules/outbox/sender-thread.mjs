// The sender thread's entry. Threads do not inherit the TypeScript loader the process was
// started with (`--import tsx`), so this plain module loads the thread through tsx's require
// hook, which runs in the thread itself: its ESM loader would start one more thread for each.
import { require as requireTypeScript } from 'tsx/cjs/api';

requireTypeScript('./sender-thread.ts', import.meta.url);
