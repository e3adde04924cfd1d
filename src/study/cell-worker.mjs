// The entry of a sweep's pool worker (piscina). A worker thread starts without the main thread's
// TypeScript loader, so it registers tsx before loading the cell code from the sources.
import { register } from 'tsx/esm/api';

register();
const { runCellTask } = await import('./cell-task.ts');

export default runCellTask;
