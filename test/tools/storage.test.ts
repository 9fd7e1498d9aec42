import { storageTools } from '../../src/tools/storage.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';

/** The storage tools: their schemas (toolsnaps). What they run on every generation: generations.test.ts. */

describeToolsnaps(storageTools);
