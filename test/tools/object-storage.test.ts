import { objectStorageTools } from '../../src/tools/object-storage.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';

/**
 * The object storage tools: their schemas (toolsnaps). What they run on 0.0.9 and refuse before it:
 * generations.test.ts; what they show of secrets: generations.test.ts and operations.test.ts.
 */

describeToolsnaps(objectStorageTools);
